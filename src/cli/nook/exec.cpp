// nook exec [-i] [-t] [-d] [-e] [-w] [-u] CONTAINER COMMAND...: run a process
// in a running container with our stdio (a pty with -t); exits with its
// exit code, or at once with -d.
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

namespace {
struct ExecFlags {
    std::string container;
    engine::ExecRequest req;
};
}  // namespace

void setup_exec(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<ExecFlags>();
    cmd.add_option("container", f->container, "Container")->required();
    cmd.add_option("command", f->req.cmd, "Command and arguments")->required();
    cmd.add_option("-e,--env", f->req.env, "Set environment variables");
    cmd.add_option("-w,--workdir", f->req.workdir, "Working directory inside the container");
    cmd.add_option("-u,--user", f->req.user, "Username or UID (format: <name|uid>[:<group|gid>])");
    cmd.add_flag("-t,--tty", f->req.tty, "Allocate a pseudo-TTY");
    cmd.add_flag("-i,--interactive", f->req.interactive, "Keep STDIN open");
    cmd.add_flag("-d,--detach", f->req.detach, "Detached mode: run command in the background");
    cmd.positionals_at_end();
    cmd.prefix_command();
    cmd.callback([&g, f] {
        if (!f->req.detach && refuse_tty_without_terminal(g, f->req.tty, f->req.interactive))
            return;
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        auto code = eng->exec(f->container, f->req);
        if (!code.ok())
            return fail_with(g, code.error(), engine::exit_code_for_start_error(code.error()));
        g.exit_code = *code;
    });
}

}  // namespace nook::cli
