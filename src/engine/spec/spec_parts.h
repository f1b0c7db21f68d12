// The parts of build_spec (config.h) that come from HostConfig, one file
// each, applied in this order on top of the base spec (docker's defaults and
// the container's process):
//   spec_limits.cpp    Memory, MemorySwap, NanoCpus, CpuShares, CpusetCpus,
//                      PidsLimit, Ulimits -> linux.resources, process.rlimits
//   spec_security.cpp  CapAdd, CapDrop, Privileged, SecurityOpt (seccomp
//                      profile or the default one, no-new-privileges), UsernsMode
//   spec_network.cpp   NetworkMode (none, host), ExtraHosts, Dns, DnsSearch:
//                      namespaces and the /etc/hostname, hosts, resolv.conf mounts
//   spec_storage.cpp   Binds, Mounts, Tmpfs, ReadonlyRootfs, Devices, Init
// Each reads only its own HostConfig/Config fields and fails with a one-line
// error naming the field and value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/store/paths.h"
#include "engine/volumes/volume_spec.h"
#include "engine/volumes/volumes.h"
#include "oci/spec.h"
#include "sys/idmap.h"

namespace nook::engine {

struct SpecInput {
    const nlohmann::json& config;  // docker Config
    const nlohmann::json& host;    // docker HostConfig
    const Paths& paths;
    const std::string& id;
    // NetworkMode container:<id>: that container's init (0: not running).
    int network_peer_pid;

    std::string bundle() const { return paths.bundle(id); }
    std::string rootfs() const { return paths.rootfs(id); }
};

// The string elements of a JSON array (anything else: empty); config.cpp.
std::vector<std::string> json_strings(const nlohmann::json& j);

Status apply_limits(const SpecInput& in, oci::Spec& spec);
Status apply_security(const SpecInput& in, oci::Spec& spec);
Status apply_network(const SpecInput& in, oci::Spec& spec);
Status apply_storage(const SpecInput& in, oci::Spec& spec);

// Files on the host the spec refers to, written into the bundle before the
// container is created: /etc/hostname, hosts, resolv.conf (spec_network.cpp).
Status write_etc_files(const SpecInput& in, const oci::Spec& spec);

// The named or anonymous volume of mount m, created (with its labels) if
// missing; a new empty one is owned by userns's root (spec_storage.cpp).
// create makes a container's volumes, as docker does; start makes sure.
Result<Volume> ensure_volume(const Paths& paths, const MountSpec& m,
                             const std::optional<sys::IdRange>& userns);

}  // namespace nook::engine
