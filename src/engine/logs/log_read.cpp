// docker logs: reads json-file logs with rotation, --since/--until/--tail/-f (log_read.h).
#include "engine/logs/log_read.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "engine/views/times.h"
#include "sys/file.h"

namespace nook::engine {

std::vector<std::string> rotated_log_files(const std::string& path) {
    std::vector<std::string> out;
    for (int n = 1; sys::path_exists(path + "." + std::to_string(n)); n++)
        out.insert(out.begin(), path + "." + std::to_string(n));
    return out;
}

bool entry_in_range(const LogEntry& e, const LogQuery& q) {
    if (q.since < 0 && q.until < 0) return true;
    double t = parse_rfc3339(e.time);
    if (q.since >= 0 && t < q.since) return false;
    if (q.until >= 0 && t > q.until) return false;
    return true;
}

std::vector<LogEntry> select_entries(std::vector<LogEntry> all, const LogQuery& q) {
    std::erase_if(all, [&](const LogEntry& e) { return !entry_in_range(e, q); });
    if (q.tail >= 0 && all.size() > static_cast<size_t>(q.tail))
        all.erase(all.begin(), all.end() - q.tail);
    return all;
}

Result<LogFollower> LogFollower::open(const std::string& path) {
    LogFollower f;
    f.path_ = path;
    TRY_ASSIGN(f.fd_, sys::open_file(path, O_RDONLY));
    f.reader_ = std::make_unique<LogReader>(f.fd_.get());
    return f;
}

Result<std::vector<LogEntry>> LogFollower::read_existing() {
    std::vector<LogEntry> all;
    for (const auto& file : rotated_log_files(path_)) {
        auto fd = sys::open_file(file, O_RDONLY);
        if (!fd.ok()) continue;  // rotated away meanwhile
        LogReader r(fd->get());
        TRY_ASSIGN(auto es, r.read_new());
        all.insert(all.end(), es.begin(), es.end());
    }
    TRY_ASSIGN(auto live, reader_->read_new());
    all.insert(all.end(), live.begin(), live.end());
    return all;
}

Result<std::vector<LogEntry>> LogFollower::read_new() {
    TRY_ASSIGN(auto out, reader_->read_new());
    // Rotated: our fd is now <path>.1; once it is drained, move to the new file.
    struct stat held, now;
    if (::fstat(fd_.get(), &held) == 0 && ::stat(path_.c_str(), &now) == 0 &&
        (held.st_ino != now.st_ino || held.st_dev != now.st_dev)) {
        TRY_ASSIGN(auto rest, reader_->read_new());
        out.insert(out.end(), rest.begin(), rest.end());
        auto fd = sys::open_file(path_, O_RDONLY);
        if (fd.ok()) {
            fd_ = std::move(*fd);
            reader_ = std::make_unique<LogReader>(fd_.get());
            TRY_ASSIGN(auto fresh, reader_->read_new());
            out.insert(out.end(), fresh.begin(), fresh.end());
        }
    }
    return out;
}

}  // namespace nook::engine
