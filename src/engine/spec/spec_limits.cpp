// HostConfig resource limits -> linux.resources, process.rlimits,
// process.oom_score_adj, linux.sysctl, the /dev/shm size and the extra
// groups (GroupAdd).
#include <cstdint>

#include "engine/config.h"
#include "engine/spec/host_options.h"
#include "engine/spec/spec_parts.h"

namespace nook::engine {

namespace {

using json = nlohmann::json;

constexpr int64_t kDefaultShmSize = 64 * 1024 * 1024;  // docker's

// A positive integer field, or nothing when absent, null or 0 (docker's "unset").
std::optional<int64_t> field(const json& h, const char* name) {
    auto it = h.find(name);
    if (it == h.end() || !it->is_number_integer()) return std::nullopt;
    int64_t v = it->get<int64_t>();
    if (v == 0) return std::nullopt;
    return v;
}

void apply_memory(const json& h, oci::Resources& r) {
    oci::MemoryResources m;
    bool any = false;
    if (auto v = field(h, "Memory")) m.limit = *v, any = true;
    if (auto v = field(h, "MemorySwap")) m.swap = *v, any = true;
    if (auto v = field(h, "MemoryReservation")) m.reservation = *v, any = true;
    if (h.contains("MemorySwappiness") && h["MemorySwappiness"].is_number_integer() &&
        h["MemorySwappiness"].get<int64_t>() >= 0) {
        m.swappiness = h["MemorySwappiness"].get<uint64_t>();
        any = true;
    }
    if (any) r.memory = m;
}

void apply_cpu(const json& h, oci::Resources& r) {
    oci::CpuResources c;
    bool any = false;
    if (auto v = field(h, "CpuShares")) c.shares = static_cast<uint64_t>(*v), any = true;
    if (auto v = field(h, "NanoCpus")) {
        // docker: a 100ms period and the matching share of it.
        c.period = 100000;
        c.quota = *v * 100000 / 1000000000;
        any = true;
    }
    if (auto v = field(h, "CpuPeriod")) c.period = static_cast<uint64_t>(*v), any = true;
    if (auto v = field(h, "CpuQuota")) c.quota = *v, any = true;
    c.cpus = h.value("CpusetCpus", "");
    c.mems = h.value("CpusetMems", "");
    if (any || !c.cpus.empty() || !c.mems.empty()) r.cpu = c;
}

Status apply_ulimits(const json& h, oci::Process& p) {
    const json& list = h.value("Ulimits", json());
    if (!list.is_array()) return {};
    for (const auto& u : list) {
        std::string type = opts::rlimit_type(u.value("Name", ""));
        if (type.empty()) return invalid_input("HostConfig.Ulimits: unknown limit " + u.dump());
        // -1 is unlimited: RLIM_INFINITY is all ones.
        oci::Rlimit rl{type, static_cast<uint64_t>(u.value("Hard", int64_t{0})),
                       static_cast<uint64_t>(u.value("Soft", int64_t{0}))};
        std::erase_if(p.rlimits, [&](const oci::Rlimit& x) { return x.type == type; });
        p.rlimits.push_back(rl);
    }
    return {};
}

}  // namespace

Status apply_limits(const SpecInput& in, oci::Spec& s) {
    const json& h = in.host;
    oci::Linux& l = *s.linux_;
    if (!l.resources) l.resources = oci::Resources{};
    apply_memory(h, *l.resources);
    apply_cpu(h, *l.resources);
    if (auto v = field(h, "PidsLimit"); v && *v > 0) l.resources->pids = oci::PidsResources{*v};

    oci::Process& p = *s.process;
    TRY(apply_ulimits(h, p));
    if (h.contains("OomScoreAdj") && h["OomScoreAdj"].is_number_integer() &&
        h["OomScoreAdj"].get<int>() != 0)
        p.oom_score_adj = h["OomScoreAdj"].get<int>();

    int64_t shm = field(h, "ShmSize").value_or(kDefaultShmSize);
    for (auto& m : s.mounts) {
        if (m.destination != "/dev/shm") continue;
        std::erase_if(m.options, [](const std::string& o) { return o.rfind("size=", 0) == 0; });
        m.options.push_back("size=" + std::to_string(shm));
    }

    if (h.contains("Sysctls") && h["Sysctls"].is_object())
        for (auto& [k, v] : h["Sysctls"].items())
            if (v.is_string()) l.sysctl[k] = v.get<std::string>();

    if (h.contains("GroupAdd") && h["GroupAdd"].is_array()) {
        for (const auto& g : h["GroupAdd"]) {
            if (!g.is_string()) continue;
            auto gid = resolve_group(g.get<std::string>(), in.rootfs());
            if (!gid.ok()) return std::move(gid).error().context("HostConfig.GroupAdd");
            p.user.additional_gids.push_back(*gid);
        }
    }
    return {};
}

}  // namespace nook::engine
