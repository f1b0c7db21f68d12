// Writing linux.resources to cgroup v1 files. Fields absent from the spec are
// left alone, so the same code serves create and `update`.
#include <set>
#include <sstream>

#include "base/log.h"
#include "runtime/cgroups/device_filter.h"
#include "runtime/cgroups/knob.h"
#include "runtime/cgroups/v1.h"
#include "sys/file.h"

namespace nook::runtime::cgroups {
namespace {

std::string devnum(int64_t major, int64_t minor) {
    return s(major) + ":" + s(minor);
}

// Kernel memory limits are deprecated; newer kernels reject or lack them.
// runc ignores them in that case, and so do we.
Status write_optional_kmem(const std::string& dir, const std::string& file, int64_t v) {
    if (!knob_exists(dir, file)) {
        log::debug("cgroup v1: " + file + " absent, kernel memory limit ignored");
        return {};
    }
    auto st = write_knob(dir, file, s(v));
    if (!st.ok() && (st.error().code() == EOPNOTSUPP || st.error().code() == 524 /*ENOTSUPP*/)) {
        log::debug(st.error().what() + " (ignored: kernel memory limits are deprecated)");
        return {};
    }
    return st;
}

}  // namespace

Status V1Manager::apply(const oci::Resources& r) {
    if (!r.unified.empty()) TRY(apply_unified(r.unified));
    if (r.memory) TRY(apply_memory(*r.memory));
    if (r.cpu) TRY(apply_cpu(*r.cpu));
    if (r.pids) {
        TRY_ASSIGN(std::string d, require("pids", "pids"));
        TRY(write_knob(d, "pids.max", r.pids->limit > 0 ? s(r.pids->limit) : "max"));
    }
    if (r.block_io) TRY(apply_blkio(*r.block_io));
    if (!r.hugepage_limits.empty()) TRY(apply_hugetlb(r.hugepage_limits));
    if (r.network) TRY(apply_network(*r.network));
    if (!r.rdma.empty()) TRY(apply_rdma(r.rdma));
    if (!r.devices.empty()) TRY(apply_devices(r.devices));
    return {};
}

Status V1Manager::apply_memory(const oci::MemoryResources& m) {
    TRY_ASSIGN(std::string d, require("memory", "memory"));
    if (m.swap && !knob_exists(d, "memory.memsw.limit_in_bytes") && *m.swap > 0 &&
        (!m.limit || *m.swap != *m.limit))
        return Error(ENOTSUP, "linux.resources.memory.swap " + s(*m.swap) +
                                  ": swap accounting is disabled (no memory.memsw.limit_in_bytes)");
    bool memsw = m.swap && *m.swap != 0 && knob_exists(d, "memory.memsw.limit_in_bytes");
    // memsw must stay >= limit at every step: raise memsw before the limit,
    // lower the limit before memsw.
    bool memsw_first = false;
    if (memsw) {
        TRY_ASSIGN(uint64_t cur_limit, read_u64(d, "memory.limit_in_bytes"));
        memsw_first = *m.swap == -1 || static_cast<uint64_t>(*m.swap) >= cur_limit;
    }
    if (memsw && memsw_first) TRY(write_knob(d, "memory.memsw.limit_in_bytes", s(*m.swap)));
    if (m.limit) TRY(write_knob(d, "memory.limit_in_bytes", s(*m.limit)));
    if (memsw && !memsw_first) TRY(write_knob(d, "memory.memsw.limit_in_bytes", s(*m.swap)));
    if (m.reservation) TRY(write_knob(d, "memory.soft_limit_in_bytes", s(*m.reservation)));
    if (m.swappiness) {
        if (*m.swappiness > 100)
            return invalid_input("linux.resources.memory.swappiness " + u(*m.swappiness) +
                                 " is out of range 0..100");
        TRY(write_knob(d, "memory.swappiness", u(*m.swappiness)));
    }
    if (m.disable_oom_killer)
        TRY(write_knob(d, "memory.oom_control", *m.disable_oom_killer ? "1" : "0"));
    if (m.kernel) TRY(write_optional_kmem(d, "memory.kmem.limit_in_bytes", *m.kernel));
    if (m.kernel_tcp) TRY(write_optional_kmem(d, "memory.kmem.tcp.limit_in_bytes", *m.kernel_tcp));
    if (m.use_hierarchy && knob_exists(d, "memory.use_hierarchy")) {
        // Modern kernels always use the hierarchy and only accept "1".
        TRY_ASSIGN(std::string cur, read_knob(d, "memory.use_hierarchy"));
        std::string want = *m.use_hierarchy ? "1" : "0";
        if (cur != want) TRY(write_knob(d, "memory.use_hierarchy", want));
    }
    return {};
}

Status V1Manager::apply_cpu(const oci::CpuResources& c) {
    bool needs_cpu = c.shares || c.quota || c.period || c.burst || c.realtime_period ||
                     c.realtime_runtime || c.idle;
    if (needs_cpu) {
        TRY_ASSIGN(std::string d, require("cpu", "cpu"));
        if (c.shares) TRY(write_knob(d, "cpu.shares", u(*c.shares)));
        if (c.period) TRY(write_knob(d, "cpu.cfs_period_us", u(*c.period)));
        if (c.quota) TRY(write_knob(d, "cpu.cfs_quota_us", s(*c.quota)));
        if (c.burst) TRY(write_knob(d, "cpu.cfs_burst_us", u(*c.burst)));
        // rt_period first: the runtime is validated against it.
        if (c.realtime_period) TRY(write_knob(d, "cpu.rt_period_us", u(*c.realtime_period)));
        if (c.realtime_runtime) TRY(write_knob(d, "cpu.rt_runtime_us", s(*c.realtime_runtime)));
        if (c.idle) {
            if (!knob_exists(d, "cpu.idle"))
                return Error(ENOTSUP, "linux.resources.cpu.idle: this kernel has no cpu.idle");
            TRY(write_knob(d, "cpu.idle", s(*c.idle)));
        }
    }
    if (!c.cpus.empty() || !c.mems.empty()) {
        TRY_ASSIGN(std::string d, require("cpuset", "cpu.cpus/mems"));
        if (!c.cpus.empty()) TRY(write_knob(d, "cpuset.cpus", c.cpus));
        if (!c.mems.empty()) TRY(write_knob(d, "cpuset.mems", c.mems));
    }
    return {};
}

Status V1Manager::apply_blkio(const oci::BlockIoResources& b) {
    TRY_ASSIGN(std::string d, require("blkio", "blockIO"));
    // CFQ's blkio.weight is gone from current kernels; BFQ offers the same
    // knob as blkio.bfq.weight (same 10..1000 range in practice).
    std::string weight_file = knob_exists(d, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
    if (b.weight) {
        if (!knob_exists(d, weight_file))
            return Error(ENOTSUP,
                         "linux.resources.blockIO.weight: no blkio.weight or blkio.bfq.weight "
                         "(no proportional I/O scheduler)");
        TRY(write_knob(d, weight_file, u(*b.weight)));
    }
    if (b.leaf_weight) {
        if (knob_exists(d, "blkio.leaf_weight"))
            TRY(write_knob(d, "blkio.leaf_weight", u(*b.leaf_weight)));
        else
            log::warn(
                "linux.resources.blockIO.leafWeight ignored: this kernel has no blkio.leaf_weight");
    }
    for (auto& w : b.weight_device) {
        if (w.weight)
            TRY(write_knob(d, weight_file + "_device",
                           devnum(w.major, w.minor) + " " + u(*w.weight)));
        if (w.leaf_weight) {
            if (knob_exists(d, "blkio.leaf_weight_device"))
                TRY(write_knob(d, "blkio.leaf_weight_device",
                               devnum(w.major, w.minor) + " " + u(*w.leaf_weight)));
            else
                log::warn(
                    "linux.resources.blockIO.weightDevice.leafWeight ignored: no "
                    "blkio.leaf_weight_device");
        }
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* file) -> Status {
        for (auto& t : list) TRY(write_knob(d, file, devnum(t.major, t.minor) + " " + u(t.rate)));
        return {};
    };
    TRY(throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device"));
    TRY(throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device"));
    TRY(throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device"));
    TRY(throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device"));
    return {};
}

Status V1Manager::apply_hugetlb(const std::vector<oci::HugepageLimit>& h) {
    if (auto* d = dir("hugetlb")) {
        for (auto& l : h)
            TRY(write_knob(*d, "hugetlb." + l.page_size + ".limit_in_bytes", u(l.limit)));
        return {};
    }
    // Hybrid hosts may have hugetlb bound to the cgroup2 mount instead.
    if (unified_dir_.empty())
        return Error(
            ENOTSUP,
            "linux.resources.hugepageLimits needs the hugetlb controller, which is not mounted");
    TRY(enable_unified_controller("hugetlb").context("linux.resources.hugepageLimits"));
    for (auto& l : h) TRY(write_knob(unified_dir_, "hugetlb." + l.page_size + ".max", u(l.limit)));
    return {};
}

// A limit for a controller that is not mounted is refused (as runc does):
// skipping it would run the container without what the config asked for.
Status V1Manager::apply_network(const oci::NetworkResources& n) {
    if (n.class_id) {
        TRY_ASSIGN(std::string d, require("net_cls", "network.classID"));
        TRY(write_knob(d, "net_cls.classid", u(*n.class_id)));
    }
    if (!n.priorities.empty()) {
        TRY_ASSIGN(std::string d, require("net_prio", "network.priorities"));
        for (auto& p : n.priorities)
            TRY(write_knob(d, "net_prio.ifpriomap", p.name + " " + u(p.priority)));
    }
    return {};
}

Status V1Manager::apply_rdma(const std::map<std::string, oci::RdmaLimit>& r) {
    TRY_ASSIGN(std::string d, require("rdma", "rdma"));
    for (auto& [dev, l] : r) TRY(write_knob(d, "rdma.max", rdma_limit_line(dev, l)));
    return {};
}

Status V1Manager::apply_devices(const std::vector<oci::DeviceCgroupRule>& rules) {
    TRY_ASSIGN(std::string d, require("devices", "devices"));
    // Validate everything before touching the cgroup.
    std::vector<std::string> lines;
    for (auto& r : rules) {
        TRY_ASSIGN(std::string line, v1_device_rule(r));
        lines.push_back(line);
    }
    // Start from deny-all, then replay the rules in order (later ones win).
    TRY(write_knob(d, "devices.deny", "a"));
    for (size_t i = 0; i < rules.size(); ++i)
        TRY(write_knob(d, rules[i].allow ? "devices.allow" : "devices.deny", lines[i]));
    return {};
}

Status V1Manager::enable_unified_controller(const std::string& ctrl) {
    TRY_ASSIGN(std::string avail, read_knob(unified_root_, "cgroup.controllers"));
    std::istringstream in(avail);
    std::set<std::string> have;
    for (std::string c; in >> c;) have.insert(c);
    if (!have.count(ctrl))
        return Error(ENOTSUP, "controller \"" + ctrl +
                                  "\" is not available on the cgroup2 hierarchy " + unified_root_);
    // Enable it in every ancestor's subtree_control, from the root down.
    std::string rel = unified_dir_.substr(unified_root_.size());
    std::string cur = unified_root_;
    size_t pos = 1;
    while (pos <= rel.size()) {
        TRY_ASSIGN(std::string enabled, read_knob(cur, "cgroup.subtree_control"));
        if (enabled.find(ctrl) == std::string::npos)
            TRY(write_knob(cur, "cgroup.subtree_control", "+" + ctrl));
        size_t next = rel.find('/', pos);
        if (next == std::string::npos) break;
        cur = unified_root_ + rel.substr(0, next);
        pos = next + 1;
    }
    return {};
}

Status V1Manager::apply_unified(const std::map<std::string, std::string>& u) {
    if (unified_dir_.empty())
        return invalid_input(
            "linux.resources.unified requires cgroup v2 (this host has cgroup v1 only)");
    for (auto& [key, value] : u) {
        if (key.find('/') != std::string::npos || key.find('.') == std::string::npos)
            return invalid_input("linux.resources.unified: bad key \"" + key + "\"");
        std::string ctrl = key.substr(0, key.find('.'));
        if (ctrl != "cgroup") {
            auto st = enable_unified_controller(ctrl);
            if (!st.ok())
                return Error(st.error().code(),
                             "linux.resources.unified requires cgroup v2: key \"" + key +
                                 "\" on this hybrid host: " + st.error().message())
                    .without_errno_text();
        }
        TRY(write_knob(unified_dir_, key, value).context("linux.resources.unified"));
    }
    return {};
}

}  // namespace nook::runtime::cgroups
