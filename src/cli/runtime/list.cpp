#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void register_list(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("list", "list containers");
    static std::string format = "table";
    static bool quiet = false;
    sub->add_option("-f,--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    sub->add_flag("-q,--quiet", quiet, "print only ids");
    sub->callback([&g] {
        auto store = g.store();
        auto ids = store.list_ids();
        if (!ids.ok()) {
            g.exit_code = fail(ids.error());
            return;
        }
        std::vector<runtime::ContainerState> states;
        for (const auto& id : *ids)
            if (auto s = runtime::load_state(store, id); s.ok()) states.push_back(std::move(*s));
        if (quiet) {
            for (const auto& s : states) std::printf("%s\n", s.record.id.c_str());
        } else if (format == "json") {
            auto arr = nlohmann::json::array();
            for (const auto& s : states)
                arr.push_back(nlohmann::json::parse(runtime::state_to_runc_json(s, false)));
            std::printf("%s\n", arr.dump().c_str());
        } else {
            std::printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
                        "CREATED", "OWNER");
            for (const auto& s : states)
                std::printf("%-12s %-8d %-10s %-40s %-30s %s\n", s.record.id.c_str(),
                            s.status == "stopped" ? 0 : s.record.pid, s.status.c_str(),
                            s.record.bundle.c_str(), s.record.created.c_str(),
                            s.record.owner.c_str());
        }
    });
}

}  // namespace nook::cli
