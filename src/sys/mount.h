// Mount-namespace system calls: mount(2), the new mount API, pivot_root,
// umount2, mknod, openat2-based resolution, filesystem magic checks, and the
// small *at() helpers rootfs setup needs. Errors name the call and the path.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// Filesystem magics (from linux/magic.h; repeated so callers need not include it).
inline constexpr int64_t kProcSuperMagic = 0x9fa0;
inline constexpr int64_t kSysfsMagic = 0x62656572;
inline constexpr int64_t kTmpfsMagic = 0x01021994;
inline constexpr int64_t kCgroupSuperMagic = 0x27e0eb;
inline constexpr int64_t kCgroup2SuperMagic = 0x63677270;
inline constexpr int64_t kDevptsSuperMagic = 0x1cd1;

// mount(2). `what` names the mount in errors (usually the container destination);
// empty means use `target`.
Status mount(const char* source, const std::string& target, const char* fstype, unsigned long flags,
             const std::string& data, const std::string& what = "");
Status umount2(const std::string& target, int flags);
// pivot_root(2); pivot_root(".", ".") is the no-temp-dir form.
Status pivot_root(const std::string& new_root, const std::string& put_old);
Status chroot(const std::string& path);
Status chdir(const std::string& path);
Status fchdir(int fd);

// mount_setattr(2) on the mount at dirfd/path (AT_EMPTY_PATH when path empty).
// recursive adds AT_RECURSIVE. attr_set/attr_clr are MOUNT_ATTR_* bits.
Status mount_setattr(int dirfd, const std::string& path, bool recursive, uint64_t attr_set,
                     uint64_t attr_clr, const std::string& what);

// New mount API: a detached filesystem instance configured with key[=value]
// options (fsopen + fsconfig + FSCONFIG_CMD_CREATE + fsmount), then moved
// onto the O_PATH target fd with move_mount.
Result<UniqueFd> fs_create_detached(const std::string& fstype, const std::string& options,
                                    unsigned int attr_flags);
Status move_mount_to_fd(int mount_fd, int target_fd, const std::string& what);

// openat2(2) with RESOLVE_* flags (O_CLOEXEC always added).
Result<UniqueFd> openat2(int dirfd, const std::string& path, uint64_t flags, uint64_t mode,
                         uint64_t resolve);
// Shorthand: O_PATH open of `path` confined to the root dirfd (RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS); symlinks, even absolute ones and "..", stay inside.
Result<UniqueFd> open_in_root(int root_fd, const std::string& path, bool follow_last = true);

// f_type of the filesystem holding fd.
Result<int64_t> fs_magic(int fd);
// Fail unless fd lives on a filesystem with this magic ("<what> is not <name>").
Status expect_fs_magic(int fd, int64_t magic, const std::string& what, const char* name);
// MS_RDONLY/NOSUID/NODEV/NOEXEC/NOATIME/NODIRATIME/RELATIME bits of the mount
// holding path (from statvfs f_flag), for remounts that must keep locked flags.
Result<unsigned long> mount_flags_of(const std::string& path);

Status mknodat(int dirfd, const std::string& name, mode_t mode, dev_t dev, const std::string& what);
Status mkdirat(int dirfd, const std::string& name, mode_t mode, const std::string& what);
Status symlinkat(const std::string& target, int dirfd, const std::string& name);
Status unlinkat(int dirfd, const std::string& name, int flags, const std::string& what);
Status fchmodat(int dirfd, const std::string& name, mode_t mode, const std::string& what);
Status fchownat(int dirfd, const std::string& name, uid_t uid, gid_t gid, int flags,
                const std::string& what);
// fstat(2) of fd; stat(2) of a path (follows symlinks).
Result<struct stat> fstat_fd(int fd, const std::string& what);
Result<struct stat> stat_path(const std::string& path);
// readlink of an O_PATH|O_NOFOLLOW fd of a symlink.
Result<std::string> readlink_fd(int fd);

// "/proc/self/fd/N": a path naming fd, for syscalls (mount) that take no fd.
std::string fd_path(int fd);

}  // namespace nook::sys
