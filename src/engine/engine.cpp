// Engine: creating, finding, inspecting and removing containers.
#include "engine/engine.h"

#include <fcntl.h>
#include <signal.h>

#include "engine/names.h"
#include "engine/times.h"
#include "image/images.h"
#include "image/snapshot.h"
#include "image/store.h"
#include "runtime/container_ops.h"
#include "sys/daemon.h"
#include "sys/file.h"
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

Status Engine::reconcile(ContainerRow& row) {
    if (row.status != "running" || row.monitor_pid <= 0) return {};
    // A dead monitor may linger as a zombie under a subreaper: not alive.
    auto alive = [&] {
        auto st = sys::process_stat(row.monitor_pid);
        return st.ok() && st->start_time == row.monitor_start && st->state != 'Z' &&
               st->state != 'X';
    };
    if (alive()) return {};
    // The monitor is gone: nobody will record the exit. Re-read first, as
    // it may have finished between our read and now.
    TRY_ASSIGN(row, db_.get(row.id));
    if (row.status != "running" || alive()) return {};
    release_resources(row.id);
    row.status = "exited";
    row.exit_code = 255;
    row.pid = 0;
    row.finished_at = now_rfc3339_nano();
    row.error = "the container's monitor process died";
    return db_.update(row);
}

void Engine::release_resources(const std::string& id) {
    auto store = runtime_store();
    if (store.exists(id)) (void)runtime::delete_container(store, id, true);
    if (auto images = image::Store::open(paths_.root); images.ok())
        (void)image::unmount_rootfs(*images, id, paths_.rootfs(id));
}

Status Engine::purge(const std::string& id) {
    release_resources(id);
    if (auto images = image::Store::open(paths_.root); images.ok())
        (void)image::remove_container_rootfs(*images, id, paths_.rootfs(id));
    // The bundle holds the (now empty) rootfs mount point: it must not be a
    // mount any more, or remove_tree would refuse to cross into it.
    TRY(sys::remove_tree(paths_.bundle(id)).context("remove bundle of " + id));
    TRY(sys::remove_tree(paths_.data_dir(id)).context("remove data of " + id));
    return db_.remove(id);
}

Status Engine::remove(const std::string& name_or_id, bool force) {
    TRY_ASSIGN(auto row, get(name_or_id));
    if (row.status == "running") {
        if (!force)
            return invalid_input("cannot remove container \"/" + row.name +
                                 "\": container is running: stop the container before "
                                 "removing or force remove");
        TRY(kill(row.id, SIGKILL));
        TRY_ASSIGN(row, wait_status_change(row.id, "running", 30000));
        if (row.status == "running")
            return invalid_input("cannot remove container \"/" + row.name +
                                 "\": it did not stop after SIGKILL");
    }
    return purge(row.id);
}

Result<json> Engine::inspect(const ContainerRow& row) {
    json cfg = json::parse(row.config, nullptr, false);
    if (cfg.is_discarded())
        return invalid_input("container " + row.id + ": stored config is not JSON");
    json c = cfg.value("Config", json::object());
    std::vector<std::string> cmd = command_of(c);
    json state = {{"Status", row.status},
                  {"Running", row.status == "running"},
                  {"Paused", false},
                  {"Restarting", false},
                  {"OOMKilled", row.oom_killed},
                  {"Dead", false},
                  {"Pid", row.pid},
                  {"ExitCode", row.exit_code},
                  {"Error", row.error},
                  {"StartedAt", row.started_at.empty() ? kZeroTime : row.started_at},
                  {"FinishedAt", row.finished_at.empty() ? kZeroTime : row.finished_at}};
    const std::string b = paths_.bundle(row.id);
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
                {"RestartCount", 0},
                {"Driver", "overlay"},
                {"Platform", "linux"},
                {"HostConfig", cfg.value("HostConfig", json::object())},
                {"Mounts", json::array()},
                {"Config", c}};
}

}  // namespace nook::engine
