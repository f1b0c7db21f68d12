#include "sys/fds.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

namespace nook::sys {

Status set_cloexec(int fd, bool on) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0) return Error::from_errno("fcntl F_GETFD");
    flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    if (::fcntl(fd, F_SETFD, flags) < 0) return Error::from_errno("fcntl F_SETFD");
    return {};
}

Status cloexec_from(int first) {
    if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return {};
    // Kernels before 5.11: walk /proc/self/fd.
    DIR* d = ::opendir("/proc/self/fd");
    if (!d) return Error::from_errno("opendir /proc/self/fd");
    int own = dirfd(d);
    while (dirent* e = ::readdir(d)) {
        int fd = std::atoi(e->d_name);
        if (e->d_name[0] == '.' || fd < first || fd == own) continue;
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ::closedir(d);
    return {};
}

Status make_fifo(const std::string& path, unsigned mode) {
    if (::mkfifo(path.c_str(), mode) < 0) return Error::from_errno("mkfifo " + path);
    // mkfifo applies the umask; the init may run as any uid, so set it exactly.
    if (::chmod(path.c_str(), mode) < 0) return Error::from_errno("chmod " + path);
    return {};
}

}  // namespace nook::sys
