#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void register_pause(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("pause", "freeze every process of a container");
    static std::string id;
    sub->add_option("id", id, "container id")->required();
    sub->callback([&g] { g.exit_code = finish(runtime::pause_container(g.store(), id)); });
}

}  // namespace nook::cli
