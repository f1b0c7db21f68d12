// Engine: creating, finding, inspecting and removing containers.
#include "engine/engine.h"

#include "engine/attach/attach_client.h"
#include "engine/events/events.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "engine/store/names.h"
#include "engine/views/inspect_view.h"
#include "engine/views/times.h"
#include "engine/volumes/volumes.h"
#include "image/images.h"
#include "image/snapshot.h"
#include "image/store.h"
#include "runtime/cgroups/manager.h"
#include "runtime/container_ops.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/process.h"

namespace nook::engine {

using json = nlohmann::json;

int exit_code_for_start_error(const Error& e) {
    const std::string& m = e.message();
    if (m.find("executable file not found") != std::string::npos) return kExitNotFound;
    if (m.find("exec: \"") != std::string::npos) {
        if (e.code() == ENOENT) return kExitNotFound;
        if (e.code() == EACCES || e.code() == ENOEXEC || e.code() == EISDIR) return kExitCannotExec;
    }
    return kExitEngineError;
}

Result<Engine> Engine::open(const std::string& root, const std::string& runroot) {
    Engine e;
    e.paths_ = Paths{root, runroot};
    TRY_ASSIGN(e.db_, Db::open(e.paths_.db()));
    return e;
}

Result<ContainerRow> Engine::get(const std::string& name_or_id) {
    TRY_ASSIGN(auto row, db_.resolve(name_or_id));
    TRY(reconcile(row));
    return row;
}

Result<std::vector<ContainerRow>> Engine::list() {
    TRY_ASSIGN(auto rows, db_.list());
    for (auto& r : rows) TRY(reconcile(r));
    return rows;
}

Result<Engine::Locked> Engine::lock(const std::string& name_or_id) {
    TRY_ASSIGN(auto row, db_.resolve(name_or_id));
    TRY_ASSIGN(auto guard, lock_container(paths_, row.id));
    // Whoever held the lock before us may have changed or removed it.
    auto fresh = db_.get(row.id);
    if (!fresh.ok()) {
        guard.unlink_file();
        return Error(ENOENT, "No such container: " + name_or_id).without_errno_text();
    }
    TRY(reconcile(*fresh));
    return Locked{std::move(guard), std::move(*fresh)};
}

namespace {

// The monitor process of row is alive (a zombie under a subreaper is not).
bool monitor_alive(const ContainerRow& row) {
    if (row.monitor_pid <= 0) return false;
    auto st = sys::process_stat(row.monitor_pid);
    return st.ok() && st->start_time == row.monitor_start && st->state != 'Z' && st->state != 'X';
}

}  // namespace

Status Engine::reconcile(ContainerRow& row) {
    row.paused = false;
    if (row.status != "running" && row.status != "restarting") return {};
    if (monitor_alive(row)) {
        if (row.status == "running") {
            // Paused is the freezer's state, not a stored one, so a pause by
            // any tool (nook-runtime pause too) shows.
            auto rt = runtime_of(row);
            auto frozen = rt.ok() ? (*rt)->paused(row.id) : Result<bool>(false);
            row.paused = frozen.ok() && *frozen;
        }
        return {};
    }
    // The monitor is gone (kill -9, reboot: the runroot tmpfs is empty):
    // nobody will record the exit. Re-read first, as it may have finished
    // between our read and now.
    TRY_ASSIGN(row, db_.get(row.id));
    if ((row.status != "running" && row.status != "restarting") || monitor_alive(row)) return {};
    release_resources(row.id);
    row.status = "exited";
    row.exit_code = 255;
    row.pid = 0;
    row.finished_at = now_rfc3339_nano();
    row.error = "the container's monitor process died";
    return db_.update(row);
}

void Engine::release_resources(const std::string& id) {
    auto row = db_.get(id);
    if (auto rt = open_runtime(paths_, row.ok() ? row->runtime : ""); rt.ok())
        (void)(*rt)->remove(id);
    if (auto images = image::Store::open(paths_.root); images.ok())
        (void)image::unmount_rootfs(*images, id, paths_.rootfs(id));
    // A lazily detached leftover (or a copy-fallback bind) must not survive.
    if (sys::is_mount_point(paths_.rootfs(id))) (void)sys::unmount(paths_.rootfs(id));
}

Status Engine::purge(const std::string& id) {
    if (auto r = db_.get(id); r.ok()) events::emit(paths_, *r, "destroy");
    release_resources(id);
    if (auto images = image::Store::open(paths_.root); images.ok())
        (void)image::remove_container_rootfs(*images, id, paths_.rootfs(id));
    // The bundle holds the (now empty) rootfs mount point: it must not be a
    // mount any more, or remove_tree would refuse to cross into it.
    TRY(sys::remove_tree(paths_.bundle(id)).context("remove bundle of " + id));
    TRY(sys::remove_tree(paths_.data_dir(id)).context("remove data of " + id));
    TRY(db_.remove(id));
    // Waiters on the lock see the file gone and report the container missing.
    ::unlink(lock_path(paths_, id).c_str());
    return {};
}

Status Engine::remove(const std::string& name_or_id, bool force, bool volumes) {
    TRY_ASSIGN(auto locked, lock(name_or_id));
    ContainerRow& row = locked.row;
    json cfg = json::parse(row.config, nullptr, false);
    auto removed = [&]() -> Status {
        locked.lock.unlink_file();
        if (volumes && !cfg.is_discarded())
            TRY(remove_anonymous_volumes(paths_, cfg, row.id).context("rm -v " + row.name));
        return {};
    };
    if (row.status == "running" || row.status == "restarting") {
        if (!force) {
            std::string what = row.paused ? "container is paused and must be unpaused first"
                                          : "container is running: stop the container before "
                                            "removing or force remove";
            return invalid_input("cannot remove container \"/" + row.name + "\": " + what);
        }
        // Tell the monitor first that the user stops it: no restart.
        if (auto s = attach_socket(row.id); s.ok()) (void)send_watch_hello(s->get(), true);
        // Every process, thawing a paused one so SIGKILL is delivered. We
        // hold the lock: call the runtime, never a locking Engine verb.
        if (auto rt = runtime_of(row); rt.ok()) (void)(*rt)->kill(row.id, SIGKILL, true);
        // With --rm the monitor removes it after recording the exit: wait
        // for that rather than race it (two purges of one bundle), and take
        // its disappearance as success.
        const bool auto_remove = !cfg.is_discarded() &&
                                 cfg.value("HostConfig", json::object()).value("AutoRemove", false);
        for (int waited = 0;; waited += 20) {
            auto fresh = get(row.id);
            if (!fresh.ok() && fresh.error().code() == ENOENT) return removed();
            if (!fresh.ok()) return std::move(fresh).error();
            row = std::move(*fresh);
            const bool live = row.status == "running" || row.status == "restarting";
            if (!live && !(auto_remove && monitor_alive(row))) break;
            if (!live) {
                if (waited >= 30000) break;  // a monitor stuck in its purge: do it ourselves
                sys::sleep_ms(20);
                continue;
            }
            if (row.status == "restarting" && waited >= 2000 && monitor_alive(row))
                // Between two runs there is no process to kill: stop the
                // monitor itself; reconcile then records the exit.
                (void)sys::send_signal(row.monitor_pid, SIGKILL);
            if (waited >= 30000)
                return invalid_input("cannot remove container \"/" + row.name +
                                     "\": it did not stop after SIGKILL");
            sys::sleep_ms(20);
        }
    }
    TRY(purge(row.id));
    return removed();
}

Status Engine::rename(const std::string& name_or_id, const std::string& new_name) {
    TRY(validate_name(new_name));
    std::string n = new_name[0] == '/' ? new_name.substr(1) : new_name;
    TRY_ASSIGN(auto locked, lock(name_or_id));
    if (locked.row.name == n)
        return invalid_input("Renaming a container with the same name as its current name");
    TRY(db_.rename(locked.row.id, n));
    events::emit(paths_, locked.row, "rename", {{"name", n}, {"oldName", "/" + locked.row.name}});
    return {};
}

Result<json> Engine::inspect(const ContainerRow& row) {
    json cfg = json::parse(row.config, nullptr, false);
    if (cfg.is_discarded())
        return invalid_input("container " + row.id + ": stored config is not JSON");
    json c = cfg.value("Config", json::object());
    std::vector<std::string> cmd = command_of(c);
    json state = {{"Status", row.paused ? "paused" : row.status},
                  {"Running", row.status == "running"},
                  {"Paused", row.paused},
                  {"Restarting", row.status == "restarting"},
                  {"OOMKilled", row.oom_killed},
                  {"Dead", false},
                  {"Pid", row.pid},
                  {"ExitCode", row.exit_code},
                  {"Error", row.error},
                  {"StartedAt", row.started_at.empty() ? kZeroTime : row.started_at},
                  {"FinishedAt", row.finished_at.empty() ? kZeroTime : row.finished_at}};
    const std::string b = paths_.bundle(row.id);
    const json host = complete_host_config(cfg.value("HostConfig", json::object()));
    return json{{"Id", row.id},
                {"Created", row.created},
                {"Path", cmd.empty() ? "" : cmd[0]},
                {"Args", cmd.size() > 1 ? json(std::vector<std::string>(cmd.begin() + 1, cmd.end()))
                                        : json::array()},
                {"State", state},
                {"Image", row.image_id},
                {"ResolvConfPath", b + "/resolv.conf"},
                {"HostnamePath", b + "/hostname"},
                {"HostsPath", b + "/hosts"},
                {"LogPath", paths_.log(row.id)},
                {"Name", "/" + row.name},
                {"RestartCount", row.restart_count},
                {"Driver", "overlay2"},
                {"Platform", "linux"},
                {"MountLabel", ""},
                {"ProcessLabel", ""},
                {"AppArmorProfile", ""},
                {"ExecIDs", nullptr},
                {"HostConfig", host},
                {"GraphDriver", container_graph_driver(paths_, row)},
                {"Mounts", mounts_for_inspect(paths_, cfg, row.id)},
                {"Config", complete_container_config(c)},
                {"NetworkSettings", network_settings(host.value("NetworkMode", ""), row.pid)}};
}

}  // namespace nook::engine
