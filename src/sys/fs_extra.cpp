#include "sys/fs_extra.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
// Note: <sys/file.h> and <sys/mount.h> are shadowed by nook's own src/sys
// headers on the include path, so mounts go through syscall(2) with the
// kernel's <linux/mount.h> and locks use fcntl OFD locks.
#include <linux/mount.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include "sys/retry.h"

namespace nook::sys {

Result<UniqueFd> open_in_root(int rootfd, const std::string& path, int flags, mode_t mode) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const char* p = path.empty() ? "." : path.c_str();
    long fd = retry_eintr([&] { return syscall(SYS_openat2, rootfd, p, &how, sizeof(how)); });
    if (fd < 0) return Error::from_errno("open " + path + " inside root");
    return UniqueFd(static_cast<int>(fd));
}

Status mkdir_at(int dirfd, const std::string& name, mode_t mode) {
    if (::mkdirat(dirfd, name.c_str(), mode) != 0) return Error::from_errno("mkdir " + name);
    return {};
}

Status mknod_at(int dirfd, const std::string& name, mode_t mode, dev_t dev) {
    if (::mknodat(dirfd, name.c_str(), mode, dev) != 0) return Error::from_errno("mknod " + name);
    return {};
}

Status symlink_at(const std::string& target, int dirfd, const std::string& name) {
    if (::symlinkat(target.c_str(), dirfd, name.c_str()) != 0)
        return Error::from_errno("symlink " + name + " -> " + target);
    return {};
}

Status link_at(int olddirfd, const std::string& oldname, int newdirfd, const std::string& newname) {
    if (::linkat(olddirfd, oldname.c_str(), newdirfd, newname.c_str(), 0) != 0)
        return Error::from_errno("link " + newname + " to " + oldname);
    return {};
}

Status unlink_at(int dirfd, const std::string& name, bool dir) {
    if (::unlinkat(dirfd, name.c_str(), dir ? AT_REMOVEDIR : 0) != 0)
        return Error::from_errno("remove " + name);
    return {};
}

Status remove_at(int dirfd, const std::string& name) {
    struct stat st;
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return {};
        return Error::from_errno("stat " + name);
    }
    if (!S_ISDIR(st.st_mode)) return unlink_at(dirfd, name, false);
    int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return Error::from_errno("open " + name);
    DIR* d = ::fdopendir(fd);
    if (!d) {
        ::close(fd);
        return Error::from_errno("opendir " + name);
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    Status st_all;
    for (const auto& n : names) {
        auto r = remove_at(::dirfd(d), n);
        if (!r.ok() && st_all.ok()) st_all = std::move(r).context(name);
    }
    ::closedir(d);
    TRY(st_all);
    return unlink_at(dirfd, name, true);
}

Result<struct stat> lstat_at(int dirfd, const std::string& name) {
    struct stat st;
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return Error::from_errno("stat " + name);
    return st;
}

Status chown_at(int dirfd, const std::string& name, uid_t uid, gid_t gid) {
    if (::fchownat(dirfd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        return Error::from_errno("chown " + name);
    return {};
}

Status chmod_fd(int fd, mode_t mode) {
    if (::fchmod(fd, mode) != 0) return Error::from_errno("chmod");
    return {};
}

Status chmod_at(int dirfd, const std::string& name, mode_t mode) {
    if (::fchmodat(dirfd, name.c_str(), mode, 0) != 0) return Error::from_errno("chmod " + name);
    return {};
}

Status chown_fd(int fd, uid_t uid, gid_t gid) {
    if (::fchown(fd, uid, gid) != 0) return Error::from_errno("chown");
    return {};
}

Status set_times_at(int dirfd, const std::string& name, const struct timespec times[2]) {
    if (::utimensat(dirfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        return Error::from_errno("set times of " + name);
    return {};
}

Status set_times_fd(int fd, const struct timespec times[2]) {
    if (::futimens(fd, times) != 0) return Error::from_errno("set times");
    return {};
}

Status set_xattr_fd(int fd, const std::string& key, std::string_view value) {
    if (::fsetxattr(fd, key.c_str(), value.data(), value.size(), 0) != 0)
        return Error::from_errno("set xattr " + key);
    return {};
}

Status set_xattr_at(int dirfd, const std::string& name, const std::string& key,
                    std::string_view value) {
    std::string p = "/proc/self/fd/" + std::to_string(dirfd) + "/" + name;
    if (::lsetxattr(p.c_str(), key.c_str(), value.data(), value.size(), 0) != 0)
        return Error::from_errno("set xattr " + key + " on " + name);
    return {};
}

Result<std::string> get_xattr_at(int dirfd, const std::string& name, const std::string& key) {
    std::string p = "/proc/self/fd/" + std::to_string(dirfd) + "/" + name;
    char buf[4096];
    ssize_t n = ::lgetxattr(p.c_str(), key.c_str(), buf, sizeof(buf));
    if (n < 0) return Error::from_errno("get xattr " + key + " of " + name);
    return std::string(buf, static_cast<size_t>(n));
}

// Open-file-description locks behave like flock(2) (owned by the open file,
// released on close) without needing <sys/file.h>.
static int ofd_lock(int fd, bool exclusive, bool wait) {
    struct flock fl = {};
    fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    return retry_eintr([&] { return ::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl); });
}

Status lock_fd(int fd, bool exclusive) {
    if (ofd_lock(fd, exclusive, true) != 0) return Error::from_errno("lock");
    return {};
}

Result<bool> try_lock_fd(int fd, bool exclusive) {
    if (ofd_lock(fd, exclusive, false) == 0) return true;
    if (errno == EAGAIN || errno == EACCES) return false;
    return Error::from_errno("lock");
}

static int sys_mount(const char* src, const char* target, const char* type, unsigned long flags,
                     const void* data) {
    return static_cast<int>(::syscall(SYS_mount, src, target, type, flags, data));
}

// Many layers overflow mount(2)'s one-page option string; the new mount API
// takes each lower directory on its own ("lowerdir+", Linux 6.8+).
static Status mount_overlay_fsconfig(const std::vector<std::string>& lowers,
                                     const std::string& upper, const std::string& work,
                                     const std::string& target) {
    int fs = static_cast<int>(::syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC));
    if (fs < 0) return Error::from_errno("fsopen overlay");
    UniqueFd fsfd(fs);
    for (const auto& l : lowers)
        if (::syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", l.c_str(), 0) != 0)
            return Error::from_errno("overlay lowerdir+ " + l);
    if (::syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper.c_str(), 0) != 0)
        return Error::from_errno("overlay upperdir " + upper);
    if (::syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work.c_str(), 0) != 0)
        return Error::from_errno("overlay workdir " + work);
    if (::syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        return Error::from_errno("create overlay");
    int m = static_cast<int>(::syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0));
    if (m < 0) return Error::from_errno("fsmount overlay");
    UniqueFd mfd(m);
    if (::syscall(SYS_move_mount, m, "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
        return Error::from_errno("move overlay mount to " + target);
    return {};
}

Status mount_overlay(const std::vector<std::string>& lowers, const std::string& upper,
                     const std::string& work, const std::string& target) {
    std::string opts = "lowerdir=";
    for (size_t i = 0; i < lowers.size(); i++) opts += (i ? ":" : "") + lowers[i];
    opts += ",upperdir=" + upper + ",workdir=" + work;
    if (opts.size() >= 4000) return mount_overlay_fsconfig(lowers, upper, work, target);
    if (sys_mount("overlay", target.c_str(), "overlay", 0, opts.c_str()) != 0)
        return Error::from_errno("mount overlay on " + target);
    return {};
}

Status bind_mount(const std::string& source, const std::string& target, bool readonly) {
    if (sys_mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
        return Error::from_errno("bind mount " + source + " on " + target);
    if (readonly &&
        sys_mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0)
        return Error::from_errno("remount " + target + " read-only");
    return {};
}

Status unmount(const std::string& target) {
    if (::syscall(SYS_umount2, target.c_str(), 2 /* MNT_DETACH */) != 0)
        return Error::from_errno("unmount " + target);
    return {};
}

bool is_mount_point(const std::string& path) {
    struct stat a, b;
    if (::stat(path.c_str(), &a) != 0) return false;
    if (::stat((path + "/..").c_str(), &b) != 0) return false;
    return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

}  // namespace nook::sys
