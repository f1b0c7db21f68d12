// Picking the back-end: probe the host layout, resolve linux.cgroupsPath on
// every hierarchy, and build the manager.
#include <linux/magic.h>

#include <mutex>

#include "runtime/cgroups/hierarchy.h"
#include "runtime/cgroups/manager.h"
#include "runtime/cgroups/v1.h"
#include "runtime/cgroups/v2.h"
#include "sys/cgroupfs.h"

namespace nook::runtime::cgroups {
namespace {

constexpr const char* kRoot = "/sys/fs/cgroup";

Result<Layout> probe(const std::string& root) {
    TRY_ASSIGN(int64_t magic, sys::fs_magic(root));
    if (magic == CGROUP2_SUPER_MAGIC) return Layout::v2;
    if (magic != TMPFS_MAGIC)
        return Error(ENOTSUP, root + " is neither cgroup2 nor a tmpfs of v1 hierarchies");
    auto unified = sys::fs_magic(root + "/unified");
    if (unified.ok() && *unified == CGROUP2_SUPER_MAGIC) return Layout::hybrid;
    return Layout::v1;
}

}  // namespace

const char* layout_name(Layout l) {
    switch (l) {
        case Layout::v1:
            return "cgroup v1";
        case Layout::v2:
            return "cgroup v2";
        case Layout::hybrid:
            return "hybrid cgroup v1+v2";
    }
    return "?";
}

Result<Layout> detect_layout() {
    static std::once_flag once;
    static Result<Layout> cached = Error(0, "unset");
    std::call_once(once, [] { cached = probe(kRoot); });
    return cached;
}

Result<std::unique_ptr<Manager>> make_manager_for(Layout layout, const std::string& root,
                                                  const std::string& cgroups_path,
                                                  const std::string& container_id) {
    TRY_ASSIGN(ParsedPath p, parse_cgroups_path(cgroups_path, container_id));
    auto under = [&](const std::string& mount,
                     const std::vector<std::string>& ctrls) -> Result<std::string> {
        if (!p.relative) return mount + p.path;
        TRY_ASSIGN(std::string own, own_cgroup(ctrls));
        if (own == "/") own.clear();
        return mount + own + p.path;
    };
    if (layout == Layout::v2) {
        TRY_ASSIGN(std::string dir, under(root, {}));
        return std::unique_ptr<Manager>(new V2Manager(root, dir));
    }
    TRY_ASSIGN(auto mounts, v1_mounts(root));
    if (mounts.empty()) return Error(ENOENT, "no cgroup v1 hierarchies mounted under " + root);
    std::map<std::string, std::string> dirs;
    for (auto& m : mounts) {
        TRY_ASSIGN(std::string dir, under(m.mountpoint, m.controllers));
        for (auto& c : m.controllers) dirs[c] = dir;
    }
    std::string uroot, udir;
    if (layout == Layout::hybrid) {
        uroot = root + "/unified";
        TRY_ASSIGN(udir, under(uroot, {}));
    }
    return std::unique_ptr<Manager>(new V1Manager(std::move(dirs), uroot, udir));
}

Result<std::unique_ptr<Manager>> make_manager(const std::string& cgroups_path,
                                              const std::string& container_id) {
    TRY_ASSIGN(Layout layout, detect_layout());
    return make_manager_for(layout, kRoot, cgroups_path, container_id);
}

}  // namespace nook::runtime::cgroups
