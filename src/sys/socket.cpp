#include "sys/socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "sys/retry.h"

namespace nook::sys {

Result<std::pair<UniqueFd, UniqueFd>> seqpacket_pair() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return Error::from_errno("socketpair");
    return std::make_pair(UniqueFd(sv[0]), UniqueFd(sv[1]));
}

namespace {
Result<sockaddr_un> unix_addr(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        return Error(ENAMETOOLONG, "socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}
}  // namespace

Result<UniqueFd> connect_unix(const std::string& path) {
    TRY_ASSIGN(sockaddr_un addr, unix_addr(path));
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return Error::from_errno("socket");
    if (retry_eintr([&] {
            return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        }) < 0)
        return Error::from_errno("connect " + path);
    return fd;
}

Result<UniqueFd> listen_unix(const std::string& path) {
    TRY_ASSIGN(sockaddr_un addr, unix_addr(path));
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return Error::from_errno("socket");
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        return Error::from_errno("bind " + path);
    if (::listen(fd.get(), 16) < 0) return Error::from_errno("listen " + path);
    return fd;
}

Status send_fd(int sock, int fd, const std::string& text) {
    char control[CMSG_SPACE(sizeof(int))] = {};
    std::string payload = text.empty() ? std::string(1, '\0') : text;
    iovec iov{payload.data(), payload.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    if (retry_eintr([&] { return ::sendmsg(sock, &msg, MSG_NOSIGNAL); }) < 0)
        return Error::from_errno("sendmsg (fd)");
    return {};
}

Result<UniqueFd> recv_fd(int sock) {
    char control[CMSG_SPACE(sizeof(int))] = {};
    char buf[4096];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (retry_eintr([&] { return ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); }) < 0)
        return Error::from_errno("recvmsg (fd)");
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
            return UniqueFd(fd);
        }
    }
    return Error(EBADMSG, "no file descriptor in message");
}

}  // namespace nook::sys
