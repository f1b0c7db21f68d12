#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void register_kill(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("kill", "send a signal (default SIGTERM) to a container's init");
    struct Opts {
        std::string id, signal = "SIGTERM";
        bool all = false;
    };
    static Opts opts;
    auto* o = &opts;
    sub->add_option("id", o->id, "container id")->required();
    sub->add_option("signal", o->signal, "signal name or number");
    sub->add_flag("-a,--all", o->all, "send the signal to every process in the container");
    sub->callback([&g, o] {
        g.exit_code = finish([&]() -> Status {
            TRY_ASSIGN(int sig, runtime::parse_signal(o->signal));
            return runtime::kill_container(g.store(), o->id, sig, o->all);
        }());
    });
}

}  // namespace nook::cli
