// Reading a container's json-file log the way `docker logs` does: rotated
// files first (<id>-json.log.N ... .1, higher = older, as the writer in
// json_log.h names them), then the live file; --since/--until/--tail
// selection; and following the live file across rotations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/logs/json_log.h"

namespace nook::engine {

struct LogQuery {
    long tail = -1;     // last N entries (-1: all)
    double since = -1;  // unix seconds; -1: no bound
    double until = -1;
};

// Existing rotated files of path, oldest first (path.N ... path.1).
std::vector<std::string> rotated_log_files(const std::string& path);
bool entry_in_range(const LogEntry& e, const LogQuery& q);
// Keep the entries in range, then the last q.tail of them.
std::vector<LogEntry> select_entries(std::vector<LogEntry> all, const LogQuery& q);

// Reads everything so far (rotated files, then the live file), then new
// entries as they come; reopens the live file when the writer rotates it.
class LogFollower {
  public:
    static Result<LogFollower> open(const std::string& path);
    // Everything written before open(), oldest first.
    Result<std::vector<LogEntry>> read_existing();
    // Entries added since the last call (possibly none).
    Result<std::vector<LogEntry>> read_new();

  private:
    std::string path_;
    UniqueFd fd_;
    std::unique_ptr<LogReader> reader_;
};

}  // namespace nook::engine
