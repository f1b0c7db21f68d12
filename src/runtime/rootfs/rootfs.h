// Root filesystem setup inside the container's init process: mounts, devices,
// pivot_root, and the post-pivot hardening (sysctl, masked/readonly paths).
//
// Runs in a forked (not vforked), single-threaded child that is already in its
// own mount namespace; allocation is fine. Nothing here may ever affect the
// host: prepare() first makes "/" rslave so no mount propagates back.
#pragma once

#include <functional>
#include <string>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::runtime::rootfs {

struct Options {
    std::string rootfs;              // absolute host path of the rootfs (already resolved)
    std::string bundle;              // absolute bundle dir (mount sources may be relative to it)
    bool in_user_namespace = false;  // own userns: mknod is impossible -> bind host device nodes
    bool new_cgroup_namespace = false;
    bool no_pivot = false;
    // Called once, right before the first mount of type "cgroup": the caller
    // uses it to wait until the process is in its cgroup (and to unshare the
    // cgroup namespace), so all other mounts can overlap the cgroup attach.
    std::function<Status()> before_cgroup_mount;
};

// In the init process, already inside its NEW mount namespace, before
// pivot_root: make / rslave, bind the rootfs onto itself, perform every
// spec.mounts entry in order (targets resolved safely inside the rootfs),
// create default and spec.linux.devices and the default /dev symlinks.
// (linux.rootfsPropagation is validated here but applied by finalize(): pivot_root
// refuses a shared new root.)
Status prepare(const oci::Spec& spec, const Options& opts);

// Switch the root: pivot_root(rootfs, rootfs) + umount2(old, MNT_DETACH),
// chdir("/"); with no_pivot: MS_MOVE the rootfs onto / and chroot.
Status switch_root(const Options& opts);

// After switch_root, inside the container: linux.rootfsPropagation on "/",
// linux.sysctl, readonlyPaths, maskedPaths, root.readonly.
Status finalize(const oci::Spec& spec, const Options& opts);

// Only linux.sysctl, for a container without a mount namespace (it has
// nothing else to finalize).
Status apply_sysctls(const oci::Spec& spec);

}  // namespace nook::runtime::rootfs
