// HostConfig storage -> mounts (binds, volumes, tmpfs), read-only rootfs,
// devices and --init. Runs in the monitor at every start, with the
// container's rootfs mounted: named and anonymous volumes are created on
// first use here and, while still empty, filled from the image (copy-up).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/spec/spec_parts.h"
#include "engine/spec/userns.h"
#include "engine/volumes/volume_spec.h"
#include "engine/volumes/volumes.h"
#include "sys/copy_tree.h"
#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/mount.h"

namespace nook::engine {

namespace {

using json = nlohmann::json;

// Where --init's binary appears in the container: docker's path, so tools
// that look for it find it.
constexpr const char* kInitTarget = "/sbin/docker-init";

bool dir_is_empty(const std::string& dir) {
    std::error_code ec;
    return std::filesystem::is_empty(dir, ec) && !ec;
}

// docker's copy-up: a volume still empty gets what the image has at target
// (contents, and the directory's own mode and owner). Nothing there, or not
// a directory: nothing to copy.
Status copy_up(const std::string& rootfs, const std::string& target, const std::string& data) {
    if (!dir_is_empty(data)) return {};
    TRY_ASSIGN(auto root, sys::open_file(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    // Resolved inside the rootfs: an image's symlink cannot reach the host.
    auto src = sys::open_in_root(root.get(), target, O_RDONLY | O_DIRECTORY);
    if (!src.ok()) {
        int e = src.error().code();
        if (e == ENOENT || e == ENOTDIR) return {};
        return std::move(src).error();
    }
    TRY_ASSIGN(auto dst, sys::open_file(data, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    TRY_ASSIGN(auto st, sys::fstat_fd(src->get(), target));
    TRY(sys::copy_tree(src->get(), dst.get(), target));
    TRY(sys::chown_fd(dst.get(), st.st_uid, st.st_gid));
    TRY(sys::chmod_fd(dst.get(), st.st_mode & 07777));
    return {};
}

oci::Mount bind_mount(const std::string& src, const MountSpec& m) {
    oci::Mount o;
    o.destination = m.target;
    o.source = src;
    o.type = "bind";
    o.options = {"rbind", m.readonly ? "ro" : "rw",
                 m.propagation.empty() ? "rprivate" : m.propagation};
    return o;
}

}  // namespace

Result<Volume> ensure_volume(const Paths& paths, const MountSpec& m,
                             const std::optional<sys::IdRange>& userns) {
    std::map<std::string, std::string> labels;
    for (auto& [k, v] : m.volume_labels.items())
        if (v.is_string()) labels[k] = v.get<std::string>();
    if (m.anonymous) labels[kAnonymousVolumeLabel] = "";
    TRY_ASSIGN(auto vol, create_volume(paths, m.source, labels));
    // A new, empty volume of a container with its own user namespace
    // belongs to the container's root, as docker's under userns-remap.
    if (userns) {
        TRY(let_userns_traverse(paths.root, vol.mountpoint));
        auto st = sys::stat_path(vol.mountpoint);
        if (st.ok() && st->st_uid == 0 && std::filesystem::is_empty(vol.mountpoint))
            TRY(sys::fchownat(AT_FDCWD, vol.mountpoint, userns->host, userns->host, 0,
                              "volume " + m.source));
    }
    return vol;
}

namespace {

Result<oci::Mount> to_oci_mount(const SpecInput& in, const MountSpec& m) {
    if (m.type == "bind") {
        if (!sys::path_exists(m.source))
            return invalid_input("bind mount " + m.target +
                                 ": bind source path does not exist: " + m.source);
        return bind_mount(m.source, m);
    }
    if (m.type == "volume") {
        TRY_ASSIGN(auto vol, ensure_volume(in.paths, m, recorded_range(in.host)));
        // Locked: two containers starting on one new volume copy once.
        TRY_ASSIGN(auto lock, lock_volumes(in.paths));
        if (!m.nocopy)
            TRY(std::move(copy_up(in.rootfs(), m.target, vol.mountpoint))
                    .context("copy " + m.target + " of the image into volume " + m.source));
        return bind_mount(vol.mountpoint, m);
    }
    oci::Mount o;
    o.destination = m.target;
    o.source = "tmpfs";
    o.type = "tmpfs";
    o.options = tmpfs_mount_options(m.tmpfs_options);
    if (m.readonly) o.options.push_back("ro");
    return o;
}

// nook-init: next to nook (a build tree), else <prefix>/libexec/nook/ for
// an installed <prefix>/bin/nook. The monitor is another binary (and runs
// from a detached copy of it), so nook's directory comes from the CLI
// through kBinDirEnv (set by spawn_monitor); /proc/self/exe is the fallback
// for callers running from the real binary.
Result<std::string> find_init_binary() {
    std::vector<std::filesystem::path> dirs;
    if (const char* d = std::getenv(kBinDirEnv); d && *d) dirs.push_back(d);
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec && std::filesystem::exists(exe, ec)) dirs.push_back(exe.parent_path());
    std::string tried;
    for (auto& dir : dirs)
        for (auto cand : {dir / "nook-init", dir.parent_path() / "libexec/nook/nook-init"}) {
            if (sys::path_exists(cand)) return cand.string();
            tried += (tried.empty() ? "" : ", ") + cand.string();
        }
    if (tried.empty()) tried = std::string("nothing: ") + kBinDirEnv + " is unset";
    return Error(ENOENT, "--init: nook-init not found (looked for " + tried + ")")
        .without_errno_text();
}

Status apply_devices(const json& devices, oci::Spec& s) {
    if (!devices.is_array()) return {};
    oci::Linux& l = *s.linux_;
    if (!l.resources) l.resources = oci::Resources{};
    for (auto& d : devices) {
        std::string host = d.value("PathOnHost", "");
        std::string ctr = d.value("PathInContainer", "");
        std::string perms = d.value("CgroupPermissions", "rwm");
        if (ctr.empty()) ctr = host;
        auto st = sys::stat_path(host);
        if (!st.ok()) return std::move(st).error().context("HostConfig.Devices " + host);
        if (!S_ISCHR(st->st_mode) && !S_ISBLK(st->st_mode))
            return invalid_input("HostConfig.Devices: " + host + " is not a device node");
        oci::Device dev;
        dev.type = S_ISCHR(st->st_mode) ? "c" : "b";
        dev.path = ctr;
        dev.major = major(st->st_rdev);
        dev.minor = minor(st->st_rdev);
        dev.file_mode = st->st_mode & 0777;
        dev.uid = 0;
        dev.gid = 0;
        std::erase_if(l.devices, [&](const oci::Device& x) { return x.path == ctr; });
        l.devices.push_back(dev);
        l.resources->devices.push_back(
            oci::DeviceCgroupRule{true, dev.type, dev.major, dev.minor, perms});
    }
    return {};
}

size_t depth(const std::string& p) {
    auto n = static_cast<size_t>(std::count(p.begin(), p.end(), '/'));
    return p.size() > 1 && p.back() == '/' ? n - 1 : n;
}

}  // namespace

Status apply_storage(const SpecInput& in, oci::Spec& s) {
    const json container = {{"Config", in.config}, {"HostConfig", in.host}};
    TRY_ASSIGN(auto mounts, collect_mounts(container, in.id));
    std::vector<oci::Mount> added;
    for (auto& m : mounts) {
        TRY_ASSIGN(auto o, to_oci_mount(in, m));
        added.push_back(std::move(o));
    }
    // A user mount replaces the default one at the same place (e.g. -v on
    // /etc/hosts or --tmpfs /dev/shm). All are then ordered parents first
    // (docker's sort by depth), so a volume on /etc does not hide the
    // /etc/hosts bind.
    std::erase_if(s.mounts, [&](const oci::Mount& d) {
        return std::any_of(added.begin(), added.end(),
                           [&](const oci::Mount& a) { return a.destination == d.destination; });
    });
    for (auto& a : added) s.mounts.push_back(std::move(a));
    std::stable_sort(s.mounts.begin(), s.mounts.end(),
                     [](const oci::Mount& a, const oci::Mount& b) {
                         return depth(a.destination) < depth(b.destination);
                     });

    if (in.host.value("ReadonlyRootfs", false)) s.root->readonly = true;
    if (auto d = in.host.find("Devices"); d != in.host.end()) TRY(apply_devices(*d, s));
    if (in.host.value("Init", false)) {
        TRY_ASSIGN(auto init, find_init_binary());
        oci::Mount o;
        o.destination = kInitTarget;
        o.source = init;
        o.type = "bind";
        o.options = {"bind", "ro", "rprivate"};
        s.mounts.push_back(o);
        auto& args = s.process->args;
        args.insert(args.begin(), {kInitTarget, "--"});
    }
    return {};
}

}  // namespace nook::engine
