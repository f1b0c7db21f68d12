// Hardening after the root switch: sysctls, readonlyPaths, maskedPaths and a
// read-only root. Runs inside the container's root, so paths are the container's.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "runtime/rootfs/mounts.h"
#include "runtime/rootfs/rootfs.h"
#include "sys/file.h"
#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

Status write_sysctl(int proc_sys_fd, const std::string& key, const std::string& value) {
    std::string rel = key;
    for (char& c : rel)
        if (c == '.') c = '/';
    // Beneath /proc/sys, no symlinks: a key cannot name any file elsewhere.
    TRY_ASSIGN(UniqueFd fd, sys::openat2(proc_sys_fd, rel, O_WRONLY | O_TRUNC, 0,
                                         RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                             RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV));
    return sys::write_all(fd.get(), value);
}

Status apply_sysctls(const std::map<std::string, std::string>& sysctl) {
    if (sysctl.empty()) return {};
    TRY_ASSIGN(UniqueFd dir, sys::open_file("/proc/sys", O_RDONLY | O_DIRECTORY));
    TRY(sys::expect_fs_magic(dir.get(), sys::kProcSuperMagic, "/proc/sys", "procfs"));
    for (const auto& [key, value] : sysctl)
        TRY(std::move(write_sysctl(dir.get(), key, value)).context(key + "=" + value));
    return {};
}

// Resolve an existing path inside "/" (the container root); an empty fd when
// it does not exist, which maskedPaths and readonlyPaths ignore. Mounting
// through /proc/self/fd needs a real procfs: checked for each existing path
// (cheap), as the container's /proc is only known to be there once one is.
Result<Resolved> find(int root_fd, const std::string& path) {
    auto r = resolve_in_root(root_fd, path, Create::kNone);
    if (!r.ok() && (r.error().code() == ENOENT || r.error().code() == ENOTDIR)) return Resolved{};
    if (!r.ok()) return r;
    TRY_ASSIGN(UniqueFd proc, sys::open_file("/proc", O_PATH | O_DIRECTORY));
    TRY(sys::expect_fs_magic(proc.get(), sys::kProcSuperMagic, "/proc", "procfs"));
    return r;
}

Status make_readonly(int root_fd, const std::string& path) {
    TRY_ASSIGN(Resolved r, find(root_fd, path));
    if (!r.fd) return {};
    std::string target = sys::fd_path(r.fd.get());
    TRY(sys::mount(target.c_str(), target, nullptr, MS_BIND | MS_REC, "", path));
    TRY_ASSIGN(UniqueFd fd, reopen(root_fd, r.path));
    return remount_bind(sys::fd_path(fd.get()), MS_RDONLY | MS_REC, path);
}

Status mask(int root_fd, const std::string& path) {
    TRY_ASSIGN(Resolved r, find(root_fd, path));
    if (!r.fd) return {};
    TRY_ASSIGN(struct stat st, sys::fstat_fd(r.fd.get(), path));
    std::string target = sys::fd_path(r.fd.get());
    if (S_ISDIR(st.st_mode))
        return sys::mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          "", path);
    return sys::mount("/dev/null", target, nullptr, MS_BIND, "", path);
}

}  // namespace

Status finalize(const oci::Spec& spec, const Options& /*opts*/) {
    TRY_ASSIGN(UniqueFd root, sys::open_file("/", O_PATH | O_DIRECTORY));
    if (spec.linux_) {
        const auto& l = *spec.linux_;
        if (!l.rootfs_propagation.empty()) {
            // "/" is a slave of the host since prepare(), so even "shared" only
            // makes a new peer group of the container's own mounts.
            TRY_ASSIGN(unsigned long p, std::move(parse_propagation(l.rootfs_propagation))
                                            .context("linux.rootfsPropagation"));
            TRY(std::move(sys::mount(nullptr, "/", nullptr, p, "", "/"))
                    .context("linux.rootfsPropagation " + l.rootfs_propagation));
        }
        TRY(std::move(apply_sysctls(l.sysctl)).context("linux.sysctl"));
        for (const auto& p : l.readonly_paths)
            TRY(std::move(make_readonly(root.get(), p)).context("readonlyPaths " + p));
        for (const auto& p : l.masked_paths)
            TRY(std::move(mask(root.get(), p)).context("maskedPaths " + p));
    }
    if (spec.root && spec.root->readonly)
        TRY(std::move(remount_bind("/", MS_RDONLY, "/")).context("root.readonly"));
    return {};
}

Status apply_sysctls(const oci::Spec& spec) {
    if (!spec.linux_) return {};
    return std::move(apply_sysctls(spec.linux_->sysctl)).context("linux.sysctl");
}

}  // namespace nook::runtime::rootfs
