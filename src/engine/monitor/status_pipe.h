// The monitor's status pipe to whoever started it, one line per message:
//   started <pid>          the container's process runs
//   error <errno> <text>   starting failed (nothing is left running)
//   exit <code>            the container exited and its exit is recorded
// A foreground `run` keeps reading until "exit"; `run -d`/`start` stop at
// "started" (later writes then fail with EPIPE, which the monitor ignores).
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::engine {

inline constexpr int kMonitorStatusFd = 3;
// A foreground run's end of an attach socketpair (attach_proto.h), when the
// monitor is started with NOOK_MONITOR_CLIENT=1.
inline constexpr int kMonitorClientFd = 4;

struct StatusMsg {
    std::string kind;  // started | error | exit
    int code = 0;      // pid, errno or exit code
    std::string text;
};

std::string format_status(const StatusMsg& m);

class StatusReader {
  public:
    explicit StatusReader(UniqueFd fd) : fd_(std::move(fd)) {}
    int fd() const { return fd_.get(); }
    // The next message; nullopt at end of file. timeout_ms (-1: forever) as
    // for poll: on timeout returns an EAGAIN error.
    Result<std::optional<StatusMsg>> next(int timeout_ms);
    UniqueFd release() { return std::move(fd_); }

  private:
    UniqueFd fd_;
    std::string buf_;
};

}  // namespace nook::engine
