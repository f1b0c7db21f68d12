// tmpfs "tmpcopyup" (a crun/podman extension): the tmpfs is created detached
// with the new mount API, filled with a copy of the directory it will cover,
// and only then moved into place, so no temporary directory is needed.
#include <sys/mount.h>

#include "runtime/rootfs/mounts.h"
#include "sys/copy_tree.h"
#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

uint64_t attrs_of(unsigned long flags) {
    uint64_t a = 0;
    if (flags & MS_RDONLY) a |= MOUNT_ATTR_RDONLY;
    if (flags & MS_NOSUID) a |= MOUNT_ATTR_NOSUID;
    if (flags & MS_NODEV) a |= MOUNT_ATTR_NODEV;
    if (flags & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
    if (flags & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
    if (flags & MS_NOATIME) a |= MOUNT_ATTR_NOATIME;
    if (flags & MS_STRICTATIME) a |= MOUNT_ATTR_STRICTATIME;
    return a;
}

}  // namespace

Status tmpcopyup_mount(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo) {
    const std::string& what = m.destination;
    TRY_ASSIGN(Resolved dst, std::move(resolve_in_root(ctx.root_fd, m.destination, Create::kDir))
                                 .context("mount " + what));
    TRY_ASSIGN(
        UniqueFd mnt,
        std::move(sys::fs_create_detached("tmpfs", mo.data, 0)).context("mount tmpfs on " + what));
    TRY(std::move(sys::copy_tree(dst.fd.get(), mnt.get(), what)).context("tmpcopyup"));
    // Flags go on only after the copy, or "ro" would refuse it.
    if (uint64_t a = attrs_of(mo.flags)) {
        uint64_t clr = (a & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME)) ? MOUNT_ATTR__ATIME : 0;
        TRY(sys::mount_setattr(mnt.get(), "", false, a, clr, what));
    }
    TRY(sys::move_mount_to_fd(mnt.get(), dst.fd.get(), what));
    if (mo.propagation.empty() && !mo.rec_attr_set && !mo.rec_attr_clr) return {};
    TRY_ASSIGN(UniqueFd fd, reopen(ctx.root_fd, dst.path));
    return apply_mount_attrs(sys::fd_path(fd.get()), fd.get(), mo, what);
}

}  // namespace nook::runtime::rootfs
