#include "oci/validate.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <system_error>

namespace nook::oci {
namespace {

Error bad(const std::string& field, const std::string& problem) {
    return invalid_input(field + ": " + problem);
}

std::string q(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

bool is_absolute(std::string_view p) {
    return !p.empty() && p.front() == '/';
}

std::string at(const std::string& list, size_t i) {
    return list + "[" + std::to_string(i) + "]";
}

Status need_absolute(const std::string& field, const std::string& value) {
    if (!is_absolute(value)) return bad(field, q(value) + " is not an absolute path");
    return {};
}

bool contains(const auto& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

constexpr std::array<std::string_view, 8> kNamespaceTypes = {"pid", "network", "mount",  "ipc",
                                                             "uts", "user",    "cgroup", "time"};

constexpr std::array<std::string_view, 16> kRlimits = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};

// IPC sysctls that the kernel keeps per IPC namespace (besides fs.mqueue.*).
constexpr std::array<std::string_view, 8> kIpcSysctls = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};

const Linux& linux_of(const Spec& s) {
    static const Linux kEmpty;
    return s.linux_ ? *s.linux_ : kEmpty;
}

// ---- the checks, in the order they run ----

Status check_oci_version(const Spec& s, const std::string&) {
    if (s.oci_version.empty()) return bad("ociVersion", "missing");
    auto dot = s.oci_version.find('.');
    if (s.oci_version.substr(0, dot) != "1")
        return bad("ociVersion", q(s.oci_version) + " is not supported (need major version 1)");
    return {};
}

Status check_root(const Spec& s, const std::string& bundle) {
    if (!s.root || s.root->path.empty()) return bad("root.path", "missing");
    std::filesystem::path p(s.root->path);
    if (p.is_relative()) p = std::filesystem::path(bundle) / p;
    std::error_code ec;
    auto st = std::filesystem::status(p, ec);
    if (!std::filesystem::exists(st))
        return bad("root.path", "rootfs " + q(p.string()) + " does not exist");
    if (!std::filesystem::is_directory(st))
        return bad("root.path", "rootfs " + q(p.string()) + " is not a directory");
    return {};
}

Status check_process(const Spec& s, const std::string&) {
    if (!s.process) return bad("process", "missing (required to create a container)");
    if (s.process->args.empty()) return bad("process.args", "must not be empty");
    return need_absolute("process.cwd", s.process->cwd);
}

Status check_mounts(const Spec& s, const std::string&) {
    for (size_t i = 0; i < s.mounts.size(); ++i) {
        const Mount& m = s.mounts[i];
        TRY(need_absolute(at("mounts", i) + ".destination", m.destination));
        if (m.uid_mappings.empty() != m.gid_mappings.empty())
            return bad(at("mounts", i), "idmapped mount needs both uidMappings and gidMappings");
    }
    return {};
}

Status check_namespaces(const Spec& s, const std::string&) {
    std::set<std::string> seen;
    const auto& nss = linux_of(s).namespaces;
    for (size_t i = 0; i < nss.size(); ++i) {
        const std::string field = at("linux.namespaces", i);
        if (!contains(kNamespaceTypes, nss[i].type))
            return bad(field + ".type", "unknown namespace type " + q(nss[i].type));
        if (!seen.insert(nss[i].type).second)
            return bad(field + ".type", "duplicate namespace " + q(nss[i].type));
        if (!nss[i].path.empty()) TRY(need_absolute(field + ".path", nss[i].path));
    }
    return {};
}

Status check_id_mappings(const Spec& s, const std::string&) {
    const Linux& l = linux_of(s);
    const Namespace* user = find_namespace(s, "user");
    bool mapped = !l.uid_mappings.empty() || !l.gid_mappings.empty();
    if (!user) {
        if (mapped) return bad("linux.uidMappings", "set without a user namespace");
        return {};
    }
    // Joining an existing user namespace inherits its mappings; a new one
    // without them would leave every id unmapped (runc refuses it too).
    if (user->path.empty() && (l.uid_mappings.empty() || l.gid_mappings.empty()))
        return bad("linux.namespaces",
                   "new user namespace needs linux.uidMappings and linux.gidMappings");
    const auto sizes_ok = [](const std::vector<IdMapping>& maps, const char* name) -> Status {
        for (size_t i = 0; i < maps.size(); ++i)
            if (maps[i].size == 0) return bad(at(name, i) + ".size", "must not be 0");
        return {};
    };
    TRY(sizes_ok(l.uid_mappings, "linux.uidMappings"));
    return sizes_ok(l.gid_mappings, "linux.gidMappings");
}

// HOST_NAME_MAX: sethostname(2)/setdomainname(2) refuse longer names with a
// bare EINVAL, which would only show up once the init runs.
constexpr size_t kMaxUtsName = 64;

Status check_uts_length(const char* field, const std::string& value) {
    if (value.size() <= kMaxUtsName) return {};
    return bad(field, q(value.substr(0, 24) + "...") + " is " + std::to_string(value.size()) +
                          " characters long, more than the kernel's limit of " +
                          std::to_string(kMaxUtsName));
}

Status check_uts(const Spec& s, const std::string&) {
    TRY(check_uts_length("hostname", s.hostname));
    TRY(check_uts_length("domainname", s.domainname));
    if (has_namespace(s, "uts")) return {};
    if (!s.hostname.empty()) return bad("hostname", q(s.hostname) + " needs a uts namespace");
    if (!s.domainname.empty()) return bad("domainname", q(s.domainname) + " needs a uts namespace");
    return {};
}

// Without a mount namespace the container shares the runtime's mounts (runc
// runs it so, entering the root with chroot); any mount, mask or remount
// there would change the host's.
Status check_mount_namespace(const Spec& s, const std::string&) {
    if (has_namespace(s, "mount")) return {};
    const Linux& l = linux_of(s);
    if (!s.mounts.empty())
        return bad("mounts", "need a mount namespace (they would be made in the host's, " +
                                 q(s.mounts.front().destination) + " first)");
    if (!l.masked_paths.empty())
        return bad("linux.maskedPaths", "needs a mount namespace (it would mask the host's " +
                                            q(l.masked_paths.front()) + ")");
    if (!l.readonly_paths.empty())
        return bad("linux.readonlyPaths", "needs a mount namespace (it would make the host's " +
                                              q(l.readonly_paths.front()) + " read-only)");
    if (s.root && s.root->readonly)
        return bad("root.readonly",
                   "needs a mount namespace (it would make the host's / read-only)");
    return {};
}

Status check_time_offsets(const Spec& s, const std::string&) {
    const auto& offsets = linux_of(s).time_offsets;
    if (offsets.empty()) return {};
    if (!has_namespace(s, "time")) return bad("linux.timeOffsets", "set without a time namespace");
    for (const auto& [clock, off] : offsets) {
        if (clock != "monotonic" && clock != "boottime")
            return bad("linux.timeOffsets", "unknown clock " + q(clock));
        if (off.nanosecs >= 1000000000u)
            return bad("linux.timeOffsets." + clock + ".nanosecs",
                       std::to_string(off.nanosecs) + " is not below 1000000000");
    }
    return {};
}

// Only namespaced sysctls may be set: anything else would change the host.
Status check_sysctls(const Spec& s, const std::string&) {
    for (const auto& [key, value] : linux_of(s).sysctl) {
        const std::string field = "linux.sysctl." + key;
        if (key.starts_with("net.")) {
            if (!has_namespace(s, "network")) return bad(field, "needs a network namespace");
        } else if (contains(kIpcSysctls, key) || key.starts_with("fs.mqueue.")) {
            if (!has_namespace(s, "ipc")) return bad(field, "needs an ipc namespace");
        } else if (key == "kernel.hostname" || key == "kernel.domainname") {
            if (!has_namespace(s, "uts")) return bad(field, "needs a uts namespace");
            // Two values for one setting: which one wins would be an accident
            // of ordering, so refuse it (as runc does).
            const bool host = key == "kernel.hostname";
            const std::string& other = host ? s.hostname : s.domainname;
            if (!other.empty())
                return bad(field, q(value) + " conflicts with " +
                                      (host ? "hostname " : "domainname ") + q(other));
        } else {
            return bad(field, "is not namespaced, so a container may not set it");
        }
    }
    return {};
}

Status check_devices(const Spec& s, const std::string&) {
    const auto& devs = linux_of(s).devices;
    for (size_t i = 0; i < devs.size(); ++i) {
        const std::string field = at("linux.devices", i);
        TRY(need_absolute(field + ".path", devs[i].path));
        const std::string& t = devs[i].type;
        if (t != "c" && t != "b" && t != "u" && t != "p")
            return bad(field + ".type", q(t) + " is not one of c, b, u, p");
    }
    return {};
}

Status check_rlimits(const Spec& s, const std::string&) {
    std::set<std::string> seen;
    const auto& limits = s.process->rlimits;
    for (size_t i = 0; i < limits.size(); ++i) {
        const std::string field = at("process.rlimits", i);
        if (!contains(kRlimits, limits[i].type))
            return bad(field + ".type", "unknown rlimit " + q(limits[i].type));
        if (!seen.insert(limits[i].type).second)
            return bad(field + ".type", "duplicate rlimit " + q(limits[i].type));
        if (limits[i].soft > limits[i].hard)
            return bad(field, "soft " + std::to_string(limits[i].soft) + " exceeds hard " +
                                  std::to_string(limits[i].hard));
    }
    return {};
}

Status check_hooks(const Spec& s, const std::string&) {
    if (!s.hooks) return {};
    const std::pair<const char*, const std::vector<Hook>*> lists[] = {
        {"hooks.prestart", &s.hooks->prestart},
        {"hooks.createRuntime", &s.hooks->create_runtime},
        {"hooks.createContainer", &s.hooks->create_container},
        {"hooks.startContainer", &s.hooks->start_container},
        {"hooks.poststart", &s.hooks->poststart},
        {"hooks.poststop", &s.hooks->poststop},
    };
    for (const auto& [name, hooks] : lists) {
        for (size_t i = 0; i < hooks->size(); ++i) {
            const Hook& h = (*hooks)[i];
            TRY(need_absolute(at(name, i) + ".path", h.path));
            if (h.timeout && *h.timeout <= 0)
                return bad(at(name, i) + ".timeout",
                           std::to_string(*h.timeout) + " is not positive");
        }
    }
    return {};
}

Status check_capabilities(const Spec& s, const std::string&) {
    if (!s.process->capabilities) return {};
    const Capabilities& c = *s.process->capabilities;
    const std::pair<const char*, const std::vector<std::string>*> sets[] = {
        {"process.capabilities.bounding", &c.bounding},
        {"process.capabilities.effective", &c.effective},
        {"process.capabilities.inheritable", &c.inheritable},
        {"process.capabilities.permitted", &c.permitted},
        {"process.capabilities.ambient", &c.ambient},
    };
    for (const auto& [name, caps] : sets)
        for (size_t i = 0; i < caps->size(); ++i)
            if (!(*caps)[i].starts_with("CAP_"))
                return bad(at(name, i), q((*caps)[i]) + " is not a capability name (CAP_*)");
    return {};
}

Status check_seccomp(const Spec& s, const std::string&) {
    const auto& sc = linux_of(s).seccomp;
    if (!sc) return {};
    if (sc->default_action.empty()) return bad("linux.seccomp.defaultAction", "missing");
    for (size_t i = 0; i < sc->syscalls.size(); ++i) {
        const std::string field = at("linux.seccomp.syscalls", i);
        if (sc->syscalls[i].names.empty()) return bad(field + ".names", "must not be empty");
        if (sc->syscalls[i].action.empty()) return bad(field + ".action", "missing");
    }
    return {};
}

struct Check {
    const char* name;
    Status (*run)(const Spec&, const std::string& bundle);
};

// process-dependent checks come after check_process, which guarantees it.
constexpr Check kChecks[] = {
    {"ociVersion", check_oci_version},
    {"root", check_root},
    {"process", check_process},
    {"mounts", check_mounts},
    {"namespaces", check_namespaces},
    {"idMappings", check_id_mappings},
    {"uts", check_uts},
    {"mountNamespace", check_mount_namespace},
    {"timeOffsets", check_time_offsets},
    {"sysctl", check_sysctls},
    {"devices", check_devices},
    {"rlimits", check_rlimits},
    {"hooks", check_hooks},
    {"capabilities", check_capabilities},
    {"seccomp", check_seccomp},
};

}  // namespace

Status validate(const Spec& spec, const std::string& bundle_dir) {
    for (const Check& c : kChecks) TRY(c.run(spec, bundle_dir));
    return {};
}

const Namespace* find_namespace(const Spec& spec, std::string_view type) {
    if (!spec.linux_) return nullptr;
    for (const Namespace& ns : spec.linux_->namespaces)
        if (ns.type == type) return &ns;
    return nullptr;
}

bool has_namespace(const Spec& spec, std::string_view type) {
    return find_namespace(spec, type) != nullptr;
}

}  // namespace nook::oci
