// Small file operations for rotating logs.
#pragma once

#include <string>

#include "base/result.h"

namespace nook::sys {

// rename(2); a missing source is not an error.
Status rename_if_exists(const std::string& from, const std::string& to);
// fstat(2) st_size.
Result<long long> fd_size(int fd);

}  // namespace nook::sys
