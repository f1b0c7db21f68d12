// --userns: host (the default: no user namespace, as docker's) or
// auto[:size=N] (as podman's): the container gets its own user namespace
// whose ids [0, N) are a range of host ids no other container uses, so a
// process that escapes is an unprivileged nobody on the host.
//
// Ranges come from the /etc/subuid entry of user "containers" when there is
// one (podman's convention), else from [2^30, 2^31). The range is chosen
// at create (under a lock, against every container's recorded range) and
// kept for the container's life in HostConfig.IDMappings, since the
// writable layer's files are owned by it on disk.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/store/paths.h"
#include "sys/idmap.h"

namespace nook::engine {

inline constexpr uint32_t kDefaultUsernsSize = 65536;

// "" or "host": nullopt. "auto" / "auto:size=N": N (default 65536).
Result<std::optional<uint32_t>> parse_userns_mode(const std::string& mode);

// The host ids containers' ranges come from (see above). subuid: the
// contents of /etc/subuid ("" when missing).
sys::IdRange userns_pool(const std::string& subuid);

// The lowest range of `size` ids in pool overlapping none of taken.
Result<sys::IdRange> pick_range(const sys::IdRange& pool, std::vector<sys::IdRange> taken,
                                uint32_t size);

// HostConfig.IDMappings: {"UidMap": ["0:HOST:SIZE"], "GidMap": [...]}.
nlohmann::json idmappings_json(const sys::IdRange& r);
// The range recorded in a HostConfig (nullopt: no user namespace).
std::optional<sys::IdRange> recorded_range(const nlohmann::json& host);

// For a new container whose merged config asks for --userns auto: check
// the options docker refuses with user namespaces, choose its range and
// record it in cfg. `others`: every existing container's stored config.
// The caller holds the userns lock (lock_userns) until the row is stored.
Status assign_userns(nlohmann::json& cfg, const std::vector<std::string>& others);
Result<UniqueFd> lock_userns(const Paths& paths);

// The runtime sets a user-namespaced container up from inside the
// namespace, where host root's 0700 dirs are closed to it: add search
// permission for others (o+x: nothing becomes listable or readable) to
// each dir from top down to leaf. Dirs above top are only checked: one
// without o+x is an error naming it.
Status let_userns_traverse(const std::string& top, const std::string& leaf);

}  // namespace nook::engine
