// File helpers with typed errors: whole-file read/write, atomic replace,
// directories. Paths in messages are always the caller's.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode = 0);
Result<UniqueFd> open_at(int dirfd, const std::string& path, int flags, mode_t mode = 0);
Result<std::string> read_file(const std::string& path);
Result<std::string> read_fd(int fd);
// Write the whole buffer (retrying short writes).
Status write_all(int fd, std::string_view data);
// Open with O_WRONLY|O_TRUNC (no create) and write: for /proc and /sys knobs.
Status write_file(const std::string& path, std::string_view data);
// Create or replace: write to a temp file in the same dir, fsync if asked, rename.
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644,
                         bool durable = false);
Status mkdir_p(const std::string& path, mode_t mode = 0755);
// Remove a directory tree (does not follow symlinks, stays on one filesystem).
Status remove_tree(const std::string& path);
bool path_exists(const std::string& path);

}  // namespace nook::sys
