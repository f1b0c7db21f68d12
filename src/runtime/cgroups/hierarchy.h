// Host discovery shared by the back-ends: which v1 hierarchies are mounted
// (and with which controllers), the caller's own cgroups (for relative
// cgroupsPath), and common directory operations on cgroup trees.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace nook::runtime::cgroups {

struct V1Mount {
    std::string mountpoint;
    std::vector<std::string> controllers;  // "cpu", "cpuacct", ... or "name=systemd"
};

// v1 hierarchies mounted below root (from /proc/self/mountinfo).
Result<std::vector<V1Mount>> v1_mounts(const std::string& root);

// The caller's cgroup on the hierarchy with the given controllers (v1), or the
// unified one when controllers is empty (from /proc/self/cgroup).
Result<std::string> own_cgroup(const std::vector<std::string>& controllers);

// Checks cgroupsPath and returns {relative?, normalised path starting with "/"}.
struct ParsedPath {
    bool relative = false;
    std::string path;
};
Result<ParsedPath> parse_cgroups_path(const std::string& cgroups_path, const std::string& id);

// Recursively collect the pids in dir and its sub-cgroups.
Status collect_pids(const std::string& dir, std::vector<pid_t>& out);
// rmdir dir and its sub-cgroups, deepest first, retrying EBUSY for ~2 s while
// dying processes leave. An absent dir is success.
Status remove_cgroup_tree(const std::string& dir);
// Huge page sizes of this kernel in cgroup file notation ("2MB", "1GB").
std::vector<std::string> hugepage_sizes();
// Signal every pid of the tree; ESRCH (already gone) is not an error.
Status signal_pids(const std::vector<pid_t>& pids, int sig);

}  // namespace nook::runtime::cgroups
