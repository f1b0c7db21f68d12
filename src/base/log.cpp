#include "base/log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "base/raw_log.h"
#include "base/time_format.h"

namespace nook::log {

namespace {
int g_fd = 2;
Format g_format = Format::text;
bool g_debug = false;
const char* g_program = "nook";

const char* level_name(Level l) {
    switch (l) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warning:
            return "warning";
        case Level::error:
            return "error";
    }
    return "info";
}

std::string json_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof b, "\\u%04x", c);
                    out += b;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

void write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        off += static_cast<size_t>(n);
    }
}
}  // namespace

void init(const std::string& path, Format format, bool debug, const char* program) {
    g_format = format;
    g_debug = debug;
    g_program = program;
    if (!path.empty()) {
        int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) g_fd = fd;
    }
    rawlog::set_fd(g_fd);
}

void write(Level level, const std::string& msg) {
    if (level == Level::debug && !g_debug) return;
    std::string line;
    if (g_format == Format::json) {
        line = "{\"level\":\"" + std::string(level_name(level)) + "\",\"msg\":\"" +
               json_escape(msg) + "\",\"time\":\"" + now_rfc3339_nano() + "\"}\n";
    } else if (g_fd == 2) {
        line = std::string(g_program) + ": " + msg + "\n";
    } else {
        line = now_rfc3339_nano() + " " + level_name(level) + " " + msg + "\n";
    }
    write_all(g_fd, line);
    // An error must also reach a human on stderr when the log goes elsewhere.
    if (level == Level::error && g_fd != 2)
        write_all(2, std::string(g_program) + ": " + msg + "\n");
}

bool debug_enabled() {
    return g_debug;
}
int fd() {
    return g_fd;
}

}  // namespace nook::log
