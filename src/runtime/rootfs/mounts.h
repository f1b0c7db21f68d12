// Internal steps of prepare(): performing spec mounts (incl. cgroup), devices,
// and the remount helpers shared with finalize().
#pragma once

#include <string>

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/rootfs/mount_options.h"
#include "runtime/rootfs/resolve.h"
#include "runtime/rootfs/rootfs.h"

namespace nook::runtime::rootfs {

// What every step needs: the options and an O_PATH fd of the rootfs mount.
struct Ctx {
    const Options& opts;
    int root_fd;
};

// Perform one spec.mounts entry inside the rootfs.
Status mount_entry(const Ctx& ctx, const oci::Mount& m);

// A bind mount (source on the host) and a filesystem mount (proc, tmpfs, ...).
Status mount_bind(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo);
Status mount_filesystem(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo);

// tmpfs with "tmpcopyup": the new tmpfs starts with a copy of what it covers.
Status tmpcopyup_mount(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo);

// cgroup mounts (v1/hybrid: tmpfs + one mount per hierarchy; v2: cgroup2).
Status mount_cgroup(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo);

// Default and spec devices plus the /dev symlinks (skipped when /dev is bind-mounted).
Status setup_devices(const Ctx& ctx, const oci::Spec& spec);

// MS_BIND|MS_REMOUNT with `flags` on the mount at `target` (a path, usually
// /proc/self/fd/N). In a user namespace the mount's nosuid/nodev/noexec/ro/atime
// flags may be locked: on EPERM retry keeping the flags it already has.
Status remount_bind(const std::string& target, unsigned long flags, const std::string& what);

// Propagation changes and recursive attributes of an already-made mount.
Status apply_mount_attrs(const std::string& target, int target_fd, const MountOptions& mo,
                         const std::string& what);

// Re-open a mount target after mounting on it: an fd opened before the mount
// still names the covered directory, not the new mount.
Result<UniqueFd> reopen(int root_fd, const std::string& in_root_path);

}  // namespace nook::runtime::rootfs
