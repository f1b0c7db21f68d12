// Statistics from cgroup v1 files, in the shape runc reports.
#include <unistd.h>

#include <sstream>

#include "runtime/cgroups/hierarchy.h"
#include "runtime/cgroups/knob.h"
#include "runtime/cgroups/v1.h"
#include "sys/cgroupfs.h"

namespace nook::runtime::cgroups {
namespace {

MemoryEntry memory_entry(const std::string& d, const std::string& prefix) {
    MemoryEntry e;
    e.usage = read_u64_or0(d, prefix + ".usage_in_bytes");
    e.max = read_u64_or0(d, prefix + ".max_usage_in_bytes");
    e.limit = read_u64_or0(d, prefix + ".limit_in_bytes");
    e.failcnt = read_u64_or0(d, prefix + ".failcnt");
    return e;
}

// blkio "8:0 Read 1234" lines; the last line is "Total N".
std::vector<BlkioEntry> blkio_entries(const std::string& d, const std::string& file) {
    std::vector<BlkioEntry> out;
    auto text = read_knob(d, file);
    if (!text.ok()) return out;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string dev, op;
        uint64_t value = 0;
        if (!(ls >> dev >> op >> value)) continue;
        auto colon = dev.find(':');
        if (colon == std::string::npos) continue;
        out.push_back(
            {std::stoull(dev.substr(0, colon)), std::stoull(dev.substr(colon + 1)), op, value});
    }
    return out;
}

}  // namespace

Result<Stats> V1Manager::stats() {
    Stats st;
    if (auto* d = dir("cpuacct")) {
        TRY_ASSIGN(st.cpu.total_ns, read_u64(*d, "cpuacct.usage"));
        if (knob_exists(*d, "cpuacct.usage_user")) {
            st.cpu.user_ns = read_u64_or0(*d, "cpuacct.usage_user");
            st.cpu.system_ns = read_u64_or0(*d, "cpuacct.usage_sys");
        } else if (auto kv = read_keyed(*d, "cpuacct.stat"); kv.ok()) {
            // Older kernels: USER_HZ ticks.
            uint64_t hz = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
            st.cpu.user_ns = (*kv)["user"] * (1000000000ull / hz);
            st.cpu.system_ns = (*kv)["system"] * (1000000000ull / hz);
        }
        if (auto per = read_knob(*d, "cpuacct.usage_percpu"); per.ok()) {
            std::istringstream in(*per);
            for (uint64_t v; in >> v;) st.cpu.percpu_ns.push_back(v);
        }
    }
    if (auto* d = dir("cpu")) {
        if (auto kv = read_keyed(*d, "cpu.stat"); kv.ok()) {
            st.cpu.throttle_periods = (*kv)["nr_periods"];
            st.cpu.throttled_periods = (*kv)["nr_throttled"];
            st.cpu.throttled_time_ns = (*kv)["throttled_time"];
        }
    }
    if (auto* d = dir("memory")) {
        st.memory.usage = memory_entry(*d, "memory");
        st.memory.swap = memory_entry(*d, "memory.memsw");
        st.memory.kernel = memory_entry(*d, "memory.kmem");
        st.memory.kernel_tcp = memory_entry(*d, "memory.kmem.tcp");
        if (auto kv = read_keyed(*d, "memory.stat"); kv.ok()) {
            st.memory.raw = *kv;
            if (auto it = kv->find("cache"); it != kv->end()) st.memory.cache = it->second;
        }
        st.memory.use_hierarchy = read_u64_or0(*d, "memory.use_hierarchy") == 1;
        if (auto kv = read_keyed(*d, "memory.oom_control"); kv.ok())
            st.oom_kill_count = (*kv)["oom_kill"];
    }
    if (auto* d = dir("pids")) {
        st.pids.current = read_u64_or0(*d, "pids.current");
        uint64_t max = read_u64_or0(*d, "pids.max");
        st.pids.limit = max == UINT64_MAX ? 0 : max;
    }
    if (auto* d = dir("blkio")) {
        auto pick = [&](const char* a, const char* b) {
            auto v = blkio_entries(*d, a);
            return v.empty() ? blkio_entries(*d, b) : v;
        };
        st.blkio.io_service_bytes_recursive =
            pick("blkio.io_service_bytes_recursive", "blkio.throttle.io_service_bytes_recursive");
        st.blkio.io_serviced_recursive =
            pick("blkio.io_serviced_recursive", "blkio.throttle.io_serviced_recursive");
    }
    std::string hdir;
    bool v2_hugetlb = false;
    if (auto* d = dir("hugetlb"))
        hdir = *d;
    else if (!unified_dir_.empty() && knob_exists(unified_dir_, "cgroup.controllers")) {
        hdir = unified_dir_;
        v2_hugetlb = true;
    }
    if (!hdir.empty()) {
        // One set of files per page size: hugetlb.2MB.usage_in_bytes ...
        {
            for (auto& sz : hugepage_sizes()) {
                std::string base = "hugetlb." + sz;
                HugetlbStats h;
                if (v2_hugetlb) {
                    if (!knob_exists(hdir, base + ".current")) continue;
                    h.usage = read_u64_or0(hdir, base + ".current");
                    if (auto ev = read_keyed(hdir, base + ".events"); ev.ok())
                        h.failcnt = (*ev)["max"];
                } else {
                    h.usage = read_u64_or0(hdir, base + ".usage_in_bytes");
                    h.max = read_u64_or0(hdir, base + ".max_usage_in_bytes");
                    h.failcnt = read_u64_or0(hdir, base + ".failcnt");
                }
                st.hugetlb[sz] = h;
            }
        }
    }
    return st;
}

}  // namespace nook::runtime::cgroups
