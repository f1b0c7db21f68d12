#include "sys/mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys/retry.h"

namespace nook::sys {

namespace {

std::string name_or(const std::string& what, const std::string& fallback) {
    return what.empty() ? fallback : what;
}

}  // namespace

Status mount(const char* source, const std::string& target, const char* fstype, unsigned long flags,
             const std::string& data, const std::string& what) {
    const void* d = data.empty() ? nullptr : data.c_str();
    if (::mount(source, target.c_str(), fstype, flags, d) == 0) return {};
    std::string msg = "mount";
    if (fstype && *fstype) msg += std::string(" ") + fstype;
    if (source && *source) msg += std::string(" ") + source;
    msg += " on " + name_or(what, target);
    if (!data.empty()) msg += " (" + data + ")";
    return Error::from_errno(msg);
}

Status umount2(const std::string& target, int flags) {
    if (::umount2(target.c_str(), flags) == 0) return {};
    return Error::from_errno("umount2 " + target);
}

Status pivot_root(const std::string& new_root, const std::string& put_old) {
    if (::syscall(SYS_pivot_root, new_root.c_str(), put_old.c_str()) == 0) return {};
    return Error::from_errno("pivot_root " + new_root);
}

Status chroot(const std::string& path) {
    if (::chroot(path.c_str()) == 0) return {};
    return Error::from_errno("chroot " + path);
}

Status chdir(const std::string& path) {
    if (::chdir(path.c_str()) == 0) return {};
    return Error::from_errno("chdir " + path);
}

Status fchdir(int fd) {
    if (::fchdir(fd) == 0) return {};
    return Error::from_errno("fchdir " + fd_path(fd));
}

Status mount_setattr(int dirfd, const std::string& path, bool recursive, uint64_t attr_set,
                     uint64_t attr_clr, const std::string& what) {
    struct mount_attr attr = {};
    attr.attr_set = attr_set;
    attr.attr_clr = attr_clr;
    unsigned int flags = recursive ? AT_RECURSIVE : 0;
    if (path.empty()) flags |= AT_EMPTY_PATH;
    if (::mount_setattr(dirfd, path.c_str(), flags, &attr, sizeof attr) == 0) return {};
    return Error::from_errno("mount_setattr " + name_or(what, path));
}

Result<UniqueFd> fs_create_detached(const std::string& fstype, const std::string& options,
                                    unsigned int attr_flags) {
    UniqueFd fs(::fsopen(fstype.c_str(), FSOPEN_CLOEXEC));
    if (!fs) return Error::from_errno("fsopen " + fstype);
    size_t pos = 0;
    while (pos < options.size()) {
        size_t comma = options.find(',', pos);
        if (comma == std::string::npos) comma = options.size();
        std::string opt = options.substr(pos, comma - pos);
        pos = comma + 1;
        if (opt.empty()) continue;
        size_t eq = opt.find('=');
        int r;
        if (eq == std::string::npos) {
            r = ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, opt.c_str(), nullptr, 0);
        } else {
            std::string key = opt.substr(0, eq), val = opt.substr(eq + 1);
            r = ::fsconfig(fs.get(), FSCONFIG_SET_STRING, key.c_str(), val.c_str(), 0);
        }
        if (r < 0) return Error::from_errno("fsconfig " + fstype + " option " + opt);
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        return Error::from_errno("fsconfig create " + fstype);
    UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, attr_flags));
    if (!mnt) return Error::from_errno("fsmount " + fstype);
    return mnt;
}

Status move_mount_to_fd(int mount_fd, int target_fd, const std::string& what) {
    if (::move_mount(mount_fd, "", target_fd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
        return {};
    return Error::from_errno("move_mount onto " + what);
}

Result<UniqueFd> openat2(int dirfd, const std::string& path, uint64_t flags, uint64_t mode,
                         uint64_t resolve) {
    struct open_how how = {};
    how.flags = flags | O_CLOEXEC;
    how.mode = mode;
    how.resolve = resolve;
    long fd =
        retry_eintr([&] { return ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how); });
    if (fd < 0) return Error::from_errno("openat2 " + path);
    return UniqueFd(static_cast<int>(fd));
}

Result<UniqueFd> open_in_root(int root_fd, const std::string& path, bool follow_last) {
    uint64_t flags = O_PATH | (follow_last ? 0 : O_NOFOLLOW);
    // An empty relative path means the root itself.
    return openat2(root_fd, path.empty() ? "." : path, flags, 0,
                   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

Result<int64_t> fs_magic(int fd) {
    struct statfs st = {};
    if (retry_eintr([&] { return ::fstatfs(fd, &st); }) < 0)
        return Error::from_errno("fstatfs " + fd_path(fd));
    return static_cast<int64_t>(st.f_type);
}

Status expect_fs_magic(int fd, int64_t magic, const std::string& what, const char* name) {
    TRY_ASSIGN(int64_t got, std::move(fs_magic(fd)).context(what));
    if (got != magic) return Error(EXDEV, what + " is not on " + name).without_errno_text();
    return {};
}

Result<unsigned long> mount_flags_of(const std::string& path) {
    struct statvfs st = {};
    if (retry_eintr([&] { return ::statvfs(path.c_str(), &st); }) < 0)
        return Error::from_errno("statvfs " + path);
    static constexpr struct {
        unsigned long st, ms;
    } kMap[] = {
        {ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},
        {ST_NODEV, MS_NODEV},       {ST_NOEXEC, MS_NOEXEC},
        {ST_NOATIME, MS_NOATIME},   {ST_NODIRATIME, MS_NODIRATIME},
        {ST_RELATIME, MS_RELATIME}, {ST_SYNCHRONOUS, MS_SYNCHRONOUS},
        {ST_MANDLOCK, MS_MANDLOCK},
    };
    unsigned long out = 0;
    for (const auto& m : kMap)
        if (st.f_flag & m.st) out |= m.ms;
    return out;
}

Status mknodat(int dirfd, const std::string& name, mode_t mode, dev_t dev,
               const std::string& what) {
    if (::mknodat(dirfd, name.c_str(), mode, dev) == 0) return {};
    return Error::from_errno("mknod " + what + " (" + std::to_string(major(dev)) + ":" +
                             std::to_string(minor(dev)) + ")");
}

Status mkdirat(int dirfd, const std::string& name, mode_t mode, const std::string& what) {
    if (::mkdirat(dirfd, name.c_str(), mode) == 0) return {};
    return Error::from_errno("mkdir " + what);
}

Status symlinkat(const std::string& target, int dirfd, const std::string& name) {
    if (::symlinkat(target.c_str(), dirfd, name.c_str()) == 0) return {};
    return Error::from_errno("symlink " + name + " -> " + target);
}

Status unlinkat(int dirfd, const std::string& name, int flags, const std::string& what) {
    if (::unlinkat(dirfd, name.c_str(), flags) == 0) return {};
    return Error::from_errno("unlink " + what);
}

Status fchmodat(int dirfd, const std::string& name, mode_t mode, const std::string& what) {
    if (::fchmodat(dirfd, name.c_str(), mode, 0) == 0) return {};
    return Error::from_errno("chmod " + what);
}

Status fchownat(int dirfd, const std::string& name, uid_t uid, gid_t gid, int flags,
                const std::string& what) {
    if (::fchownat(dirfd, name.c_str(), uid, gid, flags) == 0) return {};
    return Error::from_errno("chown " + what);
}

Result<struct stat> fstat_fd(int fd, const std::string& what) {
    struct stat st = {};
    if (::fstat(fd, &st) < 0) return Error::from_errno("stat " + what);
    return st;
}

Result<struct stat> stat_path(const std::string& path) {
    struct stat st = {};
    if (::stat(path.c_str(), &st) < 0) return Error::from_errno("stat " + path);
    return st;
}

Result<std::string> readlink_fd(int fd) {
    char buf[4096];
    ssize_t n = ::readlinkat(fd, "", buf, sizeof buf);
    if (n < 0) return Error::from_errno("readlink " + fd_path(fd));
    if (static_cast<size_t>(n) >= sizeof buf) return Error(ENAMETOOLONG, "readlink " + fd_path(fd));
    return std::string(buf, static_cast<size_t>(n));
}

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace nook::sys
