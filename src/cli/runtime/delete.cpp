#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void register_delete(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("delete", "delete a container and everything it holds");
    static std::string id;
    static bool force = false;
    sub->add_option("id", id, "container id")->required();
    sub->add_flag("-f,--force", force, "kill the container first if it is running");
    sub->callback([&g] {
        auto r = runtime::delete_container(g.store(), id, force);
        // As runc: --force on a container that does not exist is not an error.
        if (!r.ok() && force && r.error().code() == ENOENT) r = Status();
        g.exit_code = finish(r);
    });
}

}  // namespace nook::cli
