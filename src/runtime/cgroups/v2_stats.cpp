// Statistics from cgroup v2 files, mapped onto runc's (v1-shaped) fields.
#include <sstream>

#include "runtime/cgroups/hierarchy.h"
#include "runtime/cgroups/knob.h"
#include "runtime/cgroups/v2.h"

namespace nook::runtime::cgroups {
namespace {

// io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0"
void parse_io_stat(const std::string& text, BlkioStats& out) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string dev;
        if (!(ls >> dev)) continue;
        auto colon = dev.find(':');
        if (colon == std::string::npos) continue;
        uint64_t major = std::stoull(dev.substr(0, colon)),
                 minor = std::stoull(dev.substr(colon + 1));
        for (std::string kv; ls >> kv;) {
            auto eq = kv.find('=');
            if (eq == std::string::npos) continue;
            std::string key = kv.substr(0, eq);
            uint64_t v = std::stoull(kv.substr(eq + 1));
            if (key == "rbytes")
                out.io_service_bytes_recursive.push_back({major, minor, "Read", v});
            else if (key == "wbytes")
                out.io_service_bytes_recursive.push_back({major, minor, "Write", v});
            else if (key == "rios")
                out.io_serviced_recursive.push_back({major, minor, "Read", v});
            else if (key == "wios")
                out.io_serviced_recursive.push_back({major, minor, "Write", v});
        }
    }
}

}  // namespace

Result<Stats> V2Manager::stats() {
    Stats st;
    TRY_ASSIGN(auto cpu, read_keyed(dir_, "cpu.stat"));
    st.cpu.total_ns = cpu["usage_usec"] * 1000;
    st.cpu.user_ns = cpu["user_usec"] * 1000;
    st.cpu.system_ns = cpu["system_usec"] * 1000;
    st.cpu.throttle_periods = cpu["nr_periods"];
    st.cpu.throttled_periods = cpu["nr_throttled"];
    st.cpu.throttled_time_ns = cpu["throttled_usec"] * 1000;

    if (knob_exists(dir_, "memory.current")) {
        auto& mu = st.memory.usage;
        mu.usage = read_u64_or0(dir_, "memory.current");
        mu.limit = read_u64_or0(dir_, "memory.max");
        mu.max = read_u64_or0(dir_, "memory.peak");
        if (auto ev = read_keyed(dir_, "memory.events"); ev.ok()) {
            mu.failcnt = (*ev)["max"];
            st.oom_kill_count = (*ev)["oom_kill"];
        }
        // runc reports v2 swap as memory+swap so it reads like v1's memsw.
        if (knob_exists(dir_, "memory.swap.current")) {
            st.memory.swap.usage = read_u64_or0(dir_, "memory.swap.current") + mu.usage;
            uint64_t swap_max = read_u64_or0(dir_, "memory.swap.max");
            st.memory.swap.limit = (swap_max == UINT64_MAX || mu.limit == UINT64_MAX)
                                       ? UINT64_MAX
                                       : swap_max + mu.limit;
        }
        if (auto kv = read_keyed(dir_, "memory.stat"); kv.ok()) {
            st.memory.raw = *kv;
            if (auto it = kv->find("file"); it != kv->end()) st.memory.cache = it->second;
        }
        st.memory.use_hierarchy = true;
    }
    if (knob_exists(dir_, "pids.current")) {
        st.pids.current = read_u64_or0(dir_, "pids.current");
        uint64_t max = read_u64_or0(dir_, "pids.max");
        st.pids.limit = max == UINT64_MAX ? 0 : max;
    }
    if (auto io = read_knob(dir_, "io.stat"); io.ok()) parse_io_stat(*io, st.blkio);
    for (auto& sz : hugepage_sizes()) {
        std::string base = "hugetlb." + sz;
        if (!knob_exists(dir_, base + ".current")) continue;
        HugetlbStats h;
        h.usage = read_u64_or0(dir_, base + ".current");
        if (auto ev = read_keyed(dir_, base + ".events"); ev.ok()) h.failcnt = (*ev)["max"];
        st.hugetlb[sz] = h;
    }
    return st;
}

}  // namespace nook::runtime::cgroups
