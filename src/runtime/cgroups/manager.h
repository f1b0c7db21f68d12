// The cgroup manager: one interface, three back-ends chosen by probing the
// host. v2 (unified), v1 (legacy, one hierarchy per controller) and hybrid
// (v1 controllers plus a controller-less cgroup2 mount, as on this machine;
// the container's dir is mirrored there so systemd-like tools see it, but all
// limits go through v1).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/spec.h"

namespace nook::runtime::cgroups {

enum class Layout { v1, v2, hybrid };
const char* layout_name(Layout l);

// Probe /sys/fs/cgroup (statfs magic). The answer is cached for the process.
Result<Layout> detect_layout();

// ---- statistics, shaped after runc's `events --stats` data ----

struct CpuStats {
    uint64_t total_ns = 0;  // cpuacct.usage / cpu.stat usage_usec*1000
    uint64_t user_ns = 0;
    uint64_t system_ns = 0;
    std::vector<uint64_t> percpu_ns;  // v1 only (cpuacct.usage_percpu)
    uint64_t throttle_periods = 0;
    uint64_t throttled_periods = 0;
    uint64_t throttled_time_ns = 0;
};

struct MemoryEntry {
    uint64_t usage = 0;
    uint64_t max = 0;      // high-water mark (v1 max_usage_in_bytes, v2 memory.peak when present)
    uint64_t limit = 0;    // "max" is reported as UINT64_MAX... see stats_to_runc_json
    uint64_t failcnt = 0;  // v1 failcnt; v2 memory.events "max" count
};

struct MemoryStats {
    MemoryEntry usage;
    MemoryEntry swap;        // v1: memsw (memory+swap); v2: memory.swap.*
    MemoryEntry kernel;      // v1 only
    MemoryEntry kernel_tcp;  // v1 only
    uint64_t cache = 0;      // v1 stat "cache"; v2 stat "file"
    bool use_hierarchy = false;
    std::map<std::string, uint64_t> raw;  // memory.stat key -> value
};

struct PidsStats {
    uint64_t current = 0;
    uint64_t limit = 0;  // 0 = unlimited ("max")
};

struct BlkioEntry {
    uint64_t major = 0;
    uint64_t minor = 0;
    std::string op;  // "Read", "Write", "Sync", "Async", "Discard", "Total" ("" for single values)
    uint64_t value = 0;
};

struct BlkioStats {
    std::vector<BlkioEntry> io_service_bytes_recursive;
    std::vector<BlkioEntry> io_serviced_recursive;
};

struct HugetlbStats {
    uint64_t usage = 0;
    uint64_t max = 0;
    uint64_t failcnt = 0;
};

struct Stats {
    CpuStats cpu;
    MemoryStats memory;
    PidsStats pids;
    BlkioStats blkio;
    std::map<std::string, HugetlbStats> hugetlb;  // page size ("2MB") -> stats
    uint64_t oom_kill_count = 0;  // v1 memory.oom_control oom_kill; v2 memory.events oom_kill
};

class Manager {
  public:
    virtual ~Manager() = default;

    virtual Layout layout() const = 0;
    // Make the cgroup dirs (all hierarchies). Safe to call when they exist.
    virtual Status create() = 0;
    // Write every resource. Errors name the file and the value. Used by
    // create and by `update` (fields absent from r are left alone).
    virtual Status apply(const oci::Resources& r) = 0;
    // Move pid into the cgroup on all hierarchies.
    virtual Status add_process(pid_t pid) = 0;
    // v2: an O_PATH|O_DIRECTORY fd of the cgroup dir for clone3
    // CLONE_INTO_CGROUP. v1/hybrid: error with code EOPNOTSUPP.
    virtual Result<UniqueFd> clone_into_fd() = 0;
    // How a new container init joins the cgroup without a migration by
    // its parent: writing a pid to cgroup.procs takes the global threadgroup
    // lock, which waits for an RCU grace period (~8 ms of each create on
    // this kind of host). Instead the init is born in the cgroup (clone3
    // CLONE_INTO_CGROUP: v2, and hybrid's unified part) and, on v1, moves
    // itself by writing "0" to each hierarchy's `tasks` (a single thread
    // moving itself takes no global lock). can_self_attach: the init may
    // write host cgroup files (it is not in a new user namespace).
    struct JoinPlan {
        UniqueFd clone_into;                  // for CLONE_INTO_CGROUP
        std::vector<std::string> self_files;  // the init writes "0" to each
        bool parent_attach = false;           // else: add_process(pid) after clone
    };
    virtual JoinPlan join_plan(bool can_self_attach) = 0;
    // freeze() returns once the kernel reports the cgroup FROZEN.
    virtual Status freeze() = 0;
    virtual Status thaw() = 0;
    virtual Result<bool> is_frozen() = 0;
    virtual Result<std::vector<pid_t>> pids() = 0;
    // Signal every process (v2 SIGKILL: cgroup.kill when the kernel has it).
    // A frozen cgroup is thawed after signalling so the signal is delivered.
    virtual Status kill_all(int sig) = 0;
    virtual Result<Stats> stats() = 0;
    // A pollable fd that becomes readable on OOM. v1: an eventfd registered on
    // memory.oom_control (read 8 bytes to reset). v2: an inotify fd watching
    // memory.events (drain it, then compare oom_kill_count()).
    virtual Result<UniqueFd> oom_event_fd() = 0;
    virtual Result<uint64_t> oom_kill_count() = 0;
    // Remove all dirs, retrying while processes exit (~1 s). Absent is OK.
    virtual Status destroy() = 0;
    // controller -> absolute dir ("unified" for the v2 dir in v2/hybrid).
    virtual std::map<std::string, std::string> paths() const = 0;
};

// cgroups_path is linux.cgroupsPath:
//   ""                -> "/nook/<container_id>"
//   "/a/b" (absolute) -> relative to each hierarchy's root
//   "a/b" (relative)  -> relative to the caller's own cgroup (per hierarchy,
//                        from /proc/self/cgroup)
//   "slice:prefix:name" (systemd) -> error "systemd cgroup paths are not supported yet"
// Nothing is created until create().
Result<std::unique_ptr<Manager>> make_manager(const std::string& cgroups_path,
                                              const std::string& container_id);

// Same, for a forced layout and cgroup root (tests; default root /sys/fs/cgroup).
Result<std::unique_ptr<Manager>> make_manager_for(Layout layout, const std::string& root,
                                                  const std::string& cgroups_path,
                                                  const std::string& container_id);

// runc's `events --stats` "data" object (cpu, memory, pids, blkio, hugetlb) as JSON text.
std::string stats_to_runc_json(const Stats& s);

// Conversions, as runc/crun do them (exposed for tests and for `update`).
uint64_t shares_to_weight(uint64_t shares);      // 1 + ((shares - 2) * 9999) / 262142
uint64_t blkio_weight_to_io_weight(uint64_t w);  // 10..1000 -> 1..10000
// v2 memory.swap.max from the OCI "swap" (memory+swap) and "limit"; "max" for -1.
Result<std::string> v2_swap_max(int64_t swap, std::optional<int64_t> limit);

}  // namespace nook::runtime::cgroups
