// Named volumes on disk: create, list, inspect, remove, prune (volumes.h).
#include "engine/volumes/volumes.h"
#include "engine/events/events.h"

#include <fcntl.h>
#include <time.h>

#include <filesystem>
#include <set>
#include <system_error>

#include "engine/store/names.h"
#include "engine/volumes/volume_spec.h"
#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/mount.h"

namespace nook::engine {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kMetaFile = "volume.json";

std::string vol_dir(const Paths& p, const std::string& name) {
    return volumes_dir(p) + "/" + name;
}

// docker's CreatedAt: RFC 3339 to the second, UTC.
std::string now_rfc3339() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t;
    gmtime_r(&ts.tv_sec, &t);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &t);
    return b;
}

// Held while a volume appears or disappears.
Result<UniqueFd> lock_store(const Paths& p) {
    return lock_volumes(p);
}

std::map<std::string, std::string> string_map(const json& j) {
    std::map<std::string, std::string> out;
    if (j.is_object())
        for (auto& [k, v] : j.items())
            if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

Result<Volume> read_volume(const Paths& p, const std::string& name) {
    const std::string dir = vol_dir(p, name);
    auto text = sys::read_file(dir + "/" + kMetaFile);
    if (!text.ok()) {
        if (text.error().code() == ENOENT)
            return Error(ENOENT, "get " + name + ": no such volume").without_errno_text();
        return std::move(text).error();
    }
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return invalid_input("volume " + name + ": " + dir + "/" + kMetaFile + " is not JSON");
    Volume v;
    v.name = name;
    v.mountpoint = dir + "/_data";
    v.created_at = j.value("CreatedAt", "");
    v.labels = string_map(j.value("Labels", json::object()));
    v.options = string_map(j.value("Options", json::object()));
    return v;
}

}  // namespace

std::string volumes_dir(const Paths& paths) {
    return paths.root + "/volumes";
}

Result<UniqueFd> lock_volumes(const Paths& p) {
    TRY(sys::mkdir_p(volumes_dir(p), 0700));
    TRY_ASSIGN(auto fd,
               sys::open_file(volumes_dir(p) + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    TRY(sys::lock_fd(fd.get(), true));
    return fd;
}

Result<std::string> random_volume_name() {
    return new_container_id();  // 64 hex from the kernel's random pool, as docker's
}

Result<Volume> create_volume(const Paths& p, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
    if (!valid_volume_name(name))
        return invalid_input("create " + name +
                             ": includes invalid characters for a local volume name, only "
                             "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed");
    TRY_ASSIGN(auto lock, lock_store(p));
    auto existing = read_volume(p, name);
    if (existing.ok() || existing.error().code() != ENOENT) return existing;
    // Made under a temporary name, then renamed: never seen half-made. A
    // leftover from a crash is replaced.
    const std::string tmp = volumes_dir(p) + "/.tmp-" + name;
    TRY(sys::remove_tree(tmp).context("volume " + name));
    TRY(sys::mkdir_p(tmp + "/_data", 0755));
    Volume v;
    v.name = name;
    v.mountpoint = vol_dir(p, name) + "/_data";
    v.created_at = now_rfc3339();
    v.labels = labels;
    json meta = {{"Name", name},
                 {"Driver", "local"},
                 {"Mountpoint", v.mountpoint},
                 {"CreatedAt", v.created_at},
                 {"Labels", labels},
                 {"Options", json::object()}};
    TRY(sys::write_file_atomic(tmp + "/" + kMetaFile, meta.dump(), 0600, true));
    std::error_code ec;
    fs::rename(tmp, vol_dir(p, name), ec);
    if (ec) return Error(ec.value(), "create volume " + name + ": rename " + tmp);
    events::emit(p, "volume", "create", name, {{"driver", "local"}});
    return v;
}

Result<Volume> get_volume(const Paths& p, const std::string& name) {
    if (!valid_volume_name(name))
        return Error(ENOENT, "get " + name + ": no such volume").without_errno_text();
    return read_volume(p, name);
}

Result<std::vector<Volume>> list_volumes(const Paths& p) {
    std::vector<Volume> out;
    std::error_code ec;
    if (!fs::exists(volumes_dir(p), ec)) return out;
    std::set<std::string> names;
    for (auto it = fs::directory_iterator(volumes_dir(p), ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string n = it->path().filename();
        if (valid_volume_name(n)) names.insert(n);
    }
    if (ec) return Error(ec.value(), "list " + volumes_dir(p));
    for (auto& n : names) {
        auto v = read_volume(p, n);
        // Vanished since the listing (a concurrent rm): not listed.
        if (!v.ok() && v.error().code() == ENOENT) continue;
        if (!v.ok()) return std::move(v).error();
        out.push_back(std::move(*v));
    }
    return out;
}

Status remove_volume(const Paths& p, const std::string& name) {
    TRY(get_volume(p, name));
    TRY_ASSIGN(auto lock, lock_store(p));
    // Renamed away first so a reader never sees a half-removed volume.
    const std::string gone = volumes_dir(p) + "/.rm-" + name;
    TRY(sys::remove_tree(gone).context("remove volume " + name));
    std::error_code ec;
    fs::rename(vol_dir(p, name), gone, ec);
    if (ec) return Error(ec.value(), "remove volume " + name);
    events::emit(p, "volume", "destroy", name, {{"driver", "local"}});
    return sys::remove_tree(gone).context("remove volume " + name);
}

json volume_to_json(const Volume& v) {
    return json{{"CreatedAt", v.created_at},
                {"Driver", "local"},
                {"Labels", v.labels},
                {"Mountpoint", v.mountpoint},
                {"Name", v.name},
                {"Options", v.options},
                {"Scope", "local"}};
}

std::vector<std::string> container_volume_names(const json& container_config,
                                                const std::string& id_in) {
    std::string id = id_in.empty() ? container_config.value("Id", "") : id_in;
    std::vector<std::string> out;
    auto mounts = collect_mounts(container_config, id);
    if (!mounts.ok()) return out;
    for (auto& m : *mounts)
        if (m.type == "volume" && (!m.anonymous || !id.empty())) out.push_back(m.source);
    return out;
}

Result<std::map<std::string, std::vector<std::string>>> volume_users(
    const std::vector<ContainerRow>& rows) {
    std::map<std::string, std::vector<std::string>> users;
    for (auto& r : rows) {
        json cfg = json::parse(r.config, nullptr, false);
        if (cfg.is_discarded()) continue;
        for (auto& n : container_volume_names(cfg, r.id)) users[n].push_back(r.id);
    }
    return users;
}

Status remove_anonymous_volumes(const Paths& paths, const json& container_config) {
    return remove_anonymous_volumes(paths, container_config, "");
}

Status remove_anonymous_volumes(const Paths& paths, const json& container_config,
                                const std::string& id_in) {
    std::string id = id_in.empty() ? container_config.value("Id", "") : id_in;
    if (id.empty()) return invalid_input("remove anonymous volumes: the container's Id is missing");
    TRY_ASSIGN(auto mounts, collect_mounts(container_config, id));
    for (auto& m : mounts) {
        if (m.type != "volume" || !m.anonymous) continue;
        auto st = remove_volume(paths, m.source);
        if (!st.ok() && st.error().code() != ENOENT) return st;
    }
    return {};
}

json mounts_for_inspect(const Paths& paths, const json& container_config) {
    return mounts_for_inspect(paths, container_config, "");
}

json mounts_for_inspect(const Paths& paths, const json& container_config,
                        const std::string& id_in) {
    std::string id = id_in.empty() ? container_config.value("Id", "") : id_in;
    json out = json::array();
    auto mounts = collect_mounts(container_config, id);
    if (!mounts.ok()) return out;
    for (auto& m : *mounts) {
        if (m.from_tmpfs_flag) continue;  // docker lists --tmpfs under HostConfig.Tmpfs only
        json e;
        e["Type"] = m.type;
        if (m.type == "volume") {
            e["Name"] = m.source;
            e["Source"] = vol_dir(paths, m.source) + "/_data";
            e["Destination"] = m.target;
            e["Driver"] = "local";
            e["Mode"] = m.mode.empty() ? "z" : m.mode;
            e["RW"] = !m.readonly;
            e["Propagation"] = "";
        } else if (m.type == "bind") {
            e["Source"] = m.source;
            e["Destination"] = m.target;
            e["Mode"] = m.mode;
            e["RW"] = !m.readonly;
            e["Propagation"] = m.propagation.empty() ? "rprivate" : m.propagation;
        } else {
            e["Source"] = "";
            e["Destination"] = m.target;
            e["Mode"] = "";
            e["RW"] = !m.readonly;
            e["Propagation"] = "";
        }
        out.push_back(e);
    }
    return out;
}

uint64_t tree_size(const std::string& dir) {
    uint64_t total = 0;
    std::set<std::pair<uint64_t, uint64_t>> seen;  // (dev, ino) of hard-linked files
    std::error_code ec;
    auto opts = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(dir, opts, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto st = it->symlink_status(ec);
        if (ec || !fs::is_regular_file(st)) continue;
        if (it->hard_link_count(ec) > 1) {
            auto s = sys::stat_path(it->path());
            if (s.ok() && !seen.insert({s->st_dev, s->st_ino}).second) continue;
        }
        auto n = it->file_size(ec);
        if (!ec) total += n;
    }
    return total;
}

namespace {

bool volume_label_match(const std::string& want, const std::map<std::string, std::string>& labels) {
    size_t eq = want.find('=');
    auto it = labels.find(want.substr(0, eq));
    return it != labels.end() && (eq == std::string::npos || it->second == want.substr(eq + 1));
}

}  // namespace

Result<VolumePruneFilter> parse_volume_prune_filters(const std::vector<std::string>& flags) {
    VolumePruneFilter f;
    for (const auto& flag : flags) {
        size_t eq = flag.find('=');
        std::string key = flag.substr(0, eq);
        std::string val = eq == std::string::npos ? "" : flag.substr(eq + 1);
        if (eq == std::string::npos || key.empty())
            return invalid_input("--filter " + flag +
                                 ": bad format of filter (expected name=value)");
        if ((key == "label" || key == "label!") && (val.empty() || val[0] == '='))
            return invalid_input("--filter " + flag + ": missing label key");
        if (key == "label") {
            f.labels.push_back(val);
        } else if (key == "label!") {
            f.not_labels.push_back(val);
        } else if (key == "all") {
            if (val != "true" && val != "false" && val != "1" && val != "0")
                return invalid_input("--filter " + flag + ": invalid filter 'all=" + val + "'");
            f.all = f.all || val == "true" || val == "1";
        } else {
            return invalid_input("--filter " + flag + ": invalid filter '" + key +
                                 "' (volume prune takes label, label! and all)");
        }
    }
    return f;
}

Result<VolumePruneReport> prune_unused_volumes(
    const Paths& paths, const std::map<std::string, std::vector<std::string>>& users, bool all,
    const VolumePruneFilter& filter) {
    TRY_ASSIGN(auto vols, list_volumes(paths));
    VolumePruneReport rep;
    for (auto& v : vols) {
        if (auto u = users.find(v.name); u != users.end() && !u->second.empty()) continue;
        // docker >= 23: named volumes only with --all (or the all filter).
        if (!all && !filter.all && !v.anonymous()) continue;
        bool keep = false;
        for (auto& l : filter.labels) keep = keep || !volume_label_match(l, v.labels);
        for (auto& l : filter.not_labels) keep = keep || volume_label_match(l, v.labels);
        if (keep) continue;
        uint64_t size = tree_size(v.mountpoint);
        auto st = remove_volume(paths, v.name);
        if (!st.ok()) {
            // Gone meanwhile (a concurrent rm/prune): nothing to report.
            if (st.error().code() != ENOENT) rep.errors.push_back(std::move(st).error());
            continue;
        }
        rep.deleted.push_back(v.name);
        rep.reclaimed += size;
    }
    return rep;
}

}  // namespace nook::engine
