#include "runtime/rootfs/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "runtime/rootfs/mounts.h"
#include "sys/file.h"
#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

std::string propagation_of(const oci::Spec& spec) {
    return spec.linux_ ? spec.linux_->rootfs_propagation : std::string();
}

// Every mount is made through /proc/self/fd/N; make sure that /proc is procfs
// and not something planted to redirect those paths.
Status check_host_proc() {
    TRY_ASSIGN(UniqueFd proc, sys::open_file("/proc", O_PATH | O_DIRECTORY));
    return sys::expect_fs_magic(proc.get(), sys::kProcSuperMagic, "/proc", "procfs");
}

}  // namespace

Status prepare(const oci::Spec& spec, const Options& opts) {
    if (opts.rootfs.empty() || opts.rootfs[0] != '/')
        return invalid_input("rootfs path \"" + opts.rootfs + "\" is not absolute");
    std::string prop = propagation_of(spec);
    unsigned long wanted = 0;
    if (!prop.empty()) {
        TRY_ASSIGN(wanted, std::move(parse_propagation(prop)).context("linux.rootfsPropagation"));
    }

    // First of all cut propagation towards the host: from here on, no mount
    // made in this namespace can appear outside it. A private request is
    // honoured now; the others are applied by finalize() to the container's
    // "/" alone, after pivot_root, which refuses a shared new root.
    unsigned long first = (wanted & MS_PRIVATE) ? (MS_PRIVATE | MS_REC) : (MS_SLAVE | MS_REC);
    TRY(std::move(sys::mount(nullptr, "/", nullptr, first, "")).context("prepare rootfs"));
    TRY(check_host_proc());

    // The rootfs must be a mount point for pivot_root (and MS_MOVE).
    TRY(std::move(sys::mount(opts.rootfs.c_str(), opts.rootfs, nullptr, MS_BIND | MS_REC, ""))
            .context("bind rootfs"));
    TRY_ASSIGN(UniqueFd root, sys::open_file(opts.rootfs, O_PATH | O_DIRECTORY));
    Ctx ctx{opts, root.get()};

    for (const auto& m : spec.mounts) TRY(mount_entry(ctx, m));
    TRY(std::move(setup_devices(ctx, spec)).context("devices"));
    return {};
}

Status switch_root(const Options& opts) {
    if (opts.no_pivot) {
        // runc's --no-pivot: move the rootfs mount over / and chroot into it.
        TRY(sys::chdir(opts.rootfs));
        TRY(sys::mount(opts.rootfs.c_str(), "/", nullptr, MS_MOVE, "", "/ (move rootfs)"));
        TRY(sys::chroot("."));
        return sys::chdir("/");
    }
    TRY_ASSIGN(UniqueFd old_root, sys::open_file("/", O_DIRECTORY | O_RDONLY));
    TRY_ASSIGN(UniqueFd new_root, sys::open_file(opts.rootfs, O_DIRECTORY | O_RDONLY));
    // pivot_root(".", ".") stacks the old root on top of the new one; no
    // directory inside the rootfs is needed to hold it.
    TRY(sys::fchdir(new_root.get()));
    TRY(std::move(sys::pivot_root(".", ".")).context("switch root to " + opts.rootfs));
    TRY(sys::fchdir(old_root.get()));
    // The unmount of the old root must not propagate anywhere.
    TRY(std::move(sys::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, "", "old root"))
            .context("switch root"));
    TRY(std::move(sys::umount2(".", MNT_DETACH)).context("detach old root"));
    return sys::chdir("/");
}

}  // namespace nook::runtime::rootfs
