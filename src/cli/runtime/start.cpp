#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void register_start(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("start", "start the user process of a created container");
    static std::string id;
    sub->add_option("id", id, "container id")->required();
    sub->callback([&g] { g.exit_code = finish(runtime::start_container(g.store(), id)); });
}

}  // namespace nook::cli
