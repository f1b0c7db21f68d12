// docker update: new resource limits or restart policy for a container,
// written to its cgroup through its OCI runtime when it runs and kept in its
// HostConfig, so inspect shows them and a later start applies them again.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"
#include "engine/engine.h"

namespace nook::engine {

// changes: HostConfig keys with their new values, as the flags give them:
// Memory, MemorySwap, NanoCpus, CpuShares, CpuPeriod, CpuQuota, CpusetCpus,
// PidsLimit (-1: unlimited), BlkioWeight, RestartPolicy. Fails, changing
// nothing, when the combination is invalid (docker's messages).
Status update_container(Engine& eng, const std::string& name_or_id, const nlohmann::json& changes);

// The linux.resources that apply these changes (fields not changed are absent).
oci::Resources resources_for_update(const nlohmann::json& changes);

}  // namespace nook::engine
