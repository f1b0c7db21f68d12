// nook stats [-a] [--no-stream] [--no-trunc] [--format] [CONTAINER...]:
// CPU %, MEM USAGE / LIMIT, MEM %, NET I/O, BLOCK I/O, PIDS from the
// containers' cgroups. On a terminal the table is redrawn every second;
// with --no-stream or when stdout is not a terminal one snapshot is printed.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/pause.h"
#include "engine/template/go_template.h"

namespace nook::cli {

namespace {

constexpr const char* kDefaultFormat =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{."
    "BlockIO}}\t{{.PIDs}}";

struct StatsFlags {
    std::vector<std::string> names;
    bool all = false, no_stream = false, no_trunc = false;
    std::string format;
};

nlohmann::json fields(const engine::StatsRow& s, bool no_trunc) {
    char cpu[32], mem[32];
    std::snprintf(cpu, sizeof cpu, "%.2f%%", s.cpu_percent);
    std::snprintf(mem, sizeof mem, "%.2f%%", s.mem_percent);
    return {
        {"ID", no_trunc ? s.id : s.id.substr(0, 12)},
        {"Container", no_trunc ? s.id : s.id.substr(0, 12)},
        {"Name", s.name},
        {"CPUPerc", cpu},
        {"MemUsage", engine::bytes_binary(s.mem_usage) + " / " + engine::bytes_binary(s.mem_limit)},
        {"MemPerc", mem},
        {"NetIO", engine::bytes_decimal(s.net_rx) + " / " + engine::bytes_decimal(s.net_tx)},
        {"BlockIO", engine::bytes_decimal(s.blk_read) + " / " + engine::bytes_decimal(s.blk_write)},
        {"PIDs", std::to_string(s.pids)}};
}

const nlohmann::json& headers() {
    static const nlohmann::json h = {
        {"ID", "CONTAINER ID"}, {"Container", "CONTAINER"},        {"Name", "NAME"},
        {"CPUPerc", "CPU %"},   {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"},
        {"NetIO", "NET I/O"},   {"BlockIO", "BLOCK I/O"},          {"PIDs", "PIDS"}};
    return h;
}

Result<std::string> render(const std::vector<engine::StatsRow>& rows, const StatsFlags& f) {
    std::string format = f.format.empty() || f.format == "table" ? kDefaultFormat : f.format;
    std::string text;
    if (format == "json") {
        for (auto& r : rows) text += fields(r, f.no_trunc).dump() + "\n";
        return text;
    }
    bool table = format.rfind("table", 0) == 0;
    if (table) {
        format = format.substr(5);
        while (!format.empty() && format[0] == ' ') format.erase(0, 1);
        TRY_ASSIGN(auto head, engine::render_template(format, headers()));
        text += head + "\n";
    }
    for (auto& r : rows) {
        TRY_ASSIGN(auto line, engine::render_template(format, fields(r, f.no_trunc)));
        text += line + "\n";
    }
    return table ? engine::align_table(text) : text;
}

Status stats(Globals& g, const StatsFlags& f) {
    TRY_ASSIGN(auto eng, open_engine(g));
    const bool stream = !f.no_stream && stdout_is_terminal();
    for (;;) {
        std::vector<engine::ContainerRow> rows;
        if (f.names.empty()) {
            TRY_ASSIGN(auto all, eng.list());
            for (auto& r : all)
                if (f.all || r.status == "running") rows.push_back(r);
        } else {
            for (auto& n : f.names) {
                TRY_ASSIGN(auto r, eng.get(n));
                rows.push_back(r);
            }
        }
        TRY_ASSIGN(auto sampled, engine::sample_stats(eng, rows, stream ? 1000 : 500));
        TRY_ASSIGN(auto text, render(sampled, f));
        if (stream) std::fputs("\033[2J\033[H", stdout);  // clear, home: redraw in place
        std::fputs(text.c_str(), stdout);
        std::fflush(stdout);
        if (!stream) return {};
    }
}

}  // namespace

void setup_stats(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<StatsFlags>();
    cmd.add_option("container", f->names, "Containers (default: all running)");
    cmd.add_flag("-a,--all", f->all, "Show all containers (default shows just running)");
    cmd.add_flag("--no-stream", f->no_stream,
                 "Disable streaming stats and only pull the first result");
    cmd.add_flag("--no-trunc", f->no_trunc, "Do not truncate output");
    cmd.add_option("--format", f->format,
                   "table, json, or a Go template ({{.Name}} {{.CPUPerc}} ...)");
    cmd.callback([&g, f] {
        auto s = stats(g, *f);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
