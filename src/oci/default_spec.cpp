#include "oci/default_spec.h"

#include <unistd.h>

#include <algorithm>

namespace nook::oci {
namespace {

Mount mount(const char* dest, const char* type, const char* source,
            std::vector<std::string> options = {}) {
    Mount m;
    m.destination = dest;
    m.type = type;
    m.source = source;
    m.options = std::move(options);
    return m;
}

// Rootless: no network namespace (no one to set up its interfaces), a user
// namespace mapping the caller to root, /sys bind-mounted (sysfs cannot be
// mounted without owning the network namespace), no uid=/gid= mount options
// (those ids are not mapped), and no cgroup resources (no permission).
void make_rootless(Spec& s, const DefaultSpecOptions& o) {
    Linux& l = *s.linux_;
    std::erase_if(l.namespaces,
                  [](const Namespace& n) { return n.type == "network" || n.type == "user"; });
    l.namespaces.push_back({"user", ""});
    l.uid_mappings = {{0, o.host_uid, 1}};
    l.gid_mappings = {{0, o.host_gid, 1}};
    for (Mount& m : s.mounts) {
        if (m.destination == "/sys") {
            m = mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"});
            continue;
        }
        std::erase_if(m.options, [](const std::string& opt) {
            return opt.starts_with("uid=") || opt.starts_with("gid=");
        });
    }
    l.resources.reset();
}

}  // namespace

Spec default_spec(const DefaultSpecOptions& o) {
    Spec s;
    s.oci_version = kSpecVersion;
    s.root = Root{"rootfs", true};

    Process p;
    p.terminal = true;
    p.args = {"sh"};
    p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p.cwd = "/";
    p.no_new_privileges = true;
    // runc's template: a deliberately small set, not Docker's default 14.
    const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    Capabilities c;
    c.bounding = caps;
    c.effective = caps;
    c.permitted = caps;
    p.capabilities = c;
    p.rlimits = {{"RLIMIT_NOFILE", 1024, 1024}};
    s.process = std::move(p);

    s.hostname = "nook";
    s.mounts = {
        mount("/proc", "proc", "proc"),
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount("/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        mount("/dev/shm", "tmpfs", "shm",
              {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        mount("/sys/fs/cgroup", "cgroup", "cgroup",
              {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };

    Linux l;
    l.masked_paths = {"/proc/acpi",
                      "/proc/asound",
                      "/proc/kcore",
                      "/proc/keys",
                      "/proc/latency_stats",
                      "/proc/timer_list",
                      "/proc/timer_stats",
                      "/proc/sched_debug",
                      "/sys/firmware",
                      "/proc/scsi",
                      "/sys/devices/virtual/tpm"};
    l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    Resources r;
    r.devices = {DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "rwm"}};
    l.resources = std::move(r);
    l.namespaces = {{"pid", ""}, {"network", ""}, {"ipc", ""}, {"uts", ""}, {"mount", ""}};
    if (o.cgroup_namespace) l.namespaces.push_back({"cgroup", ""});
    s.linux_ = std::move(l);

    if (o.rootless) make_rootless(s, o);
    return s;
}

Spec default_spec(bool rootless) {
    DefaultSpecOptions o;
    o.rootless = rootless;
    o.host_uid = static_cast<uint32_t>(geteuid());
    o.host_gid = static_cast<uint32_t>(getegid());
    return default_spec(o);
}

}  // namespace nook::oci
