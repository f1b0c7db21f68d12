// nook events [--since T] [--until T] [--filter k=v]... [--format TEMPLATE]
// The engine's event log (engine/events/events.h). As docker's: without
// --since only new events; without --until it follows until interrupted;
// with --until it stops once that time has passed. --format: a Go template
// over docker's message ({{.Type}} {{.Action}} {{.Actor.ID}} ...) or "json".
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/events/events.h"
#include "engine/template/go_template.h"
#include "engine/views/times.h"

namespace nook::cli {

namespace {

struct EventsFlags {
    std::string since, until, format;
    std::vector<std::string> filters;
};

}  // namespace

void setup_events(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<EventsFlags>();
    cmd.add_option("--since", f->since, "Show all events created since timestamp");
    cmd.add_option("--until", f->until, "Stream events until this timestamp");
    cmd.add_option("-f,--filter", f->filters, "Filter output based on conditions provided")
        ->allow_extra_args(false);
    cmd.add_option("--format", f->format, "Format the output using a Go template, or json");
    cmd.callback([&g, f] {
        namespace ev = engine::events;
        const double now = engine::now_seconds();
        ev::ReadOptions ro;
        ro.since_nano = static_cast<int64_t>(now * 1e9);
        if (!f->since.empty()) {
            auto t = engine::parse_time_arg(f->since, now);
            if (!t.ok()) return fail(g, t.error());
            ro.since_nano = static_cast<int64_t>(*t * 1e9);
        }
        if (!f->until.empty()) {
            auto t = engine::parse_time_arg(f->until, now);
            if (!t.ok()) return fail(g, t.error());
            // A whole second names all of it.
            ro.until_nano = static_cast<int64_t>(*t * 1e9);
        }
        ro.follow = true;  // ends at --until when given
        ev::Filter filter;
        for (auto& a : f->filters)
            if (auto st = ev::add_filter(filter, a); !st.ok()) return fail(g, st.error());
        if (!f->format.empty() && f->format != "json")
            if (auto st = engine::check_template(f->format); !st.ok()) return fail(g, st.error());
        std::string error;
        auto st = ev::read({g.root, g.runroot}, ro, filter, [&](const nlohmann::json& m) {
            std::string line;
            if (f->format.empty()) {
                line = ev::format_line(m);
            } else if (f->format == "json") {
                line = m.dump();
            } else {
                auto r = engine::render_template(f->format, m);
                if (!r.ok()) {
                    error = r.error().what();
                    return false;
                }
                line = *r;
            }
            line += "\n";
            // Each event as it comes, also on a pipe.
            return std::fputs(line.c_str(), stdout) >= 0 && std::fflush(stdout) == 0;
        });
        if (!st.ok()) return fail(g, st.error());
        if (!error.empty()) return fail(g, invalid_input(error));
    });
}

}  // namespace nook::cli
