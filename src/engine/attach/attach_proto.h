// The monitor's attach protocol, over a unix stream socket
// (<runroot>/containers/<id>/attach, or a socketpair handed to the monitor
// by a foreground `run`/`start -a`). Both ways the bytes are frames:
//   1 byte type | 4 bytes payload length (big endian) | payload
// Client to monitor:
//   'H' hello: payload "stream" (wants output) or "watch" (exits only)
//   'i' stdin bytes        'e' stdin closed (the container's stdin is closed)
//   'w' window size "ROWS COLS"   's' signal number (decimal) for the init
//   'u' the user stops it: no restart after the next exit
// Monitor to client:
//   'o' stdout bytes   'r' stderr bytes (a tty sends only 'o')
//   'x' the container exited: exit code (decimal), after its output
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nook::engine {

namespace frame {
inline constexpr char kHello = 'H', kStdin = 'i', kStdinEof = 'e', kResize = 'w', kSignal = 's',
                      kUserStop = 'u';
inline constexpr char kStdout = 'o', kStderr = 'r', kExit = 'x';
}  // namespace frame

struct Frame {
    char type = 0;
    std::string payload;
};

std::string encode_frame(char type, std::string_view payload);

// Reassembles frames from stream reads.
class FrameReader {
  public:
    void feed(const char* data, size_t len) { buf_.append(data, len); }
    // The next complete frame, if any.
    std::optional<Frame> next();

  private:
    std::string buf_;
};

}  // namespace nook::engine
