// Small file operations: for rotating logs, and listing a directory.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace nook::sys {

// rename(2); a missing source is not an error.
Status rename_if_exists(const std::string& from, const std::string& to);
// fstat(2) st_size.
Result<long long> fd_size(int fd);
// The names in a directory (no "." and ".."), sorted; empty when it cannot
// be read (missing, not a directory): for callers that only look.
std::vector<std::string> dir_entries(const std::string& path);

}  // namespace nook::sys
