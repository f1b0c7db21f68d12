// container prune, system df, system info and system prune (system.h).
#include "engine/views/system.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "engine/views/times.h"
#include "engine/volumes/volumes.h"
#include "image/images.h"
#include "image/store.h"
#include "runtime/cgroups/manager.h"

namespace nook::engine {

using json = nlohmann::json;

uint64_t container_size(const Paths& paths, const std::string& id) {
    return tree_size(paths.root + "/image/containers/" + id + "/upper");
}

Result<PruneReport> prune_containers(Engine& eng, const Filters& filters) {
    double until = -1;
    if (auto it = filters.find("until"); it != filters.end())
        for (auto& v : it->second) {
            TRY_ASSIGN(until, parse_time_arg(v, now_seconds()).context("until filter"));
        }
    PruneReport rep;
    TRY_ASSIGN(auto rows, eng.list());
    for (auto& r : rows) {
        if (r.status != "exited" && r.status != "created" && r.status != "dead") continue;
        if (until >= 0 && parse_rfc3339(r.created) >= until) continue;
        auto labels = container_labels(r);
        if (auto it = filters.find("label");
            it != filters.end() && !labels_match(it->second, labels))
            continue;
        if (auto it = filters.find("label!"); it != filters.end() && !it->second.empty()) {
            bool excluded = false;
            for (auto& w : it->second)
                if (labels_match({w}, labels)) excluded = true;
            if (excluded) continue;
        }
        uint64_t size = container_size(eng.paths(), r.id);
        auto st = eng.remove(r.id, false);
        if (!st.ok()) continue;  // started meanwhile, or removed by someone else
        rep.deleted.push_back(r.id);
        rep.reclaimed += size;
    }
    return rep;
}

Result<PruneReport> prune_images(Engine& eng, bool all) {
    PruneReport rep;
    TRY_ASSIGN(auto store, image::Store::open(eng.paths().root));
    TRY_ASSIGN(auto recs, store.list());
    TRY_ASSIGN(auto rows, eng.list());
    std::set<std::string> used;
    for (auto& r : rows) used.insert(r.image_id);
    for (auto& r : recs) {
        if (!r.repo_tags.empty() && !all) continue;
        if (used.count(r.id)) continue;
        auto users = store.containers_using(r.id);
        if (!users.ok() || !users->empty()) continue;
        TRY(store.remove_record(r.id));
        rep.deleted.push_back(r.id);
    }
    TRY_ASSIGN(int64_t freed, store.collect_garbage());
    rep.reclaimed = static_cast<uint64_t>(freed);
    return rep;
}

Result<PruneReport> prune_volumes(Engine& eng, bool all) {
    PruneReport rep;
    TRY_ASSIGN(auto rows, eng.list());
    TRY_ASSIGN(auto users, volume_users(rows));
    // The same rule as `volume prune` (anonymous ones only unless all).
    TRY_ASSIGN(auto pruned, prune_unused_volumes(eng.paths(), users, all, VolumePruneFilter{}));
    rep.deleted = std::move(pruned.deleted);
    rep.reclaimed = pruned.reclaimed;
    return rep;
}

namespace {

std::string os_name() {
    std::ifstream in("/etc/os-release");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = line.substr(12);
            if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
    return "Linux";
}

}  // namespace

Result<json> system_info(Engine& eng) {
    TRY_ASSIGN(auto rows, eng.list());
    int running = 0, paused = 0, stopped = 0;
    for (auto& r : rows) {
        if (r.status == "running" && r.paused)
            paused++;
        else if (r.status == "running" || r.status == "restarting")
            running++;
        else
            stopped++;
    }
    TRY_ASSIGN(auto store, image::Store::open(eng.paths().root));
    TRY_ASSIGN(auto images, store.list());
    auto layout = runtime::cgroups::detect_layout();
    const char* cg_version = layout.ok() && *layout == runtime::cgroups::Layout::v2 ? "2" : "1";
    utsname u{};
    ::uname(&u);
    std::string arch = u.machine;
    // The built-in runtime and the usual external ones found here; any
    // other binary works too, by path (--runtime /path/to/runtime).
    json runtimes = {{kBuiltinRuntime, {{"path", "(built-in)"}}}};
    for (const char* name : {"runc", "crun", "youki", "nook-runtime"})
        if (auto path = resolve_runtime_binary(name); path.ok()) runtimes[name] = {{"path", *path}};
    return json{{"Containers", rows.size()},
                {"ContainersRunning", running},
                {"ContainersPaused", paused},
                {"ContainersStopped", stopped},
                {"Images", images.size()},
                {"Driver", "overlay"},
                {"CgroupDriver", "cgroupfs"},
                {"CgroupVersion", cg_version},
                {"KernelVersion", u.release},
                {"OperatingSystem", os_name()},
                {"OSType", "linux"},
                {"Architecture", arch},
                {"NCPU", ::sysconf(_SC_NPROCESSORS_ONLN)},
                {"MemTotal", static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) *
                                 static_cast<int64_t>(::sysconf(_SC_PAGESIZE))},
                {"DockerRootDir", eng.paths().root},
                {"Name", u.nodename},
                {"ServerVersion", "0.1.0"},
                {"DefaultRuntime", kBuiltinRuntime},
                {"Runtimes", runtimes}};
}

Result<DiskUsage> disk_usage(Engine& eng) {
    DiskUsage du;
    TRY_ASSIGN(auto rows, eng.list());
    TRY_ASSIGN(auto store, image::Store::open(eng.paths().root));
    TRY_ASSIGN(auto images, store.list());
    std::map<std::string, int> users;
    for (auto& r : rows) users[r.image_id]++;
    DiskUsageRow ir{"Images", 0, 0, 0, 0};
    for (auto& i : images) {
        ir.total++;
        ir.size += static_cast<uint64_t>(i.size);
        if (users.count(i.id))
            ir.active++;
        else
            ir.reclaimable += static_cast<uint64_t>(i.size);
        du.images.push_back(
            {{"Repository", i.repo_tags.empty() ? "<none>" : image::familiar_tag(i.repo_tags[0])},
             {"ID", i.id},
             {"Size", i.size},
             {"Containers", users.count(i.id) ? users[i.id] : 0}});
    }
    DiskUsageRow cr{"Containers", 0, 0, 0, 0};
    for (auto& r : rows) {
        uint64_t size = container_size(eng.paths(), r.id);
        cr.total++;
        cr.size += size;
        bool active = r.status == "running" || r.status == "restarting";
        if (active)
            cr.active++;
        else
            cr.reclaimable += size;
        du.containers.push_back({{"ID", r.id},
                                 {"Image", r.image},
                                 {"Names", r.name},
                                 {"Size", size},
                                 {"State", container_state(r)},
                                 {"Status", status_text(r)}});
    }
    DiskUsageRow vr{"Local Volumes", 0, 0, 0, 0};
    TRY_ASSIGN(auto vusers, volume_users(rows));
    TRY_ASSIGN(auto vols, list_volumes(eng.paths()));
    for (auto& v : vols) {
        uint64_t size = tree_size(v.mountpoint);
        int links = vusers.count(v.name) ? static_cast<int>(vusers[v.name].size()) : 0;
        vr.total++;
        vr.size += size;
        if (links)
            vr.active++;
        else
            vr.reclaimable += size;
        du.volumes.push_back({{"Name", v.name}, {"Links", links}, {"Size", size}});
    }
    du.summary = {ir, cr, vr, DiskUsageRow{"Build Cache", 0, 0, 0, 0}};
    return du;
}

}  // namespace nook::engine
