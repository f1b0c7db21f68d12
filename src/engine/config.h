// A container's configuration: the docker-shaped JSON kept in the database
// ({"Config": {...}, "HostConfig": {...}}), made from the image config plus
// `run`/`create` flags, and the OCI spec the monitor builds from it at start.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/store/paths.h"
#include "image/manifest.h"
#include "oci/spec.h"

namespace nook::engine {

// Flags of `run` / `create` that this slice supports.
struct RunRequest {
    std::string image;
    std::vector<std::string> cmd;           // words after IMAGE
    std::optional<std::string> entrypoint;  // --entrypoint ("" clears the image's)
    std::string name;
    std::string hostname;
    std::string workdir;
    std::string user;
    std::vector<std::string> env;  // -e KEY=V or KEY (taken from our environment)
    bool tty = false;
    bool interactive = false;
    bool auto_remove = false;
    std::string pull = "missing";  // --pull: missing, always or never
    // Docker-shaped fields set by the flag groups (cli/nook/flags_*.cpp),
    // with docker's names (Engine API ContainerCreate): merged over the
    // defaults by make_config, into "Config" and "HostConfig" respectively.
    nlohmann::json config_extra = nlohmann::json::object();
    nlohmann::json host_config = nlohmann::json::object();
};

// Config and HostConfig for a new container; fails when no command results.
Result<nlohmann::json> make_config(const RunRequest& req, const image::ImageConfig& img,
                                   const std::string& id);

// The process args: Entrypoint followed by Cmd.
std::vector<std::string> command_of(const nlohmann::json& config);

// Resolve "user[:group]" (names or numbers) against the rootfs's /etc/passwd
// and /etc/group; a bare uid gets the passwd entry's gid when there is one.
Result<oci::User> resolve_user(const std::string& spec, const std::string& rootfs);
// A group name or number (as --group-add) to a gid, by the rootfs's /etc/group.
Result<uint32_t> resolve_group(const std::string& name_or_gid, const std::string& rootfs);

// The OCI spec for the container: docker's defaults (capabilities, masked
// paths, namespaces, cgroup /nook/<id> by the runtime's default) with the
// config's process, then the parts in spec_parts.h (limits, security,
// network, storage) from HostConfig. `container` is {"Config", "HostConfig"}.
// network_peer_pid: for NetworkMode container:<id>, that container's init.
Result<oci::Spec> build_spec(const nlohmann::json& container, const std::string& id,
                             const Paths& paths, int network_peer_pid = 0);

// docker's default capability set.
const std::vector<std::string>& default_capabilities();

}  // namespace nook::engine
