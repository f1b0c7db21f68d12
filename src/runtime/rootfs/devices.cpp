// /dev population: the default devices every OCI container gets, the spec's
// linux.devices, and the conventional /dev symlinks.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <set>

#include "runtime/rootfs/mounts.h"
#include "sys/file.h"
#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

// runtime-spec "Default Devices" (config-linux.md).
const oci::Device kDefaultDevices[] = {
    {"c", "/dev/null", 1, 3, 0666, 0, 0},    {"c", "/dev/zero", 1, 5, 0666, 0, 0},
    {"c", "/dev/full", 1, 7, 0666, 0, 0},    {"c", "/dev/random", 1, 8, 0666, 0, 0},
    {"c", "/dev/urandom", 1, 9, 0666, 0, 0}, {"c", "/dev/tty", 5, 0, 0666, 0, 0},
};

Result<mode_t> node_type(const oci::Device& d) {
    if (d.type == "c" || d.type == "u") return S_IFCHR;
    if (d.type == "b") return S_IFBLK;
    if (d.type == "p") return S_IFIFO;
    return invalid_input("device " + d.path + ": unknown type \"" + d.type + "\"");
}

std::string base_name(const std::string& p) {
    return p.substr(p.find_last_of('/') + 1);
}
std::string dir_name(const std::string& p) {
    size_t s = p.find_last_of('/');
    return s == 0 || s == std::string::npos ? "/" : p.substr(0, s);
}

// In a user namespace mknod is refused: bind the host's node over an empty file.
Status bind_host_node(const Ctx& ctx, const oci::Device& d) {
    oci::Mount m{d.path, d.path, "bind", {"bind"}};
    return mount_bind(ctx, m, parse_mount_options(m.options));
}

Status make_node(const Ctx& ctx, const oci::Device& d) {
    std::string path = clean_path(d.path);
    if (path == "/") return invalid_input("device: empty path");
    TRY_ASSIGN(mode_t type, node_type(d));
    if (ctx.opts.in_user_namespace) return bind_host_node(ctx, d);
    TRY_ASSIGN(Resolved dir, resolve_in_root(ctx.root_fd, dir_name(path), Create::kDir));
    std::string name = base_name(path);
    mode_t perm = d.file_mode ? (*d.file_mode & 07777) : 0666;
    dev_t dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
    auto st = sys::mknodat(dir.fd.get(), name, type | perm, dev, d.path);
    // An existing node (from the image or an earlier bind) is left as it is, like runc.
    if (!st.ok() && st.error().code() == EEXIST) return {};
    TRY(st);
    // mknod applied the umask; set the exact mode.
    TRY(sys::fchmodat(dir.fd.get(), name, perm, d.path));
    if (d.uid || d.gid) {
        uid_t uid = d.uid ? *d.uid : static_cast<uid_t>(-1);
        gid_t gid = d.gid ? *d.gid : static_cast<gid_t>(-1);
        TRY(sys::fchownat(dir.fd.get(), name, uid, gid, AT_SYMLINK_NOFOLLOW, d.path));
    }
    return {};
}

Status make_symlinks(const Ctx& ctx, bool have_proc) {
    TRY_ASSIGN(Resolved dev, resolve_in_root(ctx.root_fd, "/dev", Create::kDir));
    const std::pair<const char*, const char*> links[] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    for (const auto& [target, name] : links) {
        auto st = sys::symlinkat(target, dev.fd.get(), name);
        if (!st.ok() && st.error().code() != EEXIST)
            return std::move(st).context("/dev/" + std::string(name));
    }
    if (have_proc) {
        auto st = sys::symlinkat("/proc/kcore", dev.fd.get(), "core");
        if (!st.ok() && st.error().code() != EEXIST) return std::move(st).context("/dev/core");
    }
    // /dev/ptmx must lead to the container's own devpts instance, whatever the image had.
    auto rm = sys::unlinkat(dev.fd.get(), "ptmx", 0, "/dev/ptmx");
    if (!rm.ok() && rm.error().code() != ENOENT) return rm;
    return sys::symlinkat("pts/ptmx", dev.fd.get(), "ptmx");
}

}  // namespace

Status setup_devices(const Ctx& ctx, const oci::Spec& spec) {
    bool have_proc = false;
    for (const auto& m : spec.mounts) {
        std::string dest = clean_path(m.destination);
        if (dest == "/proc" && m.type == "proc") have_proc = true;
        if (dest != "/dev") continue;
        bool bind = m.type == "bind";
        for (const auto& o : m.options) bind = bind || o == "bind" || o == "rbind";
        // A bind-mounted /dev is the user's business (runc does the same).
        if (bind) return {};
    }
    std::set<std::string> from_spec;
    const std::vector<oci::Device> none;
    const auto& devices = spec.linux_ ? spec.linux_->devices : none;
    for (const auto& d : devices) from_spec.insert(clean_path(d.path));
    for (const auto& d : kDefaultDevices) {
        if (from_spec.count(d.path)) continue;
        TRY(std::move(make_node(ctx, d)).context("default device " + d.path));
    }
    for (const auto& d : devices) TRY(std::move(make_node(ctx, d)).context("device " + d.path));
    return make_symlinks(ctx, have_proc);
}

}  // namespace nook::runtime::rootfs
