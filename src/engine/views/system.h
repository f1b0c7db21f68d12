// Engine-wide views and clean-up: container prune, `system df` sizes,
// `system info`, and the parts of `system prune`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"
#include "engine/views/ps_view.h"

namespace nook::engine {

// Bytes in the container's writable layer (0 when it has none).
uint64_t container_size(const Paths& paths, const std::string& id);

struct PruneReport {
    std::vector<std::string> deleted;  // ids
    uint64_t reclaimed = 0;
};
// Remove every stopped (created or exited) container matching filters
// (until=<time>: created before it; label=k[=v], label!=k[=v]).
Result<PruneReport> prune_containers(Engine& eng, const Filters& filters);
// Images without containers: dangling ones, or all unused with all=true;
// then unreferenced blobs and snapshots.
Result<PruneReport> prune_images(Engine& eng, bool all);
// Volumes no container uses: anonymous ones, or all with all=true.
Result<PruneReport> prune_volumes(Engine& eng, bool all);

// docker info's fields (Containers, ContainersRunning, ..., CgroupVersion,
// KernelVersion, OperatingSystem, NCPU, MemTotal, DockerRootDir).
Result<nlohmann::json> system_info(Engine& eng);

struct DiskUsageRow {
    std::string type;  // Images, Containers, Local Volumes, Build Cache
    int total = 0, active = 0;
    uint64_t size = 0, reclaimable = 0;
};
struct DiskUsage {
    std::vector<DiskUsageRow> summary;
    nlohmann::json images = nlohmann::json::array();  // -v rows
    nlohmann::json containers = nlohmann::json::array();
    nlohmann::json volumes = nlohmann::json::array();
};
Result<DiskUsage> disk_usage(Engine& eng);

}  // namespace nook::engine
