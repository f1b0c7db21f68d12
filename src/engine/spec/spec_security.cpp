// HostConfig security options -> capabilities, privileged mode, seccomp,
// no_new_privileges, user namespace.
#include "engine/config.h"
#include "engine/spec/host_options.h"
#include "engine/spec/seccomp_default.h"
#include "engine/spec/spec_parts.h"
#include "engine/spec/userns.h"
#include "sys/host_devices.h"

namespace nook::engine {

namespace {

using json = nlohmann::json;

// docker's --privileged: every host device, no masked or read-only paths,
// /sys and the cgroup tree writable.
Status make_privileged(oci::Spec& s) {
    oci::Linux& l = *s.linux_;
    l.masked_paths.clear();
    l.readonly_paths.clear();
    for (auto& m : s.mounts)
        if (m.destination == "/sys" || m.destination == "/sys/fs/cgroup") {
            std::erase(m.options, "ro");
            m.options.push_back("rw");
        }
    TRY_ASSIGN(auto devices, sys::list_host_devices("/dev"));
    for (const auto& d : devices) {
        oci::Device od;
        od.type = std::string(1, d.type);
        od.path = d.path;
        od.major = d.major;
        od.minor = d.minor;
        od.file_mode = d.mode;
        od.uid = d.uid;
        od.gid = d.gid;
        l.devices.push_back(od);
    }
    if (!l.resources) l.resources = oci::Resources{};
    l.resources->devices = {oci::DeviceCgroupRule{true, "a", std::nullopt, std::nullopt, "rwm"}};
    return {};
}

}  // namespace

Status apply_security(const SpecInput& in, oci::Spec& s) {
    const json& h = in.host;
    const bool privileged = h.value("Privileged", false);
    oci::Process& p = *s.process;
    std::vector<std::string> caps =
        privileged ? opts::all_capabilities()
                   : opts::merge_capabilities(
                         p.capabilities ? p.capabilities->bounding : default_capabilities(),
                         json_strings(h.value("CapAdd", json())),
                         json_strings(h.value("CapDrop", json())));
    oci::Capabilities c;
    c.bounding = c.effective = c.permitted = caps;
    p.capabilities = c;
    if (privileged) TRY(make_privileged(s));

    std::string seccomp = "default";
    for (const auto& o : json_strings(h.value("SecurityOpt", json()))) {
        if (o.rfind("seccomp=", 0) == 0) seccomp = o.substr(8);
        if (o == "no-new-privileges=true") p.no_new_privileges = true;
        if (o == "no-new-privileges=false") p.no_new_privileges = false;
    }
    // docker: a privileged container is never filtered.
    if (privileged || seccomp == "unconfined") {
        s.linux_->seccomp.reset();
    } else if (seccomp == "default") {
        TRY_ASSIGN(s.linux_->seccomp, seccomp_from_profile(default_seccomp_profile(), caps)
                                          .context("default seccomp profile"));
    } else {
        auto profile = json::parse(seccomp, nullptr, false);
        if (profile.is_discarded())
            return invalid_input("HostConfig.SecurityOpt: seccomp profile is not JSON");
        TRY_ASSIGN(s.linux_->seccomp,
                   seccomp_from_profile(profile, caps).context("HostConfig.SecurityOpt"));
    }

    // --userns auto: the range chosen at create (userns.h).
    const std::string userns = h.value("UsernsMode", "");
    if (auto range = recorded_range(h)) {
        s.linux_->namespaces.push_back({"user", ""});
        const oci::IdMapping m{0, range->host, range->size};
        s.linux_->uid_mappings = {m};
        s.linux_->gid_mappings = {m};
    } else if (!userns.empty() && userns != "host") {
        return invalid_input("HostConfig.UsernsMode \"" + userns +
                             "\": no id range recorded (HostConfig.IDMappings)");
    }
    return {};
}

}  // namespace nook::engine
