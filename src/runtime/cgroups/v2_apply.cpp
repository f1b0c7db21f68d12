// Writing linux.resources to cgroup v2 files, converting v1-style values as
// runc and crun do. Fields absent from the spec are left alone.
#include "base/log.h"
#include "runtime/cgroups/device_filter.h"
#include "runtime/cgroups/knob.h"
#include "runtime/cgroups/v1.h"
#include "runtime/cgroups/v2.h"

namespace nook::runtime::cgroups {
namespace {

std::string limit_or_max(int64_t v) {
    return v < 0 ? "max" : s(v);
}
std::string devnum(int64_t major, int64_t minor) {
    return s(major) + ":" + s(minor);
}

}  // namespace

Status V2Manager::apply(const oci::Resources& r) {
    if (r.memory) TRY(apply_memory(*r.memory));
    if (r.cpu) TRY(apply_cpu(*r.cpu));
    if (r.pids) TRY(write_knob(dir_, "pids.max", r.pids->limit > 0 ? s(r.pids->limit) : "max"));
    if (r.block_io) TRY(apply_io(*r.block_io));
    for (auto& h : r.hugepage_limits)
        TRY(write_knob(dir_, "hugetlb." + h.page_size + ".max", u(h.limit)));
    // Refused rather than skipped, as on a v1 host without these controllers:
    // the container would run without what the config asked for.
    if (r.network && r.network->class_id)
        return Error(ENOTSUP,
                     "linux.resources.network.classID needs the cgroup v1 \"net_cls\" "
                     "controller, which cgroup v2 does not have");
    if (r.network && !r.network->priorities.empty())
        return Error(ENOTSUP,
                     "linux.resources.network.priorities needs the cgroup v1 \"net_prio\" "
                     "controller, which cgroup v2 does not have");
    for (auto& [dev, l] : r.rdma) TRY(write_knob(dir_, "rdma.max", rdma_limit_line(dev, l)));
    if (!r.devices.empty())
        TRY(install_device_filter(dir_, r.devices).context("linux.resources.devices"));
    // Raw keys last, so they override the converted values.
    for (auto& [key, value] : r.unified) {
        if (key.find('/') != std::string::npos || key.empty() || key[0] == '.')
            return invalid_input("linux.resources.unified: bad key \"" + key + "\"");
        if (!knob_exists(dir_, key))
            return Error(ENOENT, "linux.resources.unified: key \"" + key + "\": no such file in " +
                                     dir_ + " (controller not enabled?)");
        TRY(write_knob(dir_, key, value).context("linux.resources.unified"));
    }
    return {};
}

Status V2Manager::apply_memory(const oci::MemoryResources& m) {
    if (m.swap) {
        TRY_ASSIGN(std::string swap_max, v2_swap_max(*m.swap, m.limit));
        // Lowering: memory.max first is harmless either way on v2 (independent knobs).
        if (!swap_max.empty()) {
            if (!knob_exists(dir_, "memory.swap.max")) {
                if (swap_max != "max" && swap_max != "0")
                    return Error(ENOTSUP,
                                 "linux.resources.memory.swap: no memory.swap.max (swap accounting "
                                 "disabled)");
            } else {
                TRY(write_knob(dir_, "memory.swap.max", swap_max));
            }
        }
    } else if (m.limit && *m.limit == -1 && knob_exists(dir_, "memory.swap.max")) {
        // Unlimited memory with no swap value means unlimited swap too (as v1).
        TRY(write_knob(dir_, "memory.swap.max", "max"));
    }
    if (m.limit) TRY(write_knob(dir_, "memory.max", limit_or_max(*m.limit)));
    if (m.reservation) TRY(write_knob(dir_, "memory.low", limit_or_max(*m.reservation)));
    if (m.swappiness || m.disable_oom_killer || m.kernel || m.kernel_tcp || m.use_hierarchy)
        log::debug(
            "linux.resources.memory swappiness/disableOOMKiller/kernel/kernelTCP/useHierarchy "
            "have no cgroup v2 equivalent: ignored");
    return {};
}

Status V2Manager::apply_cpu(const oci::CpuResources& c) {
    if (c.shares && *c.shares) TRY(write_knob(dir_, "cpu.weight", u(shares_to_weight(*c.shares))));
    if (c.quota || c.period) {
        // cpu.max is "QUOTA PERIOD"; keep the half the spec does not set.
        TRY_ASSIGN(std::string cur, read_knob(dir_, "cpu.max"));
        std::string cur_quota = cur.substr(0, cur.find(' '));
        std::string cur_period = cur.substr(cur.find(' ') + 1);
        std::string quota = c.quota ? (*c.quota <= 0 ? "max" : s(*c.quota)) : cur_quota;
        std::string period = c.period && *c.period ? u(*c.period) : cur_period;
        TRY(write_knob(dir_, "cpu.max", quota + " " + period));
    }
    if (c.burst) TRY(write_knob(dir_, "cpu.max.burst", u(*c.burst)));
    if ((c.realtime_runtime && *c.realtime_runtime) || (c.realtime_period && *c.realtime_period))
        return invalid_input(
            "linux.resources.cpu.realtimeRuntime/realtimePeriod are not supported on cgroup v2");
    if (c.idle) TRY(write_knob(dir_, "cpu.idle", s(*c.idle)));
    if (!c.cpus.empty()) TRY(write_knob(dir_, "cpuset.cpus", c.cpus));
    if (!c.mems.empty()) TRY(write_knob(dir_, "cpuset.mems", c.mems));
    return {};
}

Status V2Manager::apply_io(const oci::BlockIoResources& b) {
    // io.weight takes 1..10000 (converted); BFQ's io.bfq.weight keeps 1..1000.
    bool bfq = !knob_exists(dir_, "io.weight") && knob_exists(dir_, "io.bfq.weight");
    std::string wfile = bfq ? "io.bfq.weight" : "io.weight";
    auto conv = [&](uint64_t w) { return bfq ? w : blkio_weight_to_io_weight(w); };
    if (b.weight && *b.weight) TRY(write_knob(dir_, wfile, "default " + u(conv(*b.weight))));
    if (b.leaf_weight)
        log::debug("linux.resources.blockIO.leafWeight has no cgroup v2 equivalent: ignored");
    for (auto& w : b.weight_device)
        if (w.weight)
            TRY(write_knob(dir_, wfile, devnum(w.major, w.minor) + " " + u(conv(*w.weight))));
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* key) -> Status {
        for (auto& t : list)
            TRY(write_knob(
                dir_, "io.max",
                devnum(t.major, t.minor) + " " + key + "=" + (t.rate ? u(t.rate) : "max")));
        return {};
    };
    TRY(throttle(b.throttle_read_bps_device, "rbps"));
    TRY(throttle(b.throttle_write_bps_device, "wbps"));
    TRY(throttle(b.throttle_read_iops_device, "riops"));
    TRY(throttle(b.throttle_write_iops_device, "wiops"));
    return {};
}

}  // namespace nook::runtime::cgroups
