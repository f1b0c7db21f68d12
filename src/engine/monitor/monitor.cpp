// The monitor: one small process per running container, detached from the
// CLI that started it (see spawn_monitor in lifecycle.cpp). It
//   1. listens on <runroot>/containers/<id>/attach (attach_proto.h) and
//      adopts the foreground CLI's socket when it was handed one (fd 4),
//   2. mounts the rootfs, writes the bundle, creates the container through
//      its OCI runtime (oci_runtime.h; the init is, or becomes, its child)
//      with stdout/stderr on pipes -- or on a pty whose master the runtime
//      passes back (-t),
//   3. starts it, records "running" and reports "started" to the starter,
//   4. serves the run (monitor_io.h): output to the log and to clients,
//      stdin from clients, until the init exits (its pidfd),
//   5. reaps it, reads the cgroup's OOM kill count, records the exit
//      (128+n for signal n), releases runtime state and the rootfs mount,
//   6. restarts it per the restart policy (restart_policy.h) unless the user
//      stopped it, or removes it when AutoRemove is set, and exits.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "engine/engine.h"
#include "engine/events/events.h"
#include "engine/logs/json_log.h"
#include "engine/logs/log_config.h"
#include "engine/monitor/monitor_io.h"
#include "engine/monitor/restart_policy.h"
#include "engine/monitor/status_pipe.h"
#include "engine/spec/spec_parts.h"
#include "engine/spec/userns.h"
#include "engine/store/locks.h"
#include "engine/views/times.h"
#include "image/snapshot.h"
#include "image/store.h"
#include "oci/spec_json.h"
#include "sys/daemon.h"
#include "sys/fds.h"
#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/netif.h"
#include "sys/process.h"
#include "sys/socket.h"

namespace nook::engine {

namespace {

void report(const StatusMsg& m) {
    // The starter may be gone (run -d returned): EPIPE is expected then.
    (void)sys::write_all(kMonitorStatusFd, format_status(m));
}

struct Running {
    pid_t pid = -1;
    RunIo io;
    std::unique_ptr<runtime::cgroups::Manager> cgroup;  // for the OOM kill count
};

// NetworkMode container:<id>: the init of that container, 0 when it is not
// running (build_spec then says so).
int network_peer_pid(Engine& eng, const nlohmann::json& host) {
    const std::string mode = host.value("NetworkMode", "");
    if (mode.rfind("container:", 0) != 0) return 0;
    auto peer = eng.get(mode.substr(10));
    return peer.ok() && peer->status == "running" ? peer->pid : 0;
}

// Steps 2 and 3. On failure nothing of the container is left running.
Result<Running> launch(Engine& eng, ContainerRow& row, const nlohmann::json& cfg) {
    const Paths& p = eng.paths();
    TRY_ASSIGN(auto rt, eng.runtime_of(row));
    TRY(sys::mkdir_p(p.bundle(row.id), 0700));
    TRY_ASSIGN(auto images, image::Store::open(p.root));
    image::RootfsOptions rootfs_opts;
    rootfs_opts.idmap = recorded_range(cfg["HostConfig"]);  // --userns auto
    if (rootfs_opts.idmap) TRY(let_userns_traverse(p.runroot, p.bundle(row.id)));
    TRY(image::mount_rootfs(images, row.image_id, row.id, p.rootfs(row.id), rootfs_opts)
            .context("rootfs"));
    TRY_ASSIGN(oci::Spec spec,
               build_spec(cfg, row.id, p, network_peer_pid(eng, cfg["HostConfig"])));
    if (rt->name() != kBuiltinRuntime) {
        // An external runtime gets the cgroup the built-in one takes by
        // default, so stats, OOM counts and cleanup find it the same way.
        spec.linux_->cgroups_path = engine_cgroups_path(row.id);
        // The bundle uses nothing newer than runtime-spec 1.1, and runtimes
        // refuse versions they do not know (crun 1.8 refuses 1.2.0).
        spec.oci_version = kEngineSpecVersion;
    }
    const SpecInput in{cfg["Config"], cfg["HostConfig"], p, row.id, 0};
    TRY(write_etc_files(in, spec));
    TRY(sys::write_file_atomic(p.bundle(row.id) + "/config.json", oci::to_json(spec, true), 0600));

    Running r;
    r.io.open_stdin = cfg["Config"].value("OpenStdin", false);
    const bool tty = spec.process && spec.process->terminal;
    // The init inherits our fds 0-2: point them at pipes (or /dev/null)
    // while it is created, then back at /dev/null so only the container holds
    // the write ends and the pipes close when it is gone. With a tty the
    // runtime makes the pty slave its stdio instead.
    TRY_ASSIGN(auto devnull, sys::open_file("/dev/null", O_RDWR));
    sys::Pipe out, err, in_pipe;
    if (!tty) {
        TRY_ASSIGN(out, sys::make_pipe());
        TRY_ASSIGN(err, sys::make_pipe());
        if (r.io.open_stdin) {
            TRY_ASSIGN(in_pipe, sys::make_pipe());
            TRY(sys::dup_onto(in_pipe.read.get(), 0, "stdin"));
        } else {
            TRY(sys::dup_onto(devnull.get(), 0, "stdin"));
        }
        TRY(sys::dup_onto(out.write.get(), 1, "stdout"));
        TRY(sys::dup_onto(err.write.get(), 2, "stderr"));
    }
    // An ignored SIGPIPE would be inherited by the container's processes.
    sys::ignore_sigpipe(false);
    auto created = rt->create(row.id, p.bundle(row.id), tty);
    sys::ignore_sigpipe(true);
    for (int fd = 0; fd <= 2; fd++) TRY(sys::dup_onto(devnull.get(), fd, "stdio"));
    if (!created.ok()) return std::move(created).error();
    // Owned until started: a failure below must not leave it behind.
    auto undo = [&](Error e) -> Error {
        (void)rt->remove(row.id);
        (void)sys::wait_pid(created->pid);
        return e;
    };
    r.io.master = std::move(created->pty_master);
    // --network none as docker: a new namespace whose lo is up.
    const bool own_netns =
        std::any_of(spec.linux_->namespaces.begin(), spec.linux_->namespaces.end(),
                    [](const oci::Namespace& n) { return n.type == "network" && n.path.empty(); });
    if (own_netns) {
        if (auto s = sys::bring_up_loopback(created->pid); !s.ok())
            return undo(std::move(s).error().context("network"));
    }
    auto pidfd = sys::pidfd_open(created->pid);
    if (!pidfd.ok()) return undo(std::move(pidfd).error());
    r.io.pidfd = std::move(*pidfd);
    if (auto s = rt->start(row.id); !s.ok()) return undo(std::move(s).error());

    r.pid = created->pid;
    r.cgroup = std::move(created->cgroup);
    r.io.out = std::move(out.read);
    r.io.err = std::move(err.read);
    r.io.stdin_w = std::move(in_pipe.write);
    row.status = "running";
    row.pid = r.pid;
    row.exit_code = 0;
    row.error.clear();
    row.oom_killed = false;
    row.started_at = now_rfc3339_nano();
    row.finished_at.clear();
    TRY(eng.db().update(row));
    events::emit(eng.paths(), row, "start");
    return r;
}

bool oom_killed(Running& r) {
    if (!r.cgroup) return false;
    auto n = r.cgroup->oom_kill_count();
    return n.ok() && *n > 0;
}

std::optional<LogWriter> open_log(Engine& eng, const std::string& id, const LogSettings& s) {
    if (s.driver == "none") return std::nullopt;
    if (auto w = LogWriter::open(eng.paths().log(id), s.max_size, s.max_file); w.ok())
        return std::move(*w);
    return std::nullopt;
}

void record_failed_start(Engine& eng, ContainerRow& row, const Error& e, bool restarting) {
    eng.release_resources(row.id);
    // As docker: a container that never ran stays "created".
    row.status = restarting ? "exited" : "created";
    row.exit_code = exit_code_for_start_error(e);
    row.error = e.what();
    row.pid = 0;
    row.finished_at = restarting ? now_rfc3339_nano() : "";
    (void)eng.db().update(row);
}

}  // namespace

int monitor_main() {
    sys::ignore_sigpipe(true);  // the starter may be gone when we report
    sys::set_process_name("nook-monitor");
    const char* id_env = std::getenv("NOOK_MONITOR_ID");
    const char* root = std::getenv("NOOK_MONITOR_ROOT");
    const char* runroot = std::getenv("NOOK_MONITOR_RUNROOT");
    const char* client_env = std::getenv("NOOK_MONITOR_CLIENT");
    if (!id_env || !root || !runroot) {
        report({"error", EINVAL, "nook-monitor: started without its environment"});
        return 2;
    }
    const std::string id = id_env;
    auto eng = Engine::open(root, runroot);
    if (!eng.ok()) {
        report({"error", eng.error().code(), eng.error().what()});
        return 1;
    }
    auto row = eng->db().get(id);
    if (!row.ok()) {
        report({"error", row.error().code(), row.error().what()});
        return 1;
    }
    auto cfg = nlohmann::json::parse(row->config, nullptr, false);
    if (cfg.is_discarded()) {
        report({"error", EINVAL, "container " + id + ": stored config is not JSON"});
        return 1;
    }
    const auto hc = cfg.value("HostConfig", nlohmann::json::object());
    const bool auto_remove = hc.value("AutoRemove", false);
    const RestartPolicy policy = restart_policy_of(hc);
    row->monitor_pid = ::getpid();
    if (auto st = sys::process_start_time(::getpid()); st.ok()) row->monitor_start = *st;
    row->restart_count = 0;

    auto setup = [&]() -> Result<AttachServer> {
        TRY(sys::mkdir_p(eng->paths().bundle(id), 0700));
        return AttachServer::listen(eng->paths().bundle(id) + "/attach");
    };
    auto server = setup();
    if (!server.ok()) {
        record_failed_start(*eng, *row, server.error(), false);
        report({"error", server.error().code(), server.error().what()});
        return 1;
    }
    // Inherited without close-on-exec: the container must not hold them.
    (void)sys::set_cloexec(kMonitorStatusFd, true);
    if (client_env && std::string(client_env) == "1") {
        (void)sys::set_cloexec(kMonitorClientFd, true);
        server->adopt(UniqueFd(kMonitorClientFd));
    }

    auto log = open_log(*eng, id, log_settings_of(hc));
    RestartBackoff backoff;
    int code = 0;
    for (bool first = true;; first = false) {
        auto running = launch(*eng, *row, cfg);
        if (!running.ok()) {
            record_failed_start(*eng, *row, running.error(), !first);
            if (first) {
                if (auto_remove) (void)eng->purge(id);
                report({"error", running.error().code(), running.error().what()});
                server->broadcast_exit(row->exit_code);
                return 1;
            }
            code = row->exit_code;
            break;
        }
        if (first) {
            report({"started", running->pid, ""});
            // Setting up (config JSON, spec, database) left freed heap
            // behind: give it back, the monitor lives as long as the
            // container and each one counts against a per-container budget.
            ::malloc_trim(0);
        }
        auto began = std::chrono::steady_clock::now();
        (void)server->serve_run(running->io, log ? &*log : nullptr);
        auto status = sys::wait_pid(running->pid);
        code = status.ok() ? sys::exit_code_from_status(*status) : 255;
        const bool oom = oom_killed(*running);
        running->cgroup.reset();
        eng->release_resources(id);
        if (auto fresh = eng->db().get(id); fresh.ok()) *row = *fresh;
        row->status = "exited";
        row->exit_code = code;
        row->oom_killed = oom;
        row->pid = 0;
        row->finished_at = now_rfc3339_nano();
        // stop, kill and rm -f say 'u' over the socket before they signal.
        server->take_pending();
        bool again = !auto_remove &&
                     should_restart(policy, code, row->restart_count, server->user_stopped());
        if (again) row->status = "restarting";
        if (oom) events::emit(eng->paths(), *row, "oom");
        events::emit(eng->paths(), *row, "die", {{"exitCode", std::to_string(code)}});
        (void)eng->db().update(*row);
        if (!again) break;
        server->broadcast_exit(code);
        long ran = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - began)
                       .count();
        if (!server->pause_for(backoff.next_delay_ms(ran))) {
            if (auto fresh = eng->db().get(id); fresh.ok()) *row = *fresh;
            row->status = "exited";
            (void)eng->db().update(*row);
            break;
        }
        row->restart_count++;
    }
    if (auto_remove) (void)eng->purge(id);
    server->broadcast_exit(code);
    report({"exit", code, ""});
    return 0;
}

}  // namespace nook::engine
