#include "sys/cgroupfs.h"

#include <dirent.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "sys/retry.h"

namespace nook::sys {

Result<int64_t> fs_magic(const std::string& path) {
    struct statfs st {};
    if (retry_eintr([&] { return ::statfs(path.c_str(), &st); }) < 0)
        return Error::from_errno("statfs " + path);
    return static_cast<int64_t>(st.f_type);
}

Result<std::vector<std::string>> list_subdirs(const std::string& path) {
    DIR* d = ::opendir(path.c_str());
    if (!d) return Error::from_errno("opendir " + path);
    std::vector<std::string> out;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || e->d_type != DT_DIR) continue;
        out.push_back(std::move(name));
    }
    ::closedir(d);
    return out;
}

Status remove_dir(const std::string& path) {
    if (::rmdir(path.c_str()) < 0) return Error::from_errno("rmdir " + path);
    return {};
}

Result<UniqueFd> make_eventfd() {
    int fd = ::eventfd(0, EFD_CLOEXEC);
    if (fd < 0) return Error::from_errno("eventfd");
    return UniqueFd(fd);
}

Result<UniqueFd> inotify_watch(const std::string& path, uint32_t mask) {
    UniqueFd fd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!fd) return Error::from_errno("inotify_init1");
    if (::inotify_add_watch(fd.get(), path.c_str(), mask) < 0)
        return Error::from_errno("inotify_add_watch " + path);
    return fd;
}

Result<bool> wait_readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    int r = retry_eintr([&] { return ::poll(&p, 1, timeout_ms); });
    if (r < 0) return Error::from_errno("poll");
    return r > 0;
}

}  // namespace nook::sys
