// Non-blocking stream plumbing for the container monitor and its attach
// clients: stream socketpairs, accept, poll with read/write interest, short
// writes, raw terminal mode and window sizes.
#pragma once

#include <poll.h>

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// Listen on / connect to a unix socket by a path that may exceed sun_path
// (108 bytes): it is reached through /proc/self/fd/<dir fd>/<name>. listen
// replaces a stale socket file.
Result<UniqueFd> listen_unix_long(const std::string& path);
Result<UniqueFd> connect_unix_long(const std::string& path);

// AF_UNIX SOCK_STREAM|SOCK_CLOEXEC pair (byte stream, unlike seqpacket_pair).
Result<std::pair<UniqueFd, UniqueFd>> stream_pair();
// Accept one pending connection (close-on-exec); nullopt when none is pending.
Result<std::optional<UniqueFd>> accept_client(int listen_fd);
Status set_nonblocking(int fd, bool on);
// poll(2) with EINTR counted as "nothing ready" (returns 0).
Result<int> poll_fds(std::vector<pollfd>& fds, int timeout_ms);
// One write(2); returns bytes written, 0 when it would block.
Result<size_t> write_some(int fd, const char* data, size_t len);
// The same on a socket, with MSG_NOSIGNAL: a peer that has gone away is an
// EPIPE error, never a SIGPIPE that kills the caller.
Result<size_t> send_some(int sock, const char* data, size_t len);
// All of data to a (blocking) socket, with MSG_NOSIGNAL.
Status send_all(int sock, std::string_view data);
// One read(2); nullopt when it would block, 0 at end of file. EIO (a pty
// whose slave side is closed) counts as end of file.
Result<std::optional<size_t>> read_nonblocking(int fd, char* buf, size_t len);

struct WindowSize {
    unsigned rows = 0, cols = 0;
};
Result<WindowSize> window_size(int fd);

// Puts a terminal in raw mode (cfmakeraw) until destroyed; inactive when
// fd is not a terminal.
class RawMode {
  public:
    explicit RawMode(int fd);
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;
    bool active() const { return active_; }

  private:
    int fd_;
    bool active_ = false;
    alignas(8) unsigned char saved_[64];  // struct termios, kept opaque here
};

}  // namespace nook::sys
