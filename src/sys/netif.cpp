#include "sys/netif.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sys/retry.h"

namespace nook::sys {

namespace {

// In the helper: 0 or an errno.
int loopback_up_here(int netns_fd) {
    if (::setns(netns_fd, CLONE_NEWNET) < 0) return errno;
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return errno;
    ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return errno;
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (::ioctl(s, SIOCSIFFLAGS, &ifr) < 0) return errno;
    return 0;
}

}  // namespace

Status bring_up_loopback(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
    int ns = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0) return Error::from_errno("open " + path);
    pid_t child = ::fork();
    if (child < 0) {
        int e = errno;
        ::close(ns);
        return Error(e, "fork");
    }
    if (child == 0) ::_exit(loopback_up_here(ns));
    ::close(ns);
    int status = 0;
    if (retry_eintr([&] { return ::waitpid(child, &status, 0); }) < 0)
        return Error::from_errno("waitpid");
    if (!WIFEXITED(status)) return Error(EINTR, "bring up lo in " + path + ": helper killed");
    if (WEXITSTATUS(status) != 0) return Error(WEXITSTATUS(status), "bring up lo in " + path);
    return {};
}

}  // namespace nook::sys
