// nook logs [-f] [--tail N|all] [--since T] [--until T] [-t] CONTAINER:
// print the json-file log (rotated files too); -f keeps following it until
// the container stops. T: RFC 3339, unix seconds, or a duration ago (10m).
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/logs/log_read.h"
#include "engine/views/times.h"
#include "sys/daemon.h"

namespace nook::cli {

namespace {

struct LogsFlags {
    std::string container;
    bool follow = false;
    bool timestamps = false;
    std::string tail = "all";
    std::string since, until;
};

void print(const std::vector<engine::LogEntry>& es, bool timestamps) {
    for (const auto& e : es) {
        FILE* to = e.stream == "stderr" ? stderr : stdout;
        if (timestamps) std::fprintf(to, "%s ", e.time.c_str());
        std::fwrite(e.log.data(), 1, e.log.size(), to);
        std::fflush(to);
    }
}

Result<engine::LogQuery> query_of(const LogsFlags& f) {
    engine::LogQuery q;
    if (f.tail != "all") {
        char* end = nullptr;
        q.tail = std::strtol(f.tail.c_str(), &end, 10);
        if (f.tail.empty() || *end || q.tail < 0)
            return invalid_input("invalid value \"" + f.tail + "\" for flag --tail");
    }
    double now = engine::now_seconds();
    if (!f.since.empty()) {
        TRY_ASSIGN(q.since, engine::parse_time_arg(f.since, now).context("--since"));
    }
    if (!f.until.empty()) {
        TRY_ASSIGN(q.until, engine::parse_time_arg(f.until, now).context("--until"));
    }
    return q;
}

Status show_logs(Globals& g, const LogsFlags& f) {
    TRY_ASSIGN(auto q, query_of(f));
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto row, eng.get(f.container));
    TRY_ASSIGN(auto follower, engine::LogFollower::open(eng.paths().log(row.id)));
    TRY_ASSIGN(auto entries, follower.read_existing());
    print(engine::select_entries(std::move(entries), q), f.timestamps);
    if (!f.follow) return {};
    engine::LogQuery range = q;
    range.tail = -1;
    for (;;) {
        // Read the status before the log so the last lines are never lost.
        auto now = eng.get(row.id);
        bool running = now.ok() && (now->status == "running" || now->status == "restarting");
        TRY_ASSIGN(auto more, follower.read_new());
        print(engine::select_entries(std::move(more), range), f.timestamps);
        if (!running) return {};
        if (q.until >= 0 && engine::now_seconds() > q.until) return {};
        sys::sleep_ms(50);
    }
}

}  // namespace

void setup_logs(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<LogsFlags>();
    cmd.add_option("container", f->container, "Container")->required();
    cmd.add_flag("-f,--follow", f->follow, "Follow log output");
    cmd.add_flag("-t,--timestamps", f->timestamps, "Show timestamps");
    cmd.add_option("-n,--tail", f->tail, "Number of lines to show from the end of the logs")
        ->capture_default_str();
    cmd.add_option("--since", f->since,
                   "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)");
    cmd.add_option(
        "--until", f->until,
        "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)");
    cmd.callback([&g, f] {
        auto s = show_logs(g, *f);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
