#include "cli/runtime/create_options.h"
#include "runtime/launcher.h"

namespace nook::cli {

void register_create(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("create", "create a container (its process waits for `start`)");
    static runtime::LaunchOptions opts;
    auto* o = &opts;
    add_create_options(sub, *o);
    sub->callback([&g, o] {
        g.exit_code = finish([&]() -> Status {
            TRY(check_systemd_flag(g));
            TRY_ASSIGN(runtime::Created c, runtime::create_container(g.store(), *o));
            c.init.release();  // the container lives on after we exit
            return {};
        }());
    });
}

}  // namespace nook::cli
