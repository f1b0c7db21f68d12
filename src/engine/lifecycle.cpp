// Engine: starting (spawning the monitor), signalling, stopping, waiting
// for and exec'ing into containers.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "base/owned_pid.h"
#include "engine/engine.h"
#include "engine/status_pipe.h"
#include "runtime/container_ops.h"
#include "runtime/exec.h"
#include "runtime/foreground.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/process.h"

namespace nook::engine {

namespace {

constexpr int kPollMs = 20;

// Detach the monitor from us (double fork + setsid: it is reparented to
// init and survives our exit and our terminal), then re-exec this binary as
// "nook-monitor <id12>" so it starts small and shows in ps by name. The
// status pipe becomes its fd 3.
Status spawn_monitor(const Paths& paths, const std::string& id, UniqueFd status_w,
                     bool attach_stdin) {
    TRY_ASSIGN(pid_t child, sys::fork_process());
    if (child == 0) {
        if (!sys::new_session().ok()) ::_exit(1);
        auto grandchild = sys::fork_process();
        if (!grandchild.ok()) ::_exit(1);
        if (*grandchild != 0) ::_exit(0);
        auto devnull = sys::open_file("/dev/null", O_RDWR);
        if (!devnull.ok()) ::_exit(1);
        for (int fd = attach_stdin ? 1 : 0; fd <= 2; fd++)
            if (!sys::dup_onto(devnull->get(), fd, "stdio").ok()) ::_exit(1);
        if (!sys::dup_onto(status_w.get(), kMonitorStatusFd, "status pipe").ok()) ::_exit(1);
        (void)sys::exec_self({"nook-monitor", id.substr(0, 12)},
                             {"NOOK_MONITOR_ID=" + id, "NOOK_MONITOR_ROOT=" + paths.root,
                              "NOOK_MONITOR_RUNROOT=" + paths.runroot,
                              std::string("NOOK_MONITOR_STDIN=") + (attach_stdin ? "1" : "0")});
        ::_exit(127);
    }
    TRY_ASSIGN(int st, sys::wait_pid(child));
    if (sys::exit_code_from_status(st) != 0)
        return Error(ECHILD, "start monitor of " + id + ": it failed early").without_errno_text();
    return {};
}

}  // namespace

Result<Started> Engine::start(const std::string& name_or_id, bool attach_stdin) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status == "running") return Started{row, UniqueFd()};
    TRY_ASSIGN(auto pipe, sys::make_pipe());
    TRY(spawn_monitor(paths_, row.id, std::move(pipe.write), attach_stdin));
    StatusReader reader(std::move(pipe.read));
    TRY_ASSIGN(auto msg, reader.next(-1));
    if (!msg)
        return Error(EPIPE, "container " + row.id + ": the monitor exited before starting it")
            .without_errno_text();
    if (msg->kind == "error") return Error(msg->code, msg->text).without_errno_text();
    if (msg->kind != "started")
        return invalid_input("container " + row.id + ": unexpected monitor message " + msg->kind);
    TRY_ASSIGN(row, db_.get(row.id));
    return Started{row, reader.release()};
}

Status Engine::kill(const std::string& name_or_id, int sig) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status != "running")
        return invalid_input("cannot kill container " + row.id + ": container is not running");
    return runtime::kill_container(runtime_store(), row.id, sig, false)
        .context("kill container " + row.id);
}

Result<ContainerRow> Engine::wait_status_change(const std::string& id, const std::string& from,
                                                int timeout_ms) {
    for (int waited = 0;; waited += kPollMs) {
        TRY_ASSIGN(auto row, get(id));
        if (row.status != from || (timeout_ms >= 0 && waited >= timeout_ms)) return row;
        sys::sleep_ms(kPollMs);
    }
}

Status Engine::stop(const std::string& name_or_id, int timeout) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status != "running") return {};
    int sig = SIGTERM;
    auto cfg = nlohmann::json::parse(row.config, nullptr, false);
    if (!cfg.is_discarded() && cfg["Config"].contains("StopSignal")) {
        auto s = runtime::parse_signal(cfg["Config"]["StopSignal"].get<std::string>());
        if (s.ok()) sig = *s;
    }
    auto sent = kill(row.id, sig);
    if (sent.ok() && timeout != 0) {
        TRY_ASSIGN(row, wait_status_change(row.id, "running", timeout < 0 ? -1 : timeout * 1000));
        if (row.status != "running") return {};
    }
    // Gone already is fine: it stopped on its own.
    (void)kill(row.id, SIGKILL);
    TRY_ASSIGN(row, wait_status_change(row.id, "running", 30000));
    if (row.status == "running")
        return invalid_input("container " + row.id + " did not stop after SIGKILL");
    return {};
}

Result<int> Engine::wait(const std::string& name_or_id) {
    TRY_ASSIGN(auto row, get(name_or_id));
    while (row.status != "exited") {
        sys::sleep_ms(kPollMs * 5);
        TRY_ASSIGN(row, get(row.id));
    }
    return row.exit_code;
}

Result<int> Engine::exec(const std::string& name_or_id, const ExecRequest& req) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status != "running") return invalid_input("container " + row.id + " is not running");
    if (req.cmd.empty()) return invalid_input("exec: no command given");
    auto store = runtime_store();
    TRY_ASSIGN(oci::Spec spec, runtime::load_saved_spec(store, row.id));
    runtime::ExecOptions o;
    o.id = row.id;
    o.process = *spec.process;
    o.process.terminal = false;
    o.process.args = req.cmd;
    for (const auto& e : req.env) {
        std::string key = e.substr(0, e.find('='));
        std::erase_if(o.process.env,
                      [&](const std::string& x) { return x.substr(0, x.find('=')) == key; });
        o.process.env.push_back(e);
    }
    if (!req.workdir.empty()) o.process.cwd = req.workdir;
    if (!req.user.empty()) {
        TRY_ASSIGN(o.process.user, resolve_user(req.user, paths_.rootfs(row.id)));
    }
    runtime::block_forwarded_signals();
    TRY_ASSIGN(OwnedPid pid, runtime::exec_in_container(store, o));
    return runtime::wait_foreground(pid.release(), UniqueFd());
}

}  // namespace nook::engine
