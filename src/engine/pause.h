// pause/unpause (the cgroup freezer, through the runtime), and the views of
// a running container's processes and resource use: top and stats.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/engine.h"

namespace nook::engine {

// docker's errors: "Container <id> is not running", "... is already paused",
// "... is not paused". Both hold the container's lock.
Status pause(Engine& eng, const std::string& name_or_id);
Status unpause(Engine& eng, const std::string& name_or_id);

// Host pids of every process in the container's cgroup.
Result<std::vector<pid_t>> container_processes(Engine& eng, const ContainerRow& row);

// One stats row (docker stats' columns).
struct StatsRow {
    std::string id, name;
    double cpu_percent = 0;
    uint64_t mem_usage = 0, mem_limit = 0;
    double mem_percent = 0;
    uint64_t net_rx = 0, net_tx = 0;
    uint64_t blk_read = 0, blk_write = 0;
    uint64_t pids = 0;
};
// Sample the containers twice, interval_ms apart, for the CPU percentage
// (CPU time used / wall time, x100 per core as docker). Containers that
// are not running get a zero row.
Result<std::vector<StatsRow>> sample_stats(Engine& eng, const std::vector<ContainerRow>& rows,
                                           int interval_ms);
// docker's units: binary for memory ("1.5MiB"), decimal for I/O ("1.2kB").
std::string bytes_binary(uint64_t n);
std::string bytes_decimal(uint64_t n);

}  // namespace nook::engine
