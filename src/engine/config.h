// A container's configuration: the docker-shaped JSON kept in the database
// ({"Config": {...}, "HostConfig": {...}}), made from the image config plus
// `run`/`create` flags, and the OCI spec the monitor builds from it at start.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
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
};

// Config and HostConfig for a new container; fails when no command results.
Result<nlohmann::json> make_config(const RunRequest& req, const image::ImageConfig& img,
                                   const std::string& id);

// The process args: Entrypoint followed by Cmd.
std::vector<std::string> command_of(const nlohmann::json& config);

// Resolve "user[:group]" (names or numbers) against the rootfs's /etc/passwd
// and /etc/group; a bare uid gets the passwd entry's gid when there is one.
Result<oci::User> resolve_user(const std::string& spec, const std::string& rootfs);

// The OCI spec for the container: docker's defaults (capabilities, masked
// paths, namespaces, cgroup /nook/<id> by the runtime's default) with the config's process, and
// /etc/hostname, /etc/hosts, /etc/resolv.conf bind-mounted from the bundle.
Result<oci::Spec> build_spec(const nlohmann::json& config, const std::string& id,
                             const std::string& bundle);

// Write hostname, hosts and resolv.conf into the bundle for build_spec's mounts.
Status write_etc_files(const std::string& bundle, const std::string& hostname);

// docker's default capability set.
const std::vector<std::string>& default_capabilities();

}  // namespace nook::engine
