// Flags shared by `create` and `run`.
#pragma once

#include "cli/runtime/commands.h"
#include "runtime/launch_plan.h"

namespace nook::cli {

inline void add_create_options(CLI::App* sub, runtime::LaunchOptions& o) {
    sub->add_option("id", o.id, "container id")->required();
    sub->add_option("-b,--bundle", o.bundle, "path to the bundle directory (default: .)");
    sub->add_option("--console-socket", o.console_socket,
                    "unix socket that receives the pty master of the container");
    sub->add_option("--pid-file", o.pid_file, "file to write the container's pid to");
    sub->add_option("--preserve-fds", o.preserve_fds,
                    "pass N additional fds (3..3+N-1) to the container")
        ->check(CLI::NonNegativeNumber);
    sub->add_flag("--no-pivot", o.no_pivot, "use MS_MOVE + chroot instead of pivot_root");
    sub->add_flag("--no-new-keyring", o.no_new_keyring, "do not create a new session keyring");
}

}  // namespace nook::cli
