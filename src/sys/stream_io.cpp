#include "sys/stream_io.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sys/socket.h"

namespace nook::sys {

static_assert(sizeof(termios) <= 64, "RawMode::saved_ too small");

namespace {
// (dir fd, short path through it) for a long socket path.
Result<std::pair<UniqueFd, std::string>> short_path(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    if (dir.empty()) dir = "/";
    UniqueFd d(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!d) return Error::from_errno("open " + dir);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string p = "/proc/self/fd/" + std::to_string(d.get()) + "/" + name;
    return std::make_pair(std::move(d), p);
}
}  // namespace

Result<UniqueFd> listen_unix_long(const std::string& path) {
    TRY_ASSIGN(auto sp, short_path(path));
    if (::unlink(sp.second.c_str()) < 0 && errno != ENOENT)
        return Error::from_errno("remove stale socket " + path);
    auto fd = listen_unix(sp.second);
    if (!fd.ok()) return std::move(fd).error().context(path);
    return fd;
}

Result<UniqueFd> connect_unix_long(const std::string& path) {
    TRY_ASSIGN(auto sp, short_path(path));
    auto fd = connect_unix(sp.second);
    if (!fd.ok()) return std::move(fd).error().context(path);
    return fd;
}

Result<std::pair<UniqueFd, UniqueFd>> stream_pair() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return Error::from_errno("socketpair");
    return std::make_pair(UniqueFd(sv[0]), UniqueFd(sv[1]));
}

Result<std::optional<UniqueFd>> accept_client(int listen_fd) {
    for (;;) {
        int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) return std::optional<UniqueFd>(UniqueFd(fd));
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
            return std::optional<UniqueFd>();
        return Error::from_errno("accept");
    }
}

Status set_nonblocking(int fd, bool on) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0) return Error::from_errno("fcntl F_GETFL");
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    if (::fcntl(fd, F_SETFL, fl) < 0) return Error::from_errno("fcntl F_SETFL");
    return {};
}

Result<int> poll_fds(std::vector<pollfd>& fds, int timeout_ms) {
    int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0) {
        if (errno == EINTR) {
            for (auto& p : fds) p.revents = 0;
            return 0;
        }
        return Error::from_errno("poll");
    }
    return n;
}

Result<size_t> write_some(int fd, const char* data, size_t len) {
    for (;;) {
        ssize_t n = ::write(fd, data, len);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
        return Error::from_errno("write");
    }
}

Result<size_t> send_some(int sock, const char* data, size_t len) {
    for (;;) {
        ssize_t n = ::send(sock, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
        return Error::from_errno("send");
    }
}

Status send_all(int sock, std::string_view data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(sock, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("send");
        off += static_cast<size_t>(n);
    }
    return {};
}

Result<std::optional<size_t>> read_nonblocking(int fd, char* buf, size_t len) {
    for (;;) {
        ssize_t n = ::read(fd, buf, len);
        if (n >= 0) return std::optional<size_t>(static_cast<size_t>(n));
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<size_t>();
        if (errno == EIO) return std::optional<size_t>(0);
        return Error::from_errno("read");
    }
}

Result<WindowSize> window_size(int fd) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) < 0) return Error::from_errno("TIOCGWINSZ");
    return WindowSize{ws.ws_row, ws.ws_col};
}

RawMode::RawMode(int fd) : fd_(fd) {
    termios t{};
    if (!::isatty(fd) || ::tcgetattr(fd, &t) < 0) return;
    std::memcpy(saved_, &t, sizeof t);
    ::cfmakeraw(&t);
    active_ = ::tcsetattr(fd, TCSANOW, &t) == 0;
}

RawMode::~RawMode() {
    if (!active_) return;
    termios t;
    std::memcpy(&t, saved_, sizeof t);
    ::tcsetattr(fd_, TCSANOW, &t);
}

}  // namespace nook::sys
