#include "runtime/cgroups/v2.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>

#include <sstream>
#include <thread>

#include "base/log.h"
#include "runtime/cgroups/hierarchy.h"
#include "runtime/cgroups/knob.h"
#include "sys/cgroupfs.h"
#include "sys/file.h"

namespace nook::runtime::cgroups {

Status V2Manager::create() {
    // Walk from the root: in each existing ancestor enable every controller
    // it offers for its children, then make the next level. The leaf itself
    // enables nothing (processes live there: "no internal processes").
    std::string rel = dir_.substr(root_.size());
    std::string cur = root_;
    size_t pos = 1;
    while (true) {
        TRY_ASSIGN(std::string avail, read_knob(cur, "cgroup.controllers"));
        TRY_ASSIGN(std::string enabled, read_knob(cur, "cgroup.subtree_control"));
        std::istringstream in(avail);
        for (std::string c; in >> c;) {
            if ((" " + enabled + " ").find(" " + c + " ") != std::string::npos) continue;
            auto st = write_knob(cur, "cgroup.subtree_control", "+" + c);
            // A parent with its own processes cannot delegate (EBUSY); the
            // missing files surface as errors when a limit needs them.
            if (!st.ok()) log::debug(st.error().what());
        }
        size_t next = rel.find('/', pos);
        cur = root_ + rel.substr(0, next);
        TRY(sys::mkdir_p(cur));
        if (next == std::string::npos) break;
        pos = next + 1;
    }
    return {};
}

Status V2Manager::add_process(pid_t pid) {
    return write_knob(dir_, "cgroup.procs", std::to_string(pid));
}

Result<UniqueFd> V2Manager::clone_into_fd() {
    return sys::open_file(dir_, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

Manager::JoinPlan V2Manager::join_plan(bool) {
    JoinPlan j;
    if (auto fd = clone_into_fd(); fd.ok())
        j.clone_into = std::move(*fd);
    else
        j.parent_attach = true;
    return j;
}

Status V2Manager::set_frozen(bool frozen) {
    TRY(write_knob(dir_, "cgroup.freeze", frozen ? "1" : "0"));
    // The write only starts freezing; cgroup.events says when it is done.
    for (int i = 0; i < 500; ++i) {
        TRY_ASSIGN(auto ev, read_keyed(dir_, "cgroup.events"));
        if ((ev["frozen"] == 1) == frozen) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Error(EBUSY,
                 "cgroup.events in " + dir_ + " did not report frozen " + (frozen ? "1" : "0"));
}

Status V2Manager::freeze() {
    return set_frozen(true);
}
Status V2Manager::thaw() {
    return set_frozen(false);
}

Result<bool> V2Manager::is_frozen() {
    TRY_ASSIGN(auto ev, read_keyed(dir_, "cgroup.events"));
    return ev["frozen"] == 1;
}

Result<std::vector<pid_t>> V2Manager::pids() {
    std::vector<pid_t> out;
    TRY(collect_pids(dir_, out));
    return out;
}

Status V2Manager::kill_all(int sig) {
    if (sig == SIGKILL && knob_exists(dir_, "cgroup.kill"))
        return write_knob(dir_, "cgroup.kill", "1");
    bool frozen = set_frozen(true).ok();
    auto list = pids();
    // An already removed cgroup has nothing left to signal.
    if (!list.ok() && list.error().code() == ENOENT) return {};
    Status st = list.ok() ? signal_pids(*list, sig) : Status(list.error());
    if (frozen) TRY(set_frozen(false));
    return st;
}

Result<UniqueFd> V2Manager::oom_event_fd() {
    return sys::inotify_watch(join(dir_, "memory.events"), IN_MODIFY);
}

Result<uint64_t> V2Manager::oom_kill_count() {
    TRY_ASSIGN(auto ev, read_keyed(dir_, "memory.events"));
    return ev["oom_kill"];
}

Status V2Manager::destroy() {
    return remove_cgroup_tree(dir_);
}

}  // namespace nook::runtime::cgroups
