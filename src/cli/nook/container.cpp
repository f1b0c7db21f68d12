// nook container <verb>: docker's management group. ls (= ps), prune, and
// every container verb of the table (run, rm, inspect, logs, ...) by name.
#include <cstdio>
#include <memory>
#include <set>

#include "cli/nook/container_common.h"
#include "engine/pause.h"
#include "engine/views/system.h"

namespace nook::cli {

namespace {

// docker's `container` subcommands; those present in kVerbs are added.
const std::set<std::string> kContainerVerbs = {
    "attach", "commit", "cp",    "create", "diff",    "exec",    "export", "inspect",
    "kill",   "logs",   "pause", "port",   "rename",  "restart", "rm",     "run",
    "start",  "stats",  "stop",  "top",    "unpause", "update",  "wait"};

void setup_container_prune(CLI::App& cmd, Globals& g) {
    auto filters = std::make_shared<std::vector<std::string>>();
    auto force = std::make_shared<bool>(false);
    cmd.add_flag("-f,--force", *force, "Do not prompt for confirmation (nook never prompts)");
    cmd.add_option("--filter", *filters, "Provide filter values (until=<timestamp>, label=k[=v])")
        ->allow_extra_args(false);
    cmd.callback([&g, filters] {
        auto run = [&]() -> Status {
            TRY_ASSIGN(auto f, engine::parse_filters(*filters, {"until", "label", "label!"}));
            TRY_ASSIGN(auto eng, open_engine(g));
            TRY_ASSIGN(auto rep, engine::prune_containers(eng, f));
            if (!rep.deleted.empty()) {
                std::printf("Deleted Containers:\n");
                for (auto& id : rep.deleted) std::printf("%s\n", id.c_str());
                std::printf("\n");
            }
            std::printf("Total reclaimed space: %s\n",
                        engine::bytes_decimal(rep.reclaimed).c_str());
            return {};
        };
        if (auto s = run(); !s.ok()) fail(g, s.error());
    });
}

}  // namespace

void setup_container(CLI::App& cmd, Globals& g) {
    cmd.require_subcommand(1);
    for (size_t i = 0; i < kVerbCount; i++) {
        const Verb& v = kVerbs[i];
        if (!kContainerVerbs.count(v.name)) continue;
        CLI::App* sub = cmd.add_subcommand(v.name, v.help);
        if (std::string(v.name) == "rm") sub->alias("remove");
        v.setup(*sub, g);
    }
    setup_ps(*cmd.add_subcommand("ls", "List containers")->alias("list")->alias("ps"), g);
    setup_container_prune(*cmd.add_subcommand("prune", "Remove all stopped containers"), g);
}

}  // namespace nook::cli
