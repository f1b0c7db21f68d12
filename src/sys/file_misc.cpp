#include "sys/file_misc.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

namespace nook::sys {

Status rename_if_exists(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) < 0 && errno != ENOENT)
        return Error::from_errno("rename " + from + " to " + to);
    return {};
}

Result<long long> fd_size(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) < 0) return Error::from_errno("fstat");
    return static_cast<long long>(st.st_size);
}

}  // namespace nook::sys
