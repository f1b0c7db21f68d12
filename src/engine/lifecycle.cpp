// Engine: starting (spawning the monitor), signalling, stopping, waiting
// for and exec'ing into containers. Waits are event-driven: a watcher on the
// monitor's attach socket gets an 'x' frame at the exit (attach_proto.h);
// the database is polled only when no monitor is there to ask.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "base/owned_pid.h"
#include "engine/attach/attach_client.h"
#include "engine/engine.h"
#include "engine/events/events.h"
#include "engine/monitor/status_pipe.h"
#include "engine/volumes/volume_spec.h"
#include "oci/spec_json.h"
#include "runtime/container_ops.h"  // parse_signal
#include "runtime/foreground.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/process.h"
#include "sys/sealed_exec.h"
#include "sys/socket.h"
#include "sys/stream_io.h"

namespace nook::engine {

namespace {

constexpr int kPollMs = 20;
constexpr int kStopTimeoutDefault = 10;

constexpr const char* kMonitorBinary = "nook-monitor";

// The dedicated monitor binary (src/cli/monitor: static, small, so each
// container's monitor costs well under 1 MiB): next to the running nook, or
// in <dir>/../libexec/nook/ for an installed tree. A missing helper is an
// installation error, reported with the paths tried.
Result<std::string> find_monitor_binary(const std::string& exe_dir) {
    std::string tried;
    for (const auto& dir : {exe_dir, exe_dir + "/../libexec/nook"}) {
        std::string candidate =
            std::filesystem::path(dir + "/" + kMonitorBinary).lexically_normal();
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        tried += (tried.empty() ? "" : ", ") + candidate;
    }
    return Error(ENOENT, std::string("cannot find the ") + kMonitorBinary + " helper (tried " +
                             tried + "): nook is not installed completely")
        .without_errno_text();
}

// Directory of the running nook binary (the CLI is never re-executed, so
// /proc/self/exe is the real file).
Result<std::string> own_binary_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec || !exe.is_absolute())
        return Error(ec ? ec.value() : EINVAL, "read /proc/self/exe to find nook's directory");
    return exe.parent_path().string();
}

// Detach the monitor from us (double fork + setsid: it is reparented to
// init and survives our exit and our terminal), then execute the
// nook-monitor binary as "nook-monitor <id12>", protected like the runtime
// (sys/sealed_exec.h: container processes are its children). The status
// pipe becomes its fd 3, an attach socket its fd 4. It gets NOOK_BIN_DIR
// explicitly: run from a detached bind or memfd, it cannot find nook-init
// through its own /proc/self/exe.
Status spawn_monitor(const Paths& paths, const std::string& id, UniqueFd status_w,
                     UniqueFd attach) {
    TRY_ASSIGN(std::string exe_dir, own_binary_dir());
    TRY_ASSIGN(std::string monitor, find_monitor_binary(exe_dir));
    const char* bin_dir_env = std::getenv(kBinDirEnv);
    const std::string bin_dir = bin_dir_env && *bin_dir_env ? bin_dir_env : exe_dir;
    // Everything the child needs is built before the fork.
    std::vector<std::string> args = {kMonitorBinary, id.substr(0, 12)};
    std::vector<std::string> env_add = {"NOOK_MONITOR_ID=" + id, "NOOK_MONITOR_ROOT=" + paths.root,
                                        "NOOK_MONITOR_RUNROOT=" + paths.runroot,
                                        std::string("NOOK_MONITOR_CLIENT=") + (attach ? "1" : "0"),
                                        std::string(kBinDirEnv) + "=" + bin_dir};
    std::vector<char*> av;
    for (auto& a : args) av.push_back(a.data());
    av.push_back(nullptr);
    const std::string bin_dir_prefix = std::string(kBinDirEnv) + "=";
    std::vector<char*> ev;
    for (char** e = environ; e && *e; e++)
        if (std::strncmp(*e, bin_dir_prefix.c_str(), bin_dir_prefix.size()) != 0) ev.push_back(*e);
    for (auto& e : env_add) ev.push_back(e.data());
    ev.push_back(nullptr);

    TRY_ASSIGN(pid_t child, sys::fork_process());
    if (child == 0) {
        if (!sys::new_session().ok()) ::_exit(1);
        auto grandchild = sys::fork_process();
        if (!grandchild.ok()) ::_exit(1);
        if (*grandchild != 0) ::_exit(0);
        auto devnull = sys::open_file("/dev/null", O_RDWR);
        if (!devnull.ok()) ::_exit(1);
        for (int fd = 0; fd <= 2; fd++)
            if (!sys::dup_onto(devnull->get(), fd, "stdio").ok()) ::_exit(1);
        if (!sys::dup_onto(status_w.get(), kMonitorStatusFd, "status pipe").ok()) ::_exit(1);
        if (attach && !sys::dup_onto(attach.get(), kMonitorClientFd, "attach").ok()) ::_exit(1);
        (void)sys::exec_protected_path(monitor, av.data(), ev.data());
        ::_exit(127);
    }
    TRY_ASSIGN(int st, sys::wait_pid(child));
    if (sys::exit_code_from_status(st) != 0)
        return Error(ECHILD, "start monitor of " + id + ": it failed early").without_errno_text();
    return {};
}

int stop_signal_of(const ContainerRow& row) {
    auto cfg = nlohmann::json::parse(row.config, nullptr, false);
    if (cfg.is_discarded()) return SIGTERM;
    auto c = cfg.value("Config", nlohmann::json::object());
    if (c.contains("StopSignal") && c["StopSignal"].is_string()) {
        auto s = runtime::parse_signal(c["StopSignal"].get<std::string>());
        if (s.ok()) return *s;
    }
    return SIGTERM;
}

int stop_timeout_of(const ContainerRow& row) {
    auto cfg = nlohmann::json::parse(row.config, nullptr, false);
    if (cfg.is_discarded()) return kStopTimeoutDefault;
    auto c = cfg.value("Config", nlohmann::json::object());
    if (c.contains("StopTimeout") && c["StopTimeout"].is_number_integer())
        return c["StopTimeout"].get<int>();
    return kStopTimeoutDefault;
}

bool is_live(const ContainerRow& row) {
    return row.status == "running" || row.status == "restarting";
}

// Poll-free wait until the status leaves `from` (or timeout_ms, -1: none):
// a watcher connected before the status check cannot miss the exit.
Result<ContainerRow> wait_leaves(Engine& eng, const std::string& id, const std::string& from,
                                 int timeout_ms) {
    using Clock = std::chrono::steady_clock;
    const auto began = Clock::now();
    auto left = [&] {
        if (timeout_ms < 0) return -1;
        auto d = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
        return std::max(0, timeout_ms - static_cast<int>(d.count()));
    };
    auto sock = eng.attach_socket(id);
    if (sock.ok() && !send_watch_hello(sock->get(), false).ok()) sock = Error(EPIPE, "watch");
    for (;;) {
        TRY_ASSIGN(auto row, eng.get(id));
        if (row.status != from || left() == 0) return row;
        if (sock.ok()) {
            bool closed = false;
            auto r = wait_exit_frame(sock->get(), left(), &closed);
            if (!r.ok() || closed) sock = Error(EPIPE, "monitor gone");
            continue;  // the monitor records the exit before it sends 'x'
        }
        sys::sleep_ms(kPollMs);
    }
}

// The verbs below run with the container's lock held (locks.h): no
// locking Engine verb may be called from them.
Status kill_locked(Engine& eng, const ContainerRow& row, int sig) {
    if (row.status != "running")
        return invalid_input("cannot kill container " + row.id + ": container is not running");
    // Tell the monitor first, so the exit this causes is not restarted.
    if (auto s = eng.attach_socket(row.id); s.ok()) (void)send_watch_hello(s->get(), true);
    TRY_ASSIGN(auto rt, eng.runtime_of(row));
    TRY(rt->kill(row.id, sig, false).context("kill container " + row.id));
    events::emit(eng.paths(), row, "kill", {{"signal", std::to_string(sig)}});
    return {};
}

Status stop_locked(Engine& eng, ContainerRow row, int timeout) {
    if (timeout == kDefaultStopTimeout) timeout = stop_timeout_of(row);
    if (row.status == "restarting") {
        // Between runs: the monitor only has to give up restarting.
        if (auto s = eng.attach_socket(row.id); s.ok()) {
            (void)send_watch_hello(s->get(), true);
            TRY_ASSIGN(row, wait_leaves(eng, row.id, "restarting", 30000));
        }
        return {};
    }
    if (row.status != "running") return {};
    auto sent = kill_locked(eng, row, stop_signal_of(row));
    if (sent.ok() && timeout != 0) {
        TRY_ASSIGN(row, wait_leaves(eng, row.id, "running", timeout < 0 ? -1 : timeout * 1000));
        if (row.status != "running") return {};
    }
    // Gone already is fine: it stopped on its own.
    (void)kill_locked(eng, row, SIGKILL);
    TRY_ASSIGN(row, wait_leaves(eng, row.id, "running", 30000));
    if (row.status == "running")
        return invalid_input("container " + row.id + " did not stop after SIGKILL");
    return {};
}

}  // namespace

Result<Started> Engine::start(const std::string& name_or_id, UniqueFd attach) {
    // Held until the monitor reports: it takes no lock itself.
    TRY_ASSIGN(auto locked, lock(name_or_id));
    ContainerRow& row = locked.row;
    if (is_live(row)) return Started{row, UniqueFd()};
    TRY_ASSIGN(auto pipe, sys::make_pipe());
    if (attach) events::emit(paths_, row, "attach");
    TRY(spawn_monitor(paths_, row.id, std::move(pipe.write), std::move(attach)));
    StatusReader reader(std::move(pipe.read));
    TRY_ASSIGN(auto msg, reader.next(-1));
    if (!msg)
        return Error(EPIPE, "container " + row.id + ": the monitor exited before starting it")
            .without_errno_text();
    if (msg->kind == "error") return Error(msg->code, msg->text).without_errno_text();
    if (msg->kind != "started")
        return invalid_input("container " + row.id + ": unexpected monitor message " + msg->kind);
    // A short-lived --rm container may be gone from the database already:
    // it did start, which is all the caller asked.
    if (auto fresh = db_.get(row.id); fresh.ok()) {
        row = std::move(*fresh);
    } else {
        row.status = "running";
        row.pid = msg->code;
    }
    return Started{row, reader.release()};
}

Result<UniqueFd> Engine::attach_socket(const std::string& id) {
    return sys::connect_unix_long(paths_.bundle(id) + "/attach");
}

Status Engine::kill(const std::string& name_or_id, int sig) {
    TRY_ASSIGN(auto locked, lock(name_or_id));
    return kill_locked(*this, locked.row, sig);
}

Result<ContainerRow> Engine::wait_status_change(const std::string& id, const std::string& from,
                                                int timeout_ms) {
    return wait_leaves(*this, id, from, timeout_ms);
}

Status Engine::stop(const std::string& name_or_id, int timeout) {
    TRY_ASSIGN(auto locked, lock(name_or_id));
    const bool was_live = is_live(locked.row);
    TRY(stop_locked(*this, locked.row, timeout));
    if (was_live) events::emit(paths_, locked.row, "stop");
    return {};
}

Status Engine::restart(const std::string& name_or_id, int timeout) {
    {
        TRY_ASSIGN(auto locked, lock(name_or_id));
        TRY(stop_locked(*this, locked.row, timeout));
        if (is_live(locked.row)) events::emit(paths_, locked.row, "stop");
    }
    auto s = start(name_or_id);
    if (!s.ok()) return std::move(s).error();
    events::emit(paths_, s->row, "restart");
    return {};
}

Result<int> Engine::wait(const std::string& name_or_id) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status == "created") {
        TRY_ASSIGN(row, wait_status_change(row.id, "created", -1));
    }
    while (is_live(row)) {
        auto sock = attach_socket(row.id);
        if (sock.ok() && send_watch_hello(sock->get(), false).ok()) {
            bool closed = false;
            TRY_ASSIGN(auto code, wait_exit_frame(sock->get(), -1, &closed));
            if (code) return *code;
        } else {
            sys::sleep_ms(kPollMs * 5);
        }
        TRY_ASSIGN(row, get(row.id));
    }
    return row.exit_code;
}

Result<int> Engine::exec(const std::string& name_or_id, const ExecRequest& req) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status != "running") return invalid_input("container " + row.id + " is not running");
    if (row.paused)
        return invalid_input("container " + row.id +
                             " is paused, unpause the container before exec");
    if (req.cmd.empty()) return invalid_input("exec: no command given");
    TRY_ASSIGN(auto rt, runtime_of(row));
    // The container's process as the monitor gave it to the runtime.
    const std::string spec_file = paths_.bundle(row.id) + "/config.json";
    TRY_ASSIGN(std::string spec_text, sys::read_file(spec_file));
    TRY_ASSIGN(oci::Spec spec, oci::parse_spec(spec_text, spec_file));
    if (!spec.process) return invalid_input("container " + row.id + ": its spec has no process");
    oci::Process process = *spec.process;
    process.terminal = req.tty && !req.detach;
    process.args = req.cmd;
    for (const auto& e : req.env) {
        std::string key = e.substr(0, e.find('='));
        std::erase_if(process.env,
                      [&](const std::string& x) { return x.substr(0, x.find('=')) == key; });
        process.env.push_back(e);
    }
    if (!req.workdir.empty()) process.cwd = req.workdir;
    if (!req.user.empty()) {
        TRY_ASSIGN(process.user, resolve_user(req.user, paths_.rootfs(row.id)));
    }
    // The process inherits our stdio: /dev/null where docker gives it none.
    TRY_ASSIGN(auto devnull, sys::open_file("/dev/null", O_RDWR));
    if (req.detach) {
        for (int fd = 0; fd <= 2; fd++) TRY(sys::dup_onto(devnull.get(), fd, "stdio"));
    } else if (!req.interactive) {
        TRY(sys::dup_onto(devnull.get(), 0, "stdin"));
    }
    runtime::block_forwarded_signals();
    const std::string exec_id = events::new_exec_id();
    events::emit(paths_, row, events::exec_action("exec_create", req.cmd), {{"execID", exec_id}});
    events::emit(paths_, row, events::exec_action("exec_start", req.cmd), {{"execID", exec_id}});
    TRY_ASSIGN(auto proc, rt->exec(row.id, process, req.detach));
    if (req.detach) return 0;
    TRY_ASSIGN(int code, runtime::wait_foreground(proc.pid, std::move(proc.pty_master)));
    auto result = proc.on_exit(code);
    events::emit(paths_, row, "exec_die",
                 {{"execID", exec_id}, {"exitCode", std::to_string(result.ok() ? *result : 126)}});
    return result;
}

}  // namespace nook::engine
