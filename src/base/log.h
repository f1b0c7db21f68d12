// Process-wide logging in runc's format, so containerd/podman can read it:
// with --log-format json each line is {"level":"...","msg":"...","time":"..."}.
// Errors always go to stderr as "nook-runtime: <msg>" too (once), unless the
// log target already is stderr.
#pragma once

#include <string>

namespace nook::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

// Configure once from the global flags. An empty path means stderr.
void init(const std::string& path, Format format, bool debug, const char* program);

void write(Level level, const std::string& msg);
inline void debug(const std::string& m) {
    write(Level::debug, m);
}
inline void info(const std::string& m) {
    write(Level::info, m);
}
inline void warn(const std::string& m) {
    write(Level::warning, m);
}
inline void error(const std::string& m) {
    write(Level::error, m);
}

bool debug_enabled();
// The fd log lines go to (for the raw logger used after clone).
int fd();

}  // namespace nook::log
