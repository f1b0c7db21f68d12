// Helpers for the cgroup integration tests: find a container's cgroup
// directories from the outside (via /proc/<pid>/cgroup and the host's cgroup
// mounts) so the same assertions hold for nook-runtime and runc, whatever
// default cgroupsPath each picks.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace itest::cg {

// One cgroup filesystem mounted on the host.
struct CgroupMount {
    std::string mountpoint;
    std::string root;  // the mount's root inside the hierarchy ("/" normally)
    bool v2 = false;
    std::set<std::string> options;  // superblock options: controllers, name=...
};

inline std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> v;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep)) v.push_back(part);
    return v;
}

inline std::vector<CgroupMount> cgroup_mounts() {
    std::vector<CgroupMount> v;
    for (const auto& line : lines(read_file("/proc/self/mountinfo"))) {
        // Fields: id parent dev root mountpoint opts [optional...] - fstype source superopts
        size_t dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        std::istringstream head(line.substr(0, dash)), tail(line.substr(dash + 3));
        std::string id, parent, dev, root, mp, fstype, source, superopts;
        head >> id >> parent >> dev >> root >> mp;
        tail >> fstype >> source >> superopts;
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        CgroupMount m{mp, root, fstype == "cgroup2", {}};
        for (const auto& o : split(superopts, ',')) m.options.insert(o);
        v.push_back(m);
    }
    return v;
}

// True when the host mounts a v1 hierarchy carrying `controller`.
inline bool has_v1(const std::string& controller) {
    for (const auto& m : cgroup_mounts())
        if (!m.v2 && m.options.count(controller)) return true;
    return false;
}

// Every cgroup directory `pid` belongs to, one per hierarchy line of
// /proc/<pid>/cgroup; `controller` non-empty keeps only that v1 controller's.
inline std::vector<std::string> cgroup_dirs(int pid, const std::string& controller = "") {
    std::vector<std::string> dirs;
    const auto mounts = cgroup_mounts();
    for (const auto& line : lines(read_file("/proc/" + std::to_string(pid) + "/cgroup"))) {
        // hierarchy-id:controller-list:path
        size_t a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        const std::string ctrls = line.substr(a + 1, b - a - 1);
        const std::string path = line.substr(b + 1);
        const auto wanted = split(ctrls, ',');
        if (!controller.empty() &&
            std::find(wanted.begin(), wanted.end(), controller) == wanted.end())
            continue;
        for (const auto& m : mounts) {
            bool match = ctrls.empty() ? m.v2 : !m.v2;
            for (const auto& c : wanted) match = match && m.options.count(c);
            if (!match) continue;
            std::string rel = path;
            if (m.root != "/" && rel.rfind(m.root, 0) == 0) rel = rel.substr(m.root.size());
            dirs.push_back(m.mountpoint + (rel == "/" ? "" : rel));
            break;
        }
    }
    return dirs;
}

// The v1 `controller` directory of `pid`, "" when it has none.
inline std::string v1_dir(int pid, const std::string& controller) {
    auto d = cgroup_dirs(pid, controller);
    return d.empty() ? "" : d.front();
}

// A number read from a cgroup file, -1 when unreadable or not a number.
inline long long read_num(const std::string& path) {
    const std::string s = trim(read_file(path));
    if (s.empty()) return -1;
    try {
        return std::stoll(s);
    } catch (...) {
        return -1;
    }
}

// `key value` from a flat-keyed cgroup file (memory.oom_control, cpu.stat).
inline long long keyed(const std::string& path, const std::string& key) {
    for (const auto& line : lines(read_file(path))) {
        auto f = split(line, ' ');
        if (f.size() == 2 && f[0] == key) return std::stoll(f[1]);
    }
    return -1;
}

// Those of `dirs` that still exist.
inline std::string existing(const std::vector<std::string>& dirs) {
    std::string left;
    for (const auto& d : dirs)
        if (path_exists(d)) left += d + "\n";
    return left;
}

// Adds busybox applet links the shared harness does not create.
inline void add_applets(const Bundle& b, const std::vector<std::string>& names) {
    for (const auto& n : names) {
        const std::string link = b.rootfs() + "/bin/" + n;
        if (!path_exists(link)) std::filesystem::create_symlink("busybox", link);
    }
}

}  // namespace itest::cg
