// docker's json-file log format: one JSON object per line,
//   {"log":"hello\n","stream":"stdout","time":"2024-01-01T00:00:00.123456789Z"}
// The writer splits a stream's bytes on newlines (a partial line waits for
// its end, up to 16 KiB, as docker does); readers parse lines back.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::engine {

struct LogEntry {
    std::string log;
    std::string stream;  // stdout | stderr
    std::string time;
};

class LogWriter {
  public:
    explicit LogWriter(int fd) : fd_(fd) {}
    // Owns the log file at path and rotates it as docker's json-file driver
    // with max-size/max-file: when the next entry would take the file past
    // max_size bytes, path.(N-1) -> path.N ... path -> path.1 and a new path
    // (higher = older; max_file files at most). max_size < 0: no rotation.
    static Result<LogWriter> open(const std::string& path, long long max_size, int max_file);
    // Feed bytes read from a stream; complete lines are written at once.
    Status feed(const std::string& stream, const char* data, size_t len);
    // Write whatever partial lines remain (at end of stream).
    Status flush();

  private:
    Status write_entry(const std::string& stream, const std::string& text);
    Status rotate();
    int fd_;
    UniqueFd owned_;
    std::string path_;
    long long max_size_ = -1;
    int max_file_ = 1;
    long long size_ = 0;
    std::string pending_out_, pending_err_;
};

std::string format_entry(const LogEntry& e);
// Parse one line; fails on anything that is not a json-file entry.
Result<LogEntry> parse_entry(const std::string& line);

// Reads entries incrementally from an open log file (for `logs -f` and the
// foreground `run`): returns the complete lines added since the last call.
class LogReader {
  public:
    explicit LogReader(int fd) : fd_(fd) {}
    Result<std::vector<LogEntry>> read_new();

  private:
    int fd_;
    std::string partial_;
};

}  // namespace nook::engine
