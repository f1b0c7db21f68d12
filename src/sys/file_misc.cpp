#include "sys/file_misc.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
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

std::vector<std::string> dir_entries(const std::string& path) {
    std::vector<std::string> out;
    DIR* d = ::opendir(path.c_str());
    if (!d) return out;
    while (auto* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") out.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace nook::sys
