#include "runtime/cgroups/v1.h"

#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <set>
#include <thread>

#include "runtime/cgroups/hierarchy.h"
#include "runtime/cgroups/knob.h"
#include "sys/cgroupfs.h"
#include "sys/file.h"
#include "sys/fs_extra.h"

namespace nook::runtime::cgroups {

const std::string* V1Manager::dir(const std::string& ctrl) const {
    auto it = dirs_.find(ctrl);
    return it == dirs_.end() ? nullptr : &it->second;
}

Result<std::string> V1Manager::require(const std::string& ctrl, const std::string& field) const {
    if (auto* d = dir(ctrl)) return *d;
    return Error(ENOTSUP, "linux.resources." + field + " needs the cgroup v1 \"" + ctrl +
                              "\" controller, which is not mounted");
}

std::vector<std::string> V1Manager::unique_dirs() const {
    std::set<std::string> seen;
    std::vector<std::string> out;
    for (auto& [c, d] : dirs_)
        if (seen.insert(d).second) out.push_back(d);
    return out;
}

namespace {

// A cpuset with cpus and mems set (it accepts tasks).
bool cpuset_filled(const std::string& p) {
    if (!sys::path_exists(p)) return false;
    for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
        auto cur = read_knob(p, f);
        if (!cur.ok() || cur->empty()) return false;
    }
    return true;
}

// One attempt at making cpuset dir d: every level below the first filled
// ancestor is made with a plain mkdir (not mkdir -p) and given its parent's
// cpus and mems. Returns false when a level vanished or came back empty under
// us: the last container's removal takes the shared parent (/nook) away, and
// mkdir -p would have silently made it again, empty (ENOSPC at join).
Result<bool> try_make_cpuset(const std::string& d) {
    std::vector<std::string> levels;
    for (std::string p = d; p.find('/', 1) != std::string::npos && !cpuset_filled(p);
         p = p.substr(0, p.find_last_of('/')))
        levels.insert(levels.begin(), p);
    for (auto& level : levels) {
        auto made = sys::mkdir_at(AT_FDCWD, level, 0755);
        if (!made.ok() && made.error().code() == ENOENT) return false;
        if (!made.ok() && made.error().code() != EEXIST) return made.error();
        std::string parent = level.substr(0, level.find_last_of('/'));
        for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
            auto cur = read_knob(level, f);
            if (!cur.ok()) return false;  // removed since the mkdir
            if (!cur->empty()) continue;
            auto from = read_knob(parent, f);
            if (!from.ok() || from->empty()) return false;
            auto wrote = write_knob(level, f, *from);
            if (!wrote.ok() && wrote.error().code() == ENOENT) return false;
            TRY(wrote);
        }
    }
    return true;
}

}  // namespace

// A new cpuset starts with empty cpus/mems and refuses tasks until they are
// set, so they are copied down from the first filled ancestor. Parallel
// creates and removals share the parent: retry while it moves under us.
Status V1Manager::make_cpuset(const std::string& d) const {
    for (int attempt = 0; attempt < 20; ++attempt) {
        TRY_ASSIGN(bool done, try_make_cpuset(d));
        if (done) return {};
    }
    return Error(EAGAIN, "make cpuset " + d + ": its parent kept changing").without_errno_text();
}

Status V1Manager::create() {
    auto cpuset = dir("cpuset");
    for (auto& d : unique_dirs()) {
        if (cpuset && d == *cpuset) {
            TRY(make_cpuset(d));
            continue;
        }
        TRY(sys::mkdir_p(d));
    }
    if (!unified_dir_.empty()) TRY(sys::mkdir_p(unified_dir_));
    return {};
}

Status V1Manager::add_process(pid_t pid) {
    for (auto& d : unique_dirs()) TRY(write_knob(d, "cgroup.procs", std::to_string(pid)));
    if (!unified_dir_.empty()) TRY(write_knob(unified_dir_, "cgroup.procs", std::to_string(pid)));
    return {};
}

Result<UniqueFd> V1Manager::clone_into_fd() {
    return Error(EOPNOTSUPP, std::string("CLONE_INTO_CGROUP needs cgroup v2; this host is ") +
                                 layout_name(layout()));
}

Manager::JoinPlan V1Manager::join_plan(bool can_self_attach) {
    JoinPlan j;
    if (!can_self_attach) {
        j.parent_attach = true;
        return j;
    }
    for (const auto& d : unique_dirs()) j.self_files.push_back(d + "/tasks");
    if (!unified_dir_.empty()) {
        auto fd = sys::open_file(unified_dir_, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd.ok())
            j.clone_into = std::move(*fd);
        else
            j.parent_attach = true;  // all hierarchies again: rare, only slower
    }
    return j;
}

Status V1Manager::set_freezer(const std::string& state) {
    auto* d = dir("freezer");
    if (!d)
        return Error(ENOTSUP, "pause needs the cgroup v1 freezer controller, which is not mounted");
    // FREEZING can linger while tasks are in uninterruptible sleep; rewrite
    // the state until the kernel reports it done (~5 s at most).
    for (int i = 0; i < 500; ++i) {
        TRY(write_knob(*d, "freezer.state", state));
        TRY_ASSIGN(std::string now, read_knob(*d, "freezer.state"));
        if (now == state) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Error(EBUSY, "freezer.state in " + *d + " did not reach " + state);
}

Status V1Manager::freeze() {
    return set_freezer("FROZEN");
}
Status V1Manager::thaw() {
    return set_freezer("THAWED");
}

Result<bool> V1Manager::is_frozen() {
    auto* d = dir("freezer");
    if (!d) return false;
    TRY_ASSIGN(std::string s, read_knob(*d, "freezer.state"));
    return s == "FROZEN";
}

Result<std::vector<pid_t>> V1Manager::pids() {
    std::vector<pid_t> out;
    const std::string* d = dir("freezer");
    if (!d) d = dir("pids");
    if (!d && !dirs_.empty()) d = &dirs_.begin()->second;
    if (!d) return out;
    TRY(collect_pids(*d, out));
    return out;
}

Status V1Manager::kill_all(int sig) {
    // Freeze first so nothing forks between listing and signalling.
    bool frozen = dir("freezer") && freeze().ok();
    auto list = pids();
    // An already removed cgroup has nothing left to signal.
    if (!list.ok() && list.error().code() == ENOENT) return {};
    Status st = list.ok() ? signal_pids(*list, sig) : Status(list.error());
    if (frozen) TRY(thaw());
    return st;
}

Result<UniqueFd> V1Manager::oom_event_fd() {
    TRY_ASSIGN(std::string mem, require("memory", "memory (OOM events)"));
    TRY_ASSIGN(UniqueFd efd, sys::make_eventfd());
    TRY_ASSIGN(UniqueFd ofd, sys::open_file(join(mem, "memory.oom_control"), O_RDONLY | O_CLOEXEC));
    // The kernel keeps its own reference; oom_control may be closed afterwards.
    TRY(write_knob(mem, "cgroup.event_control",
                   std::to_string(efd.get()) + " " + std::to_string(ofd.get())));
    return efd;
}

Result<uint64_t> V1Manager::oom_kill_count() {
    TRY_ASSIGN(std::string mem, require("memory", "memory (OOM count)"));
    TRY_ASSIGN(auto kv, read_keyed(mem, "memory.oom_control"));
    return kv["oom_kill"];
}

Status V1Manager::destroy() {
    Status first;
    auto dirs = unique_dirs();
    if (!unified_dir_.empty()) dirs.push_back(unified_dir_);
    for (auto& d : dirs) {
        auto st = remove_cgroup_tree(d);
        if (!st.ok() && first.ok()) first = st;
    }
    return first;
}

std::map<std::string, std::string> V1Manager::paths() const {
    auto out = dirs_;
    if (!unified_dir_.empty()) out["unified"] = unified_dir_;
    return out;
}

std::string rdma_limit_line(const std::string& dev, const oci::RdmaLimit& l) {
    auto v = [](const std::optional<uint32_t>& x) {
        return x ? std::to_string(*x) : std::string("max");
    };
    return dev + " hca_handle=" + v(l.hca_handles) + " hca_object=" + v(l.hca_objects);
}

}  // namespace nook::runtime::cgroups
