#include "runtime/rootfs/mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

// Flags that only say "how" to mount, not properties a remount must apply.
constexpr unsigned long kNonPropertyFlags = MS_BIND | MS_REC | MS_REMOUNT | MS_SILENT;

std::string host_source(const Options& opts, const std::string& src) {
    if (src.empty() || src[0] == '/') return src;
    return opts.bundle + "/" + src;
}

}  // namespace

Status mount_bind(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo) {
    const std::string& what = m.destination;
    std::string src = host_source(ctx.opts, m.source);
    if (src.empty()) return invalid_input("mount " + what + ": bind mount without a source");
    TRY_ASSIGN(struct stat st, std::move(sys::stat_path(src)).context("mount " + what));
    Create kind = S_ISDIR(st.st_mode) ? Create::kDir : Create::kFile;
    TRY_ASSIGN(
        Resolved dst,
        std::move(resolve_in_root(ctx.root_fd, m.destination, kind)).context("mount " + what));
    unsigned long flags = MS_BIND | (mo.recursive ? MS_REC : 0);
    TRY(sys::mount(src.c_str(), sys::fd_path(dst.fd.get()), nullptr, flags, "", what));
    TRY_ASSIGN(UniqueFd fd, reopen(ctx.root_fd, dst.path));
    std::string target = sys::fd_path(fd.get());
    // A bind mount ignores every flag but MS_BIND|MS_REC: ro, nosuid... need a remount.
    if (mo.flags & ~kNonPropertyFlags) TRY(remount_bind(target, mo.flags & ~MS_REC, what));
    return apply_mount_attrs(target, fd.get(), mo, what);
}

namespace {

// sysfs cannot be mounted in a user namespace that does not own the network
// namespace, nor mqueue without owning the ipc one: fall back to binding the host's.
Result<bool> fallback_bind(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo,
                           const Error& err) {
    const char* host = nullptr;
    if (m.type == "sysfs") host = "/sys";
    if (m.type == "mqueue") host = "/dev/mqueue";
    if (!host || !ctx.opts.in_user_namespace || err.code() != EPERM) return false;
    oci::Mount b = m;
    b.source = host;
    b.type = "bind";
    MountOptions bo = mo;
    bo.bind = bo.recursive = true;
    TRY(mount_bind(ctx, b, bo));
    return true;
}

}  // namespace

Status mount_filesystem(const Ctx& ctx, const oci::Mount& m, const MountOptions& mo) {
    const std::string& what = m.destination;
    if (m.type.empty()) return invalid_input("mount " + what + ": no type and no bind option");
    TRY_ASSIGN(Resolved dst, std::move(resolve_in_root(ctx.root_fd, m.destination, Create::kDir))
                                 .context("mount " + what));
    if (m.type == "proc" || m.type == "sysfs") {
        // Never mount procfs/sysfs over a file: that is how masks get bypassed.
        TRY_ASSIGN(struct stat st, sys::fstat_fd(dst.fd.get(), what));
        if (!S_ISDIR(st.st_mode)) return Error(ENOTDIR, "mount " + m.type + " on " + what);
    }
    std::string src = m.source.empty() ? m.type : m.source;
    unsigned long flags = mo.flags & ~(MS_BIND | MS_REC);
    auto st =
        sys::mount(src.c_str(), sys::fd_path(dst.fd.get()), m.type.c_str(), flags, mo.data, what);
    if (!st.ok()) {
        TRY_ASSIGN(bool done, fallback_bind(ctx, m, mo, st.error()));
        if (done) return {};
        return st;
    }
    if (mo.propagation.empty() && !mo.rec_attr_set && !mo.rec_attr_clr) return {};
    TRY_ASSIGN(UniqueFd fd, reopen(ctx.root_fd, dst.path));
    return apply_mount_attrs(sys::fd_path(fd.get()), fd.get(), mo, what);
}

Result<UniqueFd> reopen(int root_fd, const std::string& in_root_path) {
    std::string rel = in_root_path == "/" ? "." : in_root_path.substr(1);
    return std::move(sys::open_in_root(root_fd, rel)).context("reopen " + in_root_path);
}

Status remount_bind(const std::string& target, unsigned long flags, const std::string& what) {
    flags |= MS_BIND | MS_REMOUNT;
    auto st = sys::mount(nullptr, target, nullptr, flags, "", what);
    if (st.ok() || st.error().code() != EPERM) return std::move(st).context("remount");
    TRY_ASSIGN(unsigned long have, std::move(sys::mount_flags_of(target)).context(what));
    constexpr unsigned long kAtime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME;
    // Keep locked bits; if the caller asked for an atime mode, the locked one wins.
    unsigned long keep = have & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | kAtime);
    if (keep & kAtime) flags &= ~kAtime;
    return std::move(sys::mount(nullptr, target, nullptr, flags | keep, "", what))
        .context("remount keeping locked flags");
}

Status apply_mount_attrs(const std::string& target, int target_fd, const MountOptions& mo,
                         const std::string& what) {
    for (unsigned long p : mo.propagation)
        TRY(std::move(sys::mount(nullptr, target, nullptr, p, "", what)).context("propagation"));
    if (mo.rec_attr_set || mo.rec_attr_clr)
        TRY(sys::mount_setattr(target_fd, "", true, mo.rec_attr_set, mo.rec_attr_clr, what));
    return {};
}

Status mount_entry(const Ctx& ctx, const oci::Mount& m) {
    if (m.destination.empty()) return invalid_input("mount: empty destination");
    MountOptions mo = parse_mount_options(m.options);
    if (m.type == "bind" || m.type == "rbind") {
        mo.bind = true;
        if (m.type == "rbind") mo.recursive = true;
    }
    if (m.type == "cgroup") return mount_cgroup(ctx, m, mo);
    if (mo.bind) return mount_bind(ctx, m, mo);
    if (mo.tmpcopyup && m.type == "tmpfs") return tmpcopyup_mount(ctx, m, mo);
    return mount_filesystem(ctx, m, mo);
}

}  // namespace nook::runtime::rootfs
