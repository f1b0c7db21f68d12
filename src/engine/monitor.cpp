// The monitor: one small process per running container, detached from the
// CLI that started it (see spawn_monitor in lifecycle.cpp). It
//   1. mounts the rootfs, writes the bundle (config.json, /etc files),
//   2. creates the container in-process, so the container's init is its
//      child, with stdout/stderr connected to pipes it reads,
//   3. starts it, records "running" and reports "started" to the starter,
//   4. copies the output into the json-file log until both pipes close,
//   5. reaps the init, records the exit code (128+n for signal n) and the
//      finish time, releases runtime state and the rootfs mount, removes the
//      container when AutoRemove is set, and reports "exit <code>".
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "base/log.h"
#include "engine/engine.h"
#include "engine/json_log.h"
#include "engine/spec_parts.h"
#include "engine/status_pipe.h"
#include "engine/times.h"
#include "image/snapshot.h"
#include "image/store.h"
#include "oci/spec_json.h"
#include "runtime/container_ops.h"
#include "runtime/launcher.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/netif.h"
#include "sys/process.h"

namespace nook::engine {

namespace {

void report(const StatusMsg& m) {
    // The starter may be gone (run -d returned): EPIPE is expected then.
    (void)sys::write_all(kMonitorStatusFd, format_status(m));
}

struct Running {
    pid_t pid = -1;
    UniqueFd out, err;
    UniqueFd held_stdin;  // write end of an -i container's stdin, never written
};

// Steps 1 to 3. On failure nothing of the container is left running.
Result<Running> launch(Engine& eng, ContainerRow& row) {
    const Paths& p = eng.paths();
    auto cfg = nlohmann::json::parse(row.config, nullptr, false);
    if (cfg.is_discarded())
        return invalid_input("container " + row.id + ": stored config is not JSON");
    TRY(sys::mkdir_p(p.bundle(row.id), 0700));
    TRY_ASSIGN(auto images, image::Store::open(p.root));
    TRY(image::mount_rootfs(images, row.image_id, row.id, p.rootfs(row.id)).context("rootfs"));
    TRY_ASSIGN(oci::Spec spec, build_spec(cfg, row.id, p));
    const SpecInput in{cfg["Config"], cfg["HostConfig"], p, row.id};
    TRY(write_etc_files(in, spec));
    TRY(sys::write_file_atomic(p.bundle(row.id) + "/config.json", oci::to_json(spec, true), 0600));

    // The init inherits our fds 1 and 2: point them at the pipes while it is
    // created, then back at /dev/null so only the container holds the write
    // ends and the pipes close when it is gone.
    TRY_ASSIGN(auto out, sys::make_pipe());
    TRY_ASSIGN(auto err, sys::make_pipe());
    TRY_ASSIGN(auto devnull, sys::open_file("/dev/null", O_RDWR));
    // stdin: /dev/null; with -i the starter's stdin (inherited as our fd 0)
    // when it attached, else a pipe we hold open so reads block, as docker.
    sys::Pipe held_stdin;
    const char* attach = std::getenv("NOOK_MONITOR_STDIN");
    bool open_stdin = cfg["Config"].value("OpenStdin", false);
    if (open_stdin && !(attach && std::string(attach) == "1")) {
        TRY_ASSIGN(held_stdin, sys::make_pipe());
        TRY(sys::dup_onto(held_stdin.read.get(), 0, "stdin"));
    } else if (!open_stdin) {
        TRY(sys::dup_onto(devnull.get(), 0, "stdin"));
    }
    TRY(sys::dup_onto(out.write.get(), 1, "stdout"));
    TRY(sys::dup_onto(err.write.get(), 2, "stderr"));
    runtime::LaunchOptions lo;
    lo.id = row.id;
    lo.bundle = p.bundle(row.id);
    auto store = eng.runtime_store();
    TRY(sys::mkdir_p(store.root(), 0700));
    // An ignored SIGPIPE would be inherited by the container's processes.
    sys::ignore_sigpipe(false);
    auto created = runtime::create_container(store, lo);
    sys::ignore_sigpipe(true);
    TRY(sys::dup_onto(devnull.get(), 0, "stdin"));
    TRY(sys::dup_onto(devnull.get(), 1, "stdout"));
    TRY(sys::dup_onto(devnull.get(), 2, "stderr"));
    if (!created.ok()) return std::move(created).error();
    created->lock = runtime::ContainerLock();  // start takes it again
    // --network none as docker: a new namespace whose lo is up.
    const bool own_netns =
        std::any_of(spec.linux_->namespaces.begin(), spec.linux_->namespaces.end(),
                    [](const oci::Namespace& n) { return n.type == "network" && n.path.empty(); });
    if (own_netns) {
        if (auto s = sys::bring_up_loopback(created->init.get()); !s.ok())
            return std::move(s).error().context("network");
    }
    if (auto s = runtime::start_container(store, row.id); !s.ok()) return std::move(s).error();

    Running r;
    r.pid = created->init.release();
    r.out = std::move(out.read);
    r.err = std::move(err.read);
    r.held_stdin = std::move(held_stdin.write);
    row.status = "running";
    row.pid = r.pid;
    row.exit_code = 0;
    row.error.clear();
    row.oom_killed = false;
    row.started_at = now_rfc3339_nano();
    row.finished_at.clear();
    TRY(eng.db().update(row));
    return r;
}

// Step 4: copy output into the log until both streams are closed.
void pump_logs(Running& r, int log_fd) {
    LogWriter w(log_fd);
    char buf[16384];
    while (r.out || r.err) {
        std::vector<int> fds = {r.out.get(), r.err.get()};
        auto ready = sys::poll_readable(fds, -1);
        if (!ready.ok()) break;
        for (int i = 0; i < 2; i++) {
            UniqueFd& fd = i == 0 ? r.out : r.err;
            if (!fd || !(*ready)[i]) continue;
            auto n = sys::read_some(fd.get(), buf, sizeof buf);
            if (!n.ok() || *n == 0) {
                fd.reset();
                continue;
            }
            (void)w.feed(i == 0 ? "stdout" : "stderr", buf, *n);
        }
    }
    (void)w.flush();
}

}  // namespace

int monitor_main() {
    sys::ignore_sigpipe(true);  // the starter may be gone when we report
    sys::set_process_name("nook-monitor");
    const char* id_env = std::getenv("NOOK_MONITOR_ID");
    const char* root = std::getenv("NOOK_MONITOR_ROOT");
    const char* runroot = std::getenv("NOOK_MONITOR_RUNROOT");
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
    row->monitor_pid = ::getpid();
    row->monitor_start =
        sys::process_start_time(::getpid()).ok() ? *sys::process_start_time(::getpid()) : 0;
    bool auto_remove = false;
    if (auto cfg = nlohmann::json::parse(row->config, nullptr, false); !cfg.is_discarded())
        auto_remove = cfg.value("HostConfig", nlohmann::json::object()).value("AutoRemove", false);

    auto running = launch(*eng, *row);
    if (!running.ok()) {
        const Error& e = running.error();
        eng->release_resources(id);
        row->status = "created";  // as docker: a container that never ran
        row->exit_code = exit_code_for_start_error(e);
        row->error = e.what();
        row->pid = 0;
        (void)eng->db().update(*row);
        if (auto_remove) (void)eng->purge(id);
        report({"error", e.code(), e.what()});
        return 1;
    }
    report({"started", running->pid, ""});

    auto log = sys::open_file(eng->paths().log(id), O_WRONLY | O_APPEND | O_CREAT, 0640);
    if (log.ok()) {
        pump_logs(*running, log->get());
    } else {
        // Still drain, or the container blocks on a full pipe.
        auto null = sys::open_file("/dev/null", O_WRONLY);
        if (null.ok()) pump_logs(*running, null->get());
    }
    auto status = sys::wait_pid(running->pid);
    int code = status.ok() ? sys::exit_code_from_status(*status) : 255;

    eng->release_resources(id);
    if (auto fresh = eng->db().get(id); fresh.ok()) *row = *fresh;
    row->status = "exited";
    row->exit_code = code;
    row->pid = 0;
    row->finished_at = now_rfc3339_nano();
    (void)eng->db().update(*row);
    if (auto_remove) (void)eng->purge(id);
    report({"exit", code, ""});
    return 0;
}

}  // namespace nook::engine
