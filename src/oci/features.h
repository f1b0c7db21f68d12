// The runtime-spec "features" document (`nook-runtime features`). It must tell
// the truth: lists that depend on other modules (capabilities, seccomp names)
// are supplied by those modules rather than hard-coded here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "oci/spec.h"

namespace nook::oci {

// Mount options (flag names, not filesystem data) the mount code understands.
// Leaves out the recursive mount_setattr family (rro, rnosuid, ...), idmap
// and tmpcopyup until the mount code implements them.
std::vector<std::string> default_mount_options();

struct FeatureSet {
    std::string oci_version_min = "1.0.0";
    std::string oci_version_max = kSpecVersion;
    std::vector<std::string> hooks = {"prestart",       "createRuntime", "createContainer",
                                      "startContainer", "poststart",     "poststop"};
    std::vector<std::string> mount_options = default_mount_options();
    std::vector<std::string> namespaces = {"cgroup", "ipc",  "mount", "network",
                                           "pid",    "time", "user",  "uts"};
    std::vector<std::string> capabilities;  // from the security code

    bool cgroup_v1 = true;
    bool cgroup_v2 = true;
    bool cgroup_systemd = false;
    bool cgroup_systemd_user = false;
    bool cgroup_rdma = true;

    bool seccomp_enabled = true;
    std::vector<std::string> seccomp_actions;          // SCMP_ACT_*, from the security code
    std::vector<std::string> seccomp_operators;        // SCMP_CMP_*
    std::vector<std::string> seccomp_archs;            // SCMP_ARCH_*
    std::vector<std::string> seccomp_known_flags;      // SECCOMP_FILTER_FLAG_* we recognise
    std::vector<std::string> seccomp_supported_flags;  // ... that this kernel accepts

    bool apparmor = false;
    bool selinux = false;
    bool intel_rdt = false;
    bool idmap_mounts = false;

    // e.g. {"io.github.nook.version": "0.1.0"}
    std::map<std::string, std::string> annotations;
};

std::string features_json(const FeatureSet& features, bool pretty = true);

}  // namespace nook::oci
