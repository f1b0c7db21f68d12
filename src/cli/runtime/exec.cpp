// `exec [flags] ID COMMAND [ARGS...]` or `exec -p process.json ID`.
#include <cstdlib>

#include "cli/runtime/commands.h"
#include "oci/spec_json.h"
#include "runtime/container_ops.h"
#include "runtime/exec.h"
#include "runtime/foreground.h"
#include "sys/file.h"
#include "sys/socket.h"

namespace nook::cli {

namespace {

struct ExecFlags {
    std::string process_file, console_socket, pid_file, cwd, user;
    std::vector<std::string> env, caps, additional_gids, rest;
    bool tty = false, detach = false, no_new_privs = false;
    int preserve_fds = 0;
};

Result<oci::Process> load_process_file(const std::string& path) {
    TRY_ASSIGN(std::string text, sys::read_file(path));
    // Parse through the spec parser so errors name fields as "process.args".
    TRY_ASSIGN(oci::Spec s,
               oci::parse_spec("{\"ociVersion\":\"1.2.0\",\"process\":" + text + "}", path));
    return *s.process;
}

Result<uint32_t> parse_id(const std::string& s, const char* what) {
    char* end = nullptr;
    unsigned long v = std::strtoul(s.c_str(), &end, 10);
    if (s.empty() || *end || v > 0xffffffffUL)
        return invalid_input(std::string("invalid ") + what + ": " + s);
    return static_cast<uint32_t>(v);
}

Result<oci::Process> build_process(const GlobalOptions& g, const ExecFlags& f,
                                   const std::string& id) {
    if (!f.process_file.empty()) return load_process_file(f.process_file);
    TRY_ASSIGN(oci::Spec spec, runtime::load_saved_spec(g.store(), id));
    oci::Process p = spec.process ? *spec.process : oci::Process{};
    p.args.assign(f.rest.begin() + 1, f.rest.end());
    p.terminal = f.tty;
    p.console_size.reset();
    for (const auto& e : f.env) p.env.push_back(e);
    if (!f.cwd.empty()) p.cwd = f.cwd;
    if (!f.user.empty()) {
        auto colon = f.user.find(':');
        TRY_ASSIGN(p.user.uid, parse_id(f.user.substr(0, colon), "--user uid"));
        if (colon != std::string::npos) {
            TRY_ASSIGN(p.user.gid, parse_id(f.user.substr(colon + 1), "--user gid"));
        }
    }
    for (const auto& gid : f.additional_gids) {
        TRY_ASSIGN(uint32_t v, parse_id(gid, "--additional-gids"));
        p.user.additional_gids.push_back(v);
    }
    if (!f.caps.empty()) {
        if (!p.capabilities) p.capabilities = oci::Capabilities{};
        for (const auto& c : f.caps) {
            p.capabilities->bounding.push_back(c);
            p.capabilities->effective.push_back(c);
            p.capabilities->permitted.push_back(c);
        }
    }
    if (f.no_new_privs) p.no_new_privileges = true;
    return p;
}

Result<int> run_exec(const GlobalOptions& g, const ExecFlags& f) {
    if (f.rest.empty()) return invalid_input("exec: container id required");
    const std::string& id = f.rest[0];
    if (f.process_file.empty() && f.rest.size() < 2)
        return invalid_input("exec: a command is required (or -p process.json)");
    runtime::ExecOptions o;
    o.id = id;
    TRY_ASSIGN(o.process, build_process(g, f, id));
    o.console_socket = f.console_socket;
    o.pid_file = f.pid_file;
    o.preserve_fds = f.preserve_fds;
    std::pair<UniqueFd, UniqueFd> console;
    if (o.process.terminal && o.console_socket.empty() && !f.detach) {
        TRY_ASSIGN(console, sys::seqpacket_pair());
        o.console_fd = console.second.get();
    }
    if (!f.detach) runtime::block_forwarded_signals();
    TRY_ASSIGN(OwnedPid proc, runtime::exec_in_container(g.store(), o));
    console.second.reset();
    if (f.detach) {
        proc.release();
        return 0;
    }
    UniqueFd master;
    if (console.first) {
        TRY_ASSIGN(master, sys::recv_fd(console.first.get()));
    }
    return runtime::wait_foreground(proc.release(), std::move(master));
}

}  // namespace

void register_exec(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("exec", "run a new process inside a running container");
    static ExecFlags f;
    sub->add_option("-p,--process", f.process_file, "path to a process.json");
    sub->add_option("--console-socket", f.console_socket,
                    "unix socket that receives the pty master");
    sub->add_option("--pid-file", f.pid_file, "file to write the process pid to");
    sub->add_option("--cwd", f.cwd, "working directory inside the container");
    sub->add_option("-u,--user", f.user, "uid[:gid]");
    sub->add_option("-e,--env", f.env, "set an environment variable (KEY=VALUE)")
        ->allow_extra_args(false);
    sub->add_option("-c,--cap", f.caps, "add a capability")->allow_extra_args(false);
    sub->add_option("-g,--additional-gids", f.additional_gids, "additional gids")
        ->allow_extra_args(false);
    sub->add_option("--preserve-fds", f.preserve_fds, "pass N additional fds (3..3+N-1)");
    sub->add_flag("-t,--tty", f.tty, "allocate a pseudo-TTY");
    sub->add_flag("-d,--detach", f.detach, "detach from the process");
    sub->add_flag("--no-new-privs", f.no_new_privs, "set no_new_privs for the process");
    sub->add_option(
        "--apparmor,--process-label", [](const CLI::results_t&) { return true; },
        "accepted for compatibility; ignored");
    // Everything from the id on is the id and the command, flags included.
    sub->prefix_command();
    sub->callback([&g, sub] {
        f.rest = sub->remaining();
        auto r = run_exec(g, f);
        g.exit_code = r.ok() ? *r : fail(r.error());
    });
}

}  // namespace nook::cli
