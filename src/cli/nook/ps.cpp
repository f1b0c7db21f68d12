// nook ps [-a] [-q] [--no-trunc]: docker's table (CONTAINER ID, IMAGE,
// COMMAND, CREATED, STATUS, PORTS, NAMES).
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/times.h"

namespace nook::cli {

namespace {

struct PsFlags {
    bool all = false, quiet = false, no_trunc = false;
};

std::string status_text(const engine::ContainerRow& r) {
    if (r.status == "running")
        return "Up " + engine::human_duration(engine::seconds_since(r.started_at));
    if (r.status == "exited")
        return "Exited (" + std::to_string(r.exit_code) + ") " +
               engine::human_duration(engine::seconds_since(r.finished_at)) + " ago";
    return "Created";
}

std::string command_text(const engine::ContainerRow& r, bool no_trunc) {
    auto cfg = nlohmann::json::parse(r.config, nullptr, false);
    std::string cmd;
    if (!cfg.is_discarded())
        for (auto& w : engine::command_of(cfg.value("Config", nlohmann::json::object())))
            cmd += (cmd.empty() ? "" : " ") + w;
    if (!no_trunc && cmd.size() > 19) cmd = cmd.substr(0, 19) + "…";
    return "\"" + cmd + "\"";
}

// Column widths from the longest cell, three spaces apart (docker's tabwriter).
void print_table(const std::vector<std::vector<std::string>>& rows) {
    auto width = [](const std::string& s) {
        size_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count UTF-8 code points
        return n;
    };
    std::vector<size_t> w(rows[0].size(), 0);
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); i++) w[i] = std::max(w[i], width(r[i]));
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); i++) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(w[i] - width(r[i]) + 3, ' ');
        }
        std::printf("%s\n", line.c_str());
    }
}

}  // namespace

void setup_ps(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<PsFlags>();
    cmd.add_flag("-a,--all", f->all, "Show all containers (default shows just running)");
    cmd.add_flag("-q,--quiet", f->quiet, "Only display container IDs");
    cmd.add_flag("--no-trunc", f->no_trunc, "Don't truncate output");
    cmd.callback([&g, f] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        auto rows = eng->list();
        if (!rows.ok()) return fail(g, rows.error());
        std::vector<std::vector<std::string>> table = {
            {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"}};
        for (auto& r : *rows) {
            if (!f->all && r.status != "running") continue;
            std::string id = f->no_trunc ? r.id : r.id.substr(0, 12);
            if (f->quiet) {
                std::printf("%s\n", id.c_str());
                continue;
            }
            table.push_back({id, r.image, command_text(r, f->no_trunc),
                             engine::human_duration(engine::seconds_since(r.created)) + " ago",
                             status_text(r), "", r.name});
        }
        if (!f->quiet) print_table(table);
    });
}

}  // namespace nook::cli
