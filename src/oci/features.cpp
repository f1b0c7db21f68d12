#include "oci/features.h"

#include "oci/json_writer.h"

namespace nook::oci {

std::vector<std::string> default_mount_options() {
    return {
        "async",         "atime",       "bind",        "defaults",  "dev",
        "diratime",      "dirsync",     "exec",        "iversion",  "lazytime",
        "loud",          "mand",        "noatime",     "nodev",     "nodiratime",
        "noexec",        "noiversion",  "nolazytime",  "nomand",    "norelatime",
        "nostrictatime", "nosuid",      "nosymfollow", "private",   "rbind",
        "relatime",      "remount",     "ro",          "rprivate",  "rshared",
        "rslave",        "runbindable", "rw",          "shared",    "silent",
        "slave",         "strictatime", "suid",        "symfollow", "sync",
        "unbindable",
    };
}

std::string features_json(const FeatureSet& f, bool pretty) {
    using detail::OJson;
    OJson cgroup = {{"v1", f.cgroup_v1},
                    {"v2", f.cgroup_v2},
                    {"systemd", f.cgroup_systemd},
                    {"systemdUser", f.cgroup_systemd_user},
                    {"rdma", f.cgroup_rdma}};
    OJson seccomp = {{"enabled", f.seccomp_enabled}};
    // An empty list would claim "supports none"; omitted means "unknown".
    detail::put_strs(seccomp, "actions", f.seccomp_actions);
    detail::put_strs(seccomp, "operators", f.seccomp_operators);
    detail::put_strs(seccomp, "archs", f.seccomp_archs);
    detail::put_strs(seccomp, "knownFlags", f.seccomp_known_flags);
    detail::put_strs(seccomp, "supportedFlags", f.seccomp_supported_flags);

    OJson linux_ = OJson::object();
    detail::put_strs(linux_, "namespaces", f.namespaces);
    detail::put_strs(linux_, "capabilities", f.capabilities);
    linux_["cgroup"] = std::move(cgroup);
    linux_["seccomp"] = std::move(seccomp);
    linux_["apparmor"] = {{"enabled", f.apparmor}};
    linux_["selinux"] = {{"enabled", f.selinux}};
    linux_["intelRdt"] = {{"enabled", f.intel_rdt}};
    linux_["mountExtensions"] = {{"idmap", {{"enabled", f.idmap_mounts}}}};

    OJson o = {{"ociVersionMin", f.oci_version_min}, {"ociVersionMax", f.oci_version_max}};
    detail::put_strs(o, "hooks", f.hooks);
    detail::put_strs(o, "mountOptions", f.mount_options);
    o["linux"] = std::move(linux_);
    detail::put_map(o, "annotations", f.annotations);
    return detail::dump(o, pretty);
}

}  // namespace nook::oci
