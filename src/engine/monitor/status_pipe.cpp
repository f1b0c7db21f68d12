// The monitor -> starter status pipe, one line per message (status_pipe.h).
#include "engine/monitor/status_pipe.h"

#include <cstdlib>

#include "sys/daemon.h"

namespace nook::engine {

std::string format_status(const StatusMsg& m) {
    std::string line = m.kind + " " + std::to_string(m.code);
    if (!m.text.empty()) line += " " + m.text;
    for (char& c : line)
        if (c == '\n') c = ' ';
    return line + "\n";
}

Result<std::optional<StatusMsg>> StatusReader::next(int timeout_ms) {
    for (;;) {
        size_t nl = buf_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buf_.substr(0, nl);
            buf_.erase(0, nl + 1);
            StatusMsg m;
            size_t sp = line.find(' ');
            m.kind = line.substr(0, sp);
            if (sp != std::string::npos) {
                char* end = nullptr;
                m.code = static_cast<int>(std::strtol(line.c_str() + sp + 1, &end, 10));
                if (end && *end == ' ') m.text = end + 1;
            }
            return std::optional<StatusMsg>(m);
        }
        TRY_ASSIGN(auto ready, sys::poll_readable({fd_.get()}, timeout_ms));
        if (!ready[0]) {
            if (timeout_ms < 0) continue;  // interrupted by a signal
            return Error(EAGAIN, "status pipe: timed out");
        }
        char tmp[512];
        TRY_ASSIGN(size_t n, sys::read_some(fd_.get(), tmp, sizeof tmp));
        if (n == 0) return std::optional<StatusMsg>();
        buf_.append(tmp, n);
    }
}

}  // namespace nook::engine
