// `run`: create + start, then (unless -d) wait for the container, forward
// signals, and delete it, exiting with the container's status.
#include "cli/runtime/create_options.h"
#include "runtime/container_ops.h"
#include "runtime/foreground.h"
#include "runtime/launcher.h"
#include "sys/socket.h"

namespace nook::cli {

namespace {

Result<int> run_container(const GlobalOptions& g, runtime::LaunchOptions o) {
    TRY(check_systemd_flag(g));
    auto store = g.store();
    // In the foreground without a console socket we own the pty ourselves.
    std::pair<UniqueFd, UniqueFd> console;
    if (!o.detach && o.console_socket.empty()) {
        TRY_ASSIGN(console, sys::seqpacket_pair());
        o.console_fd = console.second.get();
    }
    runtime::block_forwarded_signals();
    TRY_ASSIGN(runtime::Created c, runtime::create_container(store, o));
    console.second.reset();
    c.lock = runtime::ContainerLock();  // `start` and `delete` take it again
    UniqueFd master;
    if (c.spec.process->terminal && console.first) {
        TRY_ASSIGN(master, sys::recv_fd(console.first.get()));
    }
    if (auto s = runtime::start_container(store, o.id); !s.ok()) {
        (void)runtime::delete_container(store, o.id, true);
        return std::move(s).error();
    }
    if (o.detach) {
        c.init.release();
        return 0;
    }
    pid_t pid = c.init.release();
    auto code = runtime::wait_foreground(pid, std::move(master));
    auto d = runtime::delete_container(store, o.id, true);
    if (!code.ok()) return std::move(code).error();
    if (!d.ok()) return std::move(d).error();
    return *code;
}

}  // namespace

void register_run(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("run", "create and start a container, wait for it, delete it");
    static runtime::LaunchOptions o;
    static bool detach = false;
    add_create_options(sub, o);
    sub->add_flag("-d,--detach", detach, "return once the container has started");
    sub->callback([&g] {
        o.detach = detach;
        auto r = run_container(g, o);
        g.exit_code = r.ok() ? *r : fail(r.error());
    });
}

}  // namespace nook::cli
