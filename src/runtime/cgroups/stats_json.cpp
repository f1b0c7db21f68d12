// runc's `events --stats` data object. Field names and omission rules follow
// runc's types/events.go so containerd and podman parse it unchanged.
#include <nlohmann/json.hpp>

#include "runtime/cgroups/manager.h"

namespace nook::runtime::cgroups {
namespace {

using nlohmann::json;

// runc omits zero values for fields tagged omitempty.
void put_nz(json& j, const char* key, uint64_t v) {
    if (v) j[key] = v;
}

json memory_entry(const MemoryEntry& e) {
    json j = json::object();
    j["limit"] = e.limit;
    put_nz(j, "usage", e.usage);
    put_nz(j, "max", e.max);
    j["failcnt"] = e.failcnt;
    return j;
}

json blkio_list(const std::vector<BlkioEntry>& v) {
    json a = json::array();
    for (auto& e : v) {
        json j = json::object();
        put_nz(j, "major", e.major);
        put_nz(j, "minor", e.minor);
        if (!e.op.empty()) j["op"] = e.op;
        put_nz(j, "value", e.value);
        a.push_back(j);
    }
    return a;
}

}  // namespace

std::string stats_to_runc_json(const Stats& s) {
    json cpu_usage = json::object();
    put_nz(cpu_usage, "total", s.cpu.total_ns);
    if (!s.cpu.percpu_ns.empty()) cpu_usage["percpu"] = s.cpu.percpu_ns;
    cpu_usage["kernel"] = s.cpu.system_ns;
    cpu_usage["user"] = s.cpu.user_ns;
    json throttling = json::object();
    put_nz(throttling, "periods", s.cpu.throttle_periods);
    put_nz(throttling, "throttledPeriods", s.cpu.throttled_periods);
    put_nz(throttling, "throttledTime", s.cpu.throttled_time_ns);

    json memory = json::object();
    put_nz(memory, "cache", s.memory.cache);
    memory["usage"] = memory_entry(s.memory.usage);
    memory["swap"] = memory_entry(s.memory.swap);
    memory["kernel"] = memory_entry(s.memory.kernel);
    memory["kernelTCP"] = memory_entry(s.memory.kernel_tcp);
    if (!s.memory.raw.empty()) memory["raw"] = s.memory.raw;

    json pids = json::object();
    put_nz(pids, "current", s.pids.current);
    put_nz(pids, "limit", s.pids.limit);

    json blkio = json::object();
    if (!s.blkio.io_service_bytes_recursive.empty())
        blkio["ioServiceBytesRecursive"] = blkio_list(s.blkio.io_service_bytes_recursive);
    if (!s.blkio.io_serviced_recursive.empty())
        blkio["ioServicedRecursive"] = blkio_list(s.blkio.io_serviced_recursive);

    json hugetlb = json::object();
    for (auto& [size, h] : s.hugetlb) {
        json j = json::object();
        put_nz(j, "usage", h.usage);
        put_nz(j, "max", h.max);
        j["failcnt"] = h.failcnt;
        hugetlb[size] = j;
    }

    json data = {
        {"cpu", {{"usage", cpu_usage}, {"throttling", throttling}}},
        {"memory", memory},
        {"pids", pids},
        {"blkio", blkio},
        {"hugetlb", hugetlb},
        {"intel_rdt", json::object()},
        {"network_interfaces", nullptr},
    };
    return data.dump();
}

}  // namespace nook::runtime::cgroups
