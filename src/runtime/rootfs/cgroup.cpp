// cgroup mounts inside the container, shaped like runc's:
//  - cgroup v2 host: one cgroup2 mount (new cgroup ns) or a bind of the
//    container's own cgroup directory (no cgroup ns, so the host tree stays hidden);
//  - v1/hybrid host: a tmpfs at the destination with one mount per hierarchy
//    the process belongs to (per /proc/self/cgroup at this moment), plus
//    "cpu -> cpu,cpuacct" style symlinks for co-mounted controllers.
#include <fcntl.h>
#include <sys/mount.h>

#include <sstream>
#include <vector>

#include "runtime/rootfs/mounts.h"
#include "sys/file.h"
#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

struct Hierarchy {
    std::string controllers;  // "cpu,cpuacct", "name=systemd", "" for the v2 unified one
    std::string path;         // the process's cgroup in it
};

struct CgroupMountPoint {
    std::string root;         // mountinfo field 4: the cgroup shown at the mount point
    std::string mount_point;  // field 5
    std::string fstype;
    std::string super_opts;
};

Result<std::vector<Hierarchy>> own_hierarchies() {
    TRY_ASSIGN(std::string text, sys::read_file("/proc/self/cgroup"));
    std::vector<Hierarchy> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        size_t a = line.find(':');
        size_t b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        out.push_back({line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

Result<std::vector<CgroupMountPoint>> host_cgroup_mounts() {
    TRY_ASSIGN(std::string text, sys::read_file("/proc/self/mountinfo"));
    std::vector<CgroupMountPoint> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::vector<std::string> fields;
        for (std::string w; f >> w;) fields.push_back(w);
        size_t dash = 0;
        while (dash < fields.size() && fields[dash] != "-") ++dash;
        if (dash < 6 || dash + 3 >= fields.size()) continue;
        const std::string& type = fields[dash + 1];
        if (type != "cgroup" && type != "cgroup2") continue;
        out.push_back({unescape(fields[3]), unescape(fields[4]), type, fields[dash + 3]});
    }
    return out;
}

bool contains_all(const std::string& super_opts, const std::string& controllers) {
    std::string opts = "," + super_opts + ",";
    std::istringstream in(controllers);
    for (std::string c; std::getline(in, c, ',');)
        if (opts.find("," + c + ",") == std::string::npos) return false;
    return true;
}

// The host's mount of hierarchy h, if it has one.
const CgroupMountPoint* host_mount(const std::vector<CgroupMountPoint>& mounts,
                                   const Hierarchy& h) {
    const CgroupMountPoint* best = nullptr;
    for (const auto& m : mounts) {
        bool v2 = h.controllers.empty();
        if (v2 != (m.fstype == "cgroup2")) continue;
        if (!v2 && !contains_all(m.super_opts, h.controllers)) continue;
        // A later mount on the same point covers the earlier one; the
        // canonical /sys/fs/cgroup wins over any other place.
        if (!best || m.mount_point == best->mount_point ||
            (m.mount_point == "/sys/fs/cgroup" && best->mount_point != m.mount_point))
            best = &m;
    }
    return best;
}

// The host directory of the process's cgroup in hierarchy h.
Result<std::string> host_dir(const std::vector<CgroupMountPoint>& mounts, const Hierarchy& h) {
    const CgroupMountPoint* m = host_mount(mounts, h);
    if (m && m->root == "/") return m->mount_point + (h.path == "/" ? "" : h.path);
    if (m && h.path == m->root) return m->mount_point;
    if (m && h.path.compare(0, m->root.size() + 1, m->root + "/") == 0)
        return m->mount_point + h.path.substr(m->root.size());
    return Error(ENOENT,
                 "no host mount of cgroup hierarchy \"" + h.controllers + "\" showing " + h.path);
}

// m.options without data options: what the per-hierarchy mounts inherit.
std::vector<std::string> flag_options(const std::vector<std::string>& options, bool keep_ro) {
    std::vector<std::string> out;
    for (const auto& o : options) {
        if (!keep_ro && (o == "ro" || o == "rw")) continue;
        if (parse_mount_options({o}).data.empty()) out.push_back(o);
    }
    return out;
}

Status mount_hierarchy(const Ctx& ctx, const oci::Mount& m, const Hierarchy& h,
                       const std::vector<CgroupMountPoint>& host_mounts, const std::string& dest) {
    oci::Mount sub;
    sub.destination = dest;
    sub.options = flag_options(m.options, true);
    if (ctx.opts.new_cgroup_namespace) {
        // In its own cgroup ns a fresh mount shows the container's cgroup as root.
        sub.type = h.controllers.empty() ? "cgroup2" : "cgroup";
        sub.source = sub.type;
        if (!h.controllers.empty()) {
            bool named_only = h.controllers.rfind("name=", 0) == 0;
            sub.options.push_back(named_only ? "none," + h.controllers : h.controllers);
        }
        return mount_filesystem(ctx, sub, parse_mount_options(sub.options));
    }
    TRY_ASSIGN(sub.source, host_dir(host_mounts, h));
    sub.type = "bind";
    sub.options.push_back("rbind");
    return mount_bind(ctx, sub, parse_mount_options(sub.options));
}

Status mount_v1(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo) {
    TRY_ASSIGN(auto hierarchies, own_hierarchies());
    TRY_ASSIGN(auto host_mounts, host_cgroup_mounts());
    oci::Mount tmpfs{m.destination, "tmpfs", "tmpfs", flag_options(m.options, false)};
    tmpfs.options.push_back("mode=755");
    TRY(mount_filesystem(ctx, tmpfs, parse_mount_options(tmpfs.options)));
    std::string base = clean_path(m.destination);
    for (const auto& h : hierarchies) {
        // Like runc, only hierarchies the host has mounted are shown.
        if (!host_mount(host_mounts, h)) continue;
        std::string dir = h.controllers.empty() ? "unified" : h.controllers;
        if (dir.rfind("name=", 0) == 0) dir = dir.substr(5);
        TRY(mount_hierarchy(ctx, m, h, host_mounts, base + "/" + dir));
        if (dir.find(',') == std::string::npos) continue;
        TRY_ASSIGN(Resolved parent, resolve_in_root(ctx.root_fd, base, Create::kNone));
        std::istringstream in(dir);
        for (std::string c; std::getline(in, c, ',');) {
            auto st = sys::symlinkat(dir, parent.fd.get(), c);
            if (!st.ok() && st.error().code() != EEXIST)
                return std::move(st).context("mount " + m.destination);
        }
    }
    if (!(mo.flags & MS_RDONLY)) return {};
    // The tmpfs was mounted writable so it could be populated; seal it now.
    TRY_ASSIGN(Resolved top, resolve_in_root(ctx.root_fd, base, Create::kNone));
    return remount_bind(sys::fd_path(top.fd.get()), mo.flags & ~(MS_BIND | MS_REC), m.destination);
}

}  // namespace

Status mount_cgroup(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo) {
    if (ctx.opts.before_cgroup_mount) TRY(ctx.opts.before_cgroup_mount());
    TRY_ASSIGN(UniqueFd host, sys::open_file("/sys/fs/cgroup", O_PATH | O_DIRECTORY));
    TRY_ASSIGN(int64_t magic, sys::fs_magic(host.get()));
    if (magic != sys::kCgroup2SuperMagic)
        return std::move(mount_v1(ctx, m, mo)).context("cgroup v1 mount " + m.destination);
    Hierarchy own{"", "/"};
    TRY_ASSIGN(auto hierarchies, own_hierarchies());
    for (const auto& h : hierarchies)
        if (h.controllers.empty()) own = h;
    TRY_ASSIGN(auto host_mounts, host_cgroup_mounts());
    return std::move(mount_hierarchy(ctx, m, own, host_mounts, m.destination))
        .context("cgroup2 mount " + m.destination);
}

}  // namespace nook::runtime::rootfs
