// `events [--stats] [--interval D] ID`: a stream of JSON lines (stats every
// interval, "oom" when the memory limit kills) until the container stops;
// with --stats one stats object and exit. Format as runc, for containerd.
#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

namespace {

Result<int> parse_interval_ms(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    std::string unit = end ? end : "";
    if (end == s.c_str() || v <= 0) return invalid_input("--interval: invalid duration: " + s);
    if (unit == "ms") return static_cast<int>(v);
    if (unit == "s" || unit.empty()) return static_cast<int>(v * 1000);
    if (unit == "m") return static_cast<int>(v * 60000);
    return invalid_input("--interval: invalid duration: " + s);
}

void emit(const char* type, const std::string& id, const std::string& data) {
    std::printf("{\"type\":\"%s\",\"id\":\"%s\"%s%s}\n", type, id.c_str(),
                data.empty() ? "" : ",\"data\":", data.c_str());
    std::fflush(stdout);
}

Status events(const GlobalOptions& g, const std::string& id, bool stats_once,
              const std::string& interval) {
    auto store = g.store();
    TRY_ASSIGN(runtime::ContainerRecord rec, store.load(id));
    TRY_ASSIGN(auto cg, runtime::container_cgroup(rec));
    if (stats_once) {
        TRY_ASSIGN(auto st, cg->stats());
        emit("stats", id, runtime::cgroups::stats_to_runc_json(st));
        return {};
    }
    TRY_ASSIGN(int interval_ms, parse_interval_ms(interval));
    auto oom = cg->oom_event_fd();
    uint64_t ooms = cg->oom_kill_count().ok() ? *cg->oom_kill_count() : 0;
    while (runtime::process_alive(rec)) {
        pollfd p{oom.ok() ? oom->get() : -1, POLLIN, 0};
        int n = ::poll(&p, 1, interval_ms);
        if (n > 0 && (p.revents & POLLIN)) {
            char buf[4096];
            (void)!::read(p.fd, buf, sizeof buf);
            auto now = cg->oom_kill_count();
            if (now.ok() && *now > ooms) {
                ooms = *now;
                emit("oom", id, "");
            }
            continue;
        }
        if (auto st = cg->stats(); st.ok())
            emit("stats", id, runtime::cgroups::stats_to_runc_json(*st));
    }
    return {};
}

}  // namespace

void register_events(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("events", "stream container events (stats, oom) as JSON lines");
    static std::string id, interval = "5s";
    static bool stats = false;
    sub->add_option("id", id, "container id")->required();
    sub->add_flag("--stats", stats, "print one stats object and exit");
    sub->add_option("--interval", interval, "stats interval (e.g. 5s, 500ms)");
    sub->callback([&g] { g.exit_code = finish(events(g, id, stats, interval)); });
}

}  // namespace nook::cli
