// Filesystem calls the cgroup manager needs beyond sys/file.h: filesystem
// magic (to tell cgroup2 from tmpfs), directory listing and removal, eventfd
// and inotify for OOM notification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// statfs(2) f_type of the filesystem holding path.
Result<int64_t> fs_magic(const std::string& path);
// Names of the subdirectories of path (not following symlinks, no . or ..).
Result<std::vector<std::string>> list_subdirs(const std::string& path);
// rmdir(2); the error names the path.
Status remove_dir(const std::string& path);
// eventfd(0, EFD_CLOEXEC).
Result<UniqueFd> make_eventfd();
// inotify_init1(IN_CLOEXEC|IN_NONBLOCK) with one watch on path.
Result<UniqueFd> inotify_watch(const std::string& path, uint32_t mask);
// Wait up to timeout_ms for fd to become readable; true if it did.
Result<bool> wait_readable(int fd, int timeout_ms);

}  // namespace nook::sys
