#include <cstdio>

#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void register_state(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("state", "print the state of a container as JSON");
    static std::string id;
    sub->add_option("id", id, "container id")->required();
    sub->callback([&g] {
        auto s = runtime::load_state(g.store(), id);
        if (!s.ok()) {
            g.exit_code = fail(s.error());
            return;
        }
        std::printf("%s\n", runtime::state_to_runc_json(*s, true).c_str());
    });
}

}  // namespace nook::cli
