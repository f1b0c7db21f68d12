#include "runtime/cgroups/hierarchy.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <thread>

#include "base/log.h"
#include "runtime/cgroups/knob.h"
#include "sys/cgroupfs.h"
#include "sys/file.h"
#include "sys/process.h"

namespace nook::runtime::cgroups {
namespace {

const std::set<std::string> kV1Controllers = {
    "cpu",      "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls",
    "net_prio", "blkio",   "perf_event", "hugetlb", "pids",    "rdma",    "misc"};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

Result<std::vector<V1Mount>> v1_mounts(const std::string& root) {
    TRY_ASSIGN(std::string info, sys::read_file("/proc/self/mountinfo"));
    std::vector<V1Mount> out;
    std::istringstream in(info);
    std::string line;
    while (std::getline(in, line)) {
        // "id parent maj:min root mountpoint opts [optional...] - fstype source superopts"
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto pre = split(line.substr(0, dash), ' ');
        auto post = split(line.substr(dash + 3), ' ');
        if (pre.size() < 5 || post.size() < 3 || post[0] != "cgroup") continue;
        const std::string& mp = pre[4];
        if (mp.rfind(root + "/", 0) != 0) continue;
        V1Mount m{mp, {}};
        for (auto& opt : split(post[2], ','))
            if (kV1Controllers.count(opt) || opt.rfind("name=", 0) == 0)
                m.controllers.push_back(opt);
        if (!m.controllers.empty()) out.push_back(std::move(m));
    }
    return out;
}

Result<std::string> own_cgroup(const std::vector<std::string>& controllers) {
    TRY_ASSIGN(std::string text, sys::read_file("/proc/self/cgroup"));
    auto want = sorted(controllers);
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto c1 = line.find(':');
        auto c2 = line.find(':', c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) continue;
        std::string ctrls = line.substr(c1 + 1, c2 - c1 - 1);
        auto have = ctrls.empty() ? std::vector<std::string>{} : sorted(split(ctrls, ','));
        if (have == want) return line.substr(c2 + 1);
    }
    std::string name;
    for (auto& c : controllers) name += (name.empty() ? "" : ",") + c;
    return Error(ENOENT, "no entry for cgroup hierarchy \"" + name + "\" in /proc/self/cgroup");
}

Result<ParsedPath> parse_cgroups_path(const std::string& cgroups_path, const std::string& id) {
    if (std::count(cgroups_path.begin(), cgroups_path.end(), ':') == 2)
        return invalid_input("linux.cgroupsPath \"" + cgroups_path +
                             "\": systemd cgroup paths are not supported yet");
    ParsedPath p;
    std::string raw = cgroups_path.empty() ? "/nook/" + id : cgroups_path;
    p.relative = raw[0] != '/';
    for (auto& part : split(raw, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..")
            return invalid_input("linux.cgroupsPath \"" + cgroups_path +
                                 "\": \"..\" is not allowed");
        p.path += "/" + part;
    }
    if (p.path.empty())
        return invalid_input("linux.cgroupsPath \"" + cgroups_path + "\": names the root cgroup");
    return p;
}

Status collect_pids(const std::string& dir, std::vector<pid_t>& out) {
    TRY_ASSIGN(std::string procs, sys::read_file(join(dir, "cgroup.procs")));
    std::istringstream in(procs);
    long pid;
    while (in >> pid) out.push_back(static_cast<pid_t>(pid));
    TRY_ASSIGN(auto subs, sys::list_subdirs(dir));
    for (auto& s : subs) TRY(collect_pids(join(dir, s), out));
    return {};
}

Status remove_cgroup_tree(const std::string& dir) {
    if (!sys::path_exists(dir)) return {};
    auto subs = sys::list_subdirs(dir);
    if (subs.ok())
        for (auto& s : *subs) TRY(remove_cgroup_tree(join(dir, s)));
    Status last;
    for (int attempt = 0; attempt < 200; ++attempt) {
        last = sys::remove_dir(dir);
        if (last.ok() || last.error().code() == ENOENT) return {};
        if (last.error().code() != EBUSY) return last;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return last;
}

std::vector<std::string> hugepage_sizes() {
    std::vector<std::string> out;
    auto dirs = sys::list_subdirs("/sys/kernel/mm/hugepages");
    if (!dirs.ok()) return out;
    for (auto& name : *dirs) {
        // "hugepages-2048kB" -> "2MB"
        if (name.rfind("hugepages-", 0) != 0) continue;
        uint64_t kb = std::strtoull(name.c_str() + 10, nullptr, 10);
        if (kb >= 1024 * 1024)
            out.push_back(std::to_string(kb / 1024 / 1024) + "GB");
        else if (kb >= 1024)
            out.push_back(std::to_string(kb / 1024) + "MB");
        else
            out.push_back(std::to_string(kb) + "KB");
    }
    return out;
}

Status signal_pids(const std::vector<pid_t>& pids, int sig) {
    for (pid_t p : pids) {
        auto st = sys::send_signal(p, sig);
        if (!st.ok() && st.error().code() != ESRCH) return st;
    }
    return {};
}

}  // namespace nook::runtime::cgroups
