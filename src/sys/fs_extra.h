// Raw filesystem calls the image store needs beyond sys/file.h: resolving
// paths confined to a directory (openat2 RESOLVE_IN_ROOT), creating special
// files, xattrs, ownership and times without following symlinks, file locks
// and the overlay mount that stacks layer snapshots.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// openat2(dirfd, path, flags, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS): every
// component, symlinks included, is resolved as if dirfd were "/", so nothing
// outside dirfd can be reached. flags always gain O_CLOEXEC.
Result<UniqueFd> open_in_root(int rootfd, const std::string& path, int flags, mode_t mode = 0);

Status mkdir_at(int dirfd, const std::string& name, mode_t mode);
Status mknod_at(int dirfd, const std::string& name, mode_t mode, dev_t dev);
Status symlink_at(const std::string& target, int dirfd, const std::string& name);
// linkat without following symlinks at either end.
Status link_at(int olddirfd, const std::string& oldname, int newdirfd, const std::string& newname);
// unlinkat; AT_REMOVEDIR when dir.
Status unlink_at(int dirfd, const std::string& name, bool dir);
// Remove name under dirfd whatever it is (recursively for directories), never
// following symlinks. ENOENT is success.
Status remove_at(int dirfd, const std::string& name);
// fstatat with AT_SYMLINK_NOFOLLOW; errno ENOENT passes through in the error.
Result<struct stat> lstat_at(int dirfd, const std::string& name);
Status chown_at(int dirfd, const std::string& name, uid_t uid, gid_t gid);  // no follow
Status chmod_fd(int fd, mode_t mode);
// fchmodat on a name that is known not to be a symlink (just created by us).
Status chmod_at(int dirfd, const std::string& name, mode_t mode);
Status chown_fd(int fd, uid_t uid, gid_t gid);
// utimensat with AT_SYMLINK_NOFOLLOW (atime, mtime).
Status set_times_at(int dirfd, const std::string& name, const struct timespec times[2]);
Status set_times_fd(int fd, const struct timespec times[2]);
Status set_xattr_fd(int fd, const std::string& key, std::string_view value);
// lsetxattr on a symlink or special file through /proc/self/fd/<dirfd>/name.
Status set_xattr_at(int dirfd, const std::string& name, const std::string& key,
                    std::string_view value);
Result<std::string> get_xattr_at(int dirfd, const std::string& name, const std::string& key);

// Whole-file lock on an open fd (OFD lock: flock-like, released on close):
// exclusive or shared, blocking; try_lock_fd returns false when held elsewhere.
Status lock_fd(int fd, bool exclusive);
Result<bool> try_lock_fd(int fd, bool exclusive);

// mount -t overlay overlay target -o lowerdir=...,upperdir=...,workdir=...
// lowers are given top-most first (overlay's order).
Status mount_overlay(const std::vector<std::string>& lowers, const std::string& upper,
                     const std::string& work, const std::string& target);
Status bind_mount(const std::string& source, const std::string& target, bool readonly);
// umount2 with MNT_DETACH; EINVAL (not a mount point) is reported.
Status unmount(const std::string& target);
bool is_mount_point(const std::string& path);

}  // namespace nook::sys
