// The json-file log writer and line parser, with size-based rotation (json_log.h).
#include "engine/logs/json_log.h"

#include <fcntl.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/views/times.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/file_misc.h"

namespace nook::engine {

namespace {
constexpr size_t kMaxLine = 16 * 1024;
}

std::string format_entry(const LogEntry& e) {
    nlohmann::json j = {{"log", e.log}, {"stream", e.stream}, {"time", e.time}};
    // Invalid UTF-8 from a program must not abort logging: replace it.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<LogEntry> parse_entry(const std::string& line) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("log"))
        return invalid_input("log line is not a json-file entry: " + line.substr(0, 80));
    return LogEntry{j.value("log", ""), j.value("stream", "stdout"), j.value("time", "")};
}

Result<LogWriter> LogWriter::open(const std::string& path, long long max_size, int max_file) {
    TRY_ASSIGN(UniqueFd fd, sys::open_file(path, O_WRONLY | O_APPEND | O_CREAT, 0640));
    TRY_ASSIGN(long long size, sys::fd_size(fd.get()));  // a restart appends
    LogWriter w(fd.get());
    w.owned_ = std::move(fd);
    w.path_ = path;
    w.max_size_ = max_size;
    w.max_file_ = std::max(max_file, 1);
    w.size_ = size;
    return w;
}

Status LogWriter::rotate() {
    if (max_file_ == 1) {
        // One file: start it again, as docker does.
        TRY_ASSIGN(owned_, sys::open_file(path_, O_WRONLY | O_TRUNC | O_CREAT, 0640));
    } else {
        for (int n = max_file_ - 1; n >= 1; n--) {
            std::string from = n == 1 ? path_ : path_ + "." + std::to_string(n - 1);
            TRY(sys::rename_if_exists(from, path_ + "." + std::to_string(n)).context("rotate log"));
        }
        TRY_ASSIGN(owned_, sys::open_file(path_, O_WRONLY | O_APPEND | O_CREAT, 0640));
    }
    fd_ = owned_.get();
    size_ = 0;
    return {};
}

Status LogWriter::write_entry(const std::string& stream, const std::string& text) {
    std::string line = format_entry({text, stream, now_rfc3339_nano()});
    if (max_size_ >= 0 && owned_ && size_ > 0 &&
        size_ + static_cast<long long>(line.size()) > max_size_)
        TRY(rotate());
    size_ += static_cast<long long>(line.size());
    return sys::write_all(fd_, line);
}

Status LogWriter::feed(const std::string& stream, const char* data, size_t len) {
    std::string& pending = stream == "stderr" ? pending_err_ : pending_out_;
    pending.append(data, len);
    size_t start = 0;
    for (;;) {
        size_t nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        TRY(write_entry(stream, pending.substr(start, nl + 1 - start)));
        start = nl + 1;
    }
    pending.erase(0, start);
    while (pending.size() >= kMaxLine) {
        TRY(write_entry(stream, pending.substr(0, kMaxLine)));
        pending.erase(0, kMaxLine);
    }
    return {};
}

Status LogWriter::flush() {
    if (!pending_out_.empty()) TRY(write_entry("stdout", pending_out_));
    if (!pending_err_.empty()) TRY(write_entry("stderr", pending_err_));
    pending_out_.clear();
    pending_err_.clear();
    return {};
}

Result<std::vector<LogEntry>> LogReader::read_new() {
    char buf[65536];
    for (;;) {
        TRY_ASSIGN(size_t n, sys::read_some(fd_, buf, sizeof buf));
        if (n == 0) break;
        partial_.append(buf, n);
    }
    std::vector<LogEntry> out;
    size_t start = 0;
    for (;;) {
        size_t nl = partial_.find('\n', start);
        if (nl == std::string::npos) break;
        auto e = parse_entry(partial_.substr(start, nl - start));
        if (e.ok()) out.push_back(std::move(*e));
        start = nl + 1;
    }
    partial_.erase(0, start);
    return out;
}

}  // namespace nook::engine
