// Named volumes (driver "local"), as docker keeps them:
//   <root>/volumes/<name>/_data         the content, bind-mounted into containers
//   <root>/volumes/<name>/volume.json   {Name, Driver, Mountpoint, CreatedAt, Labels, Options}
//   <root>/volumes/.lock                held (flock-like OFD lock) by create and remove
// A volume is made ready under a temporary name and renamed into place, so a
// half-made volume is never listed; create is idempotent (returns the
// existing volume), which makes "create on first use" race-free.
//
// Which container uses which volume is derived from the containers' stored
// configs (volume_spec.h collect_mounts), never stored twice.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/store/db.h"
#include "engine/store/paths.h"

namespace nook::engine {

// Label docker puts on anonymous volumes (rm -v and prune use it).
inline constexpr const char* kAnonymousVolumeLabel = "com.docker.volume.anonymous";

struct Volume {
    std::string name;
    std::string mountpoint;  // <root>/volumes/<name>/_data
    std::string created_at;  // RFC 3339, seconds
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> options;
    bool anonymous() const { return labels.count(kAnonymousVolumeLabel) != 0; }
};

std::string volumes_dir(const Paths& paths);

// Create the volume, or return the existing one of that name (labels of an
// existing volume are left alone, as docker's).
Result<Volume> create_volume(const Paths& paths, const std::string& name,
                             const std::map<std::string, std::string>& labels);
// The store-wide lock (exclusive), e.g. held around a copy-up so two
// containers starting on one new volume do not both fill it.
Result<UniqueFd> lock_volumes(const Paths& paths);
// A fresh random name (64 hex) for `volume create` without NAME.
Result<std::string> random_volume_name();
// ENOENT "no such volume: NAME" when missing.
Result<Volume> get_volume(const Paths& paths, const std::string& name);
// Sorted by name.
Result<std::vector<Volume>> list_volumes(const Paths& paths);
// Remove the volume's directory (callers check it is unused first).
Status remove_volume(const Paths& paths, const std::string& name);

// docker's `volume inspect` object: {CreatedAt, Driver, Labels, Mountpoint,
// Name, Options, Scope}.
nlohmann::json volume_to_json(const Volume& v);

// Volume names used by each container: name -> container ids.
Result<std::map<std::string, std::vector<std::string>>> volume_users(
    const std::vector<ContainerRow>& rows);

// The volumes of one container (named and anonymous). `container_config`
// is its stored {"Config","HostConfig"} plus "Id" (Engine::inspect's output
// has all three); the id names its anonymous volumes.
std::vector<std::string> container_volume_names(const nlohmann::json& container_config,
                                                const std::string& id = "");

// For `rm -v`: remove the container's anonymous volumes (named ones stay,
// as docker's). Missing volumes are fine.
Status remove_anonymous_volumes(const Paths& paths, const nlohmann::json& container_config);
Status remove_anonymous_volumes(const Paths& paths, const nlohmann::json& container_config,
                                const std::string& id);

// docker inspect's "Mounts": [{Type, Name, Source, Destination, Driver,
// Mode, RW, Propagation}]. Same container_config as above.
nlohmann::json mounts_for_inspect(const Paths& paths, const nlohmann::json& container_config);
nlohmann::json mounts_for_inspect(const Paths& paths, const nlohmann::json& container_config,
                                  const std::string& id);

// Bytes used by the files under dir (hard links counted once), for prune.
uint64_t tree_size(const std::string& dir);

// `volume prune --filter`: label=K[=V] (every one must match), label!=K[=V]
// (none may match), all=true|false (as -a).
struct VolumePruneFilter {
    std::vector<std::string> labels, not_labels;
    bool all = false;
};
// Fails on any other key or a bad value, naming the flag ("--filter name=x:
// invalid filter 'name'").
Result<VolumePruneFilter> parse_volume_prune_filters(const std::vector<std::string>& flags);

struct VolumePruneReport {
    std::vector<std::string> deleted;  // names, in name order
    uint64_t reclaimed = 0;            // bytes
    std::vector<Error> errors;         // volumes that could not be removed
};
// docker >= 23: remove the unused volumes that match the filter; only
// anonymous ones unless all (then named ones too). users: volume_users().
// A volume that cannot be removed is left and its error collected; the
// others are still removed.
Result<VolumePruneReport> prune_unused_volumes(
    const Paths& paths, const std::map<std::string, std::vector<std::string>>& users, bool all,
    const VolumePruneFilter& filter);

}  // namespace nook::engine
