// docker update (update.h).
#include "engine/update.h"

#include "engine/events/events.h"

namespace nook::engine {

using json = nlohmann::json;

namespace {

int64_t int_of(const json& h, const char* k) {
    auto it = h.find(k);
    return it != h.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// docker's daemon checks (verifyContainerResources / update), on the
// HostConfig as it will be.
Status check(const json& old_host, const json& changes, const json& host) {
    const int64_t memory = int_of(host, "Memory"), swap = int_of(host, "MemorySwap");
    if (changes.contains("Memory") && !changes.contains("MemorySwap") &&
        int_of(old_host, "MemorySwap") > 0 && memory > int_of(old_host, "MemorySwap"))
        return invalid_input(
            "Memory limit should be smaller than already set memoryswap limit, update the "
            "memoryswap at the same time");
    if (changes.contains("MemorySwap") && swap != 0 && memory == 0)
        return invalid_input("You should always set the Memory limit when using Memoryswap limit");
    if (swap > 0 && memory > 0 && swap < memory)
        return invalid_input(
            "Minimum memoryswap limit should be larger than memory limit, see usage");
    if (int_of(host, "NanoCpus") > 0 &&
        (int_of(host, "CpuPeriod") > 0 || int_of(host, "CpuQuota") > 0))
        return invalid_input(
            "Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
    if (changes.contains("RestartPolicy") && host.value("AutoRemove", false) &&
        changes["RestartPolicy"].value("Name", "no") != "no")
        return invalid_input(
            "Restart policy cannot be updated because AutoRemove is enabled for the container");
    return {};
}

}  // namespace

oci::Resources resources_for_update(const json& changes) {
    oci::Resources r;
    auto mem = [&]() -> oci::MemoryResources& {
        if (!r.memory) r.memory = oci::MemoryResources{};
        return *r.memory;
    };
    auto cpu = [&]() -> oci::CpuResources& {
        if (!r.cpu) r.cpu = oci::CpuResources{};
        return *r.cpu;
    };
    if (changes.contains("Memory")) mem().limit = int_of(changes, "Memory");
    if (changes.contains("MemorySwap")) mem().swap = int_of(changes, "MemorySwap");
    if (changes.contains("CpuShares"))
        cpu().shares = static_cast<uint64_t>(int_of(changes, "CpuShares"));
    if (changes.contains("NanoCpus")) {
        // As at create (spec_limits.cpp): a 100 ms period and its share.
        cpu().period = 100000;
        cpu().quota = int_of(changes, "NanoCpus") * 100000 / 1000000000;
    }
    if (changes.contains("CpuPeriod"))
        cpu().period = static_cast<uint64_t>(int_of(changes, "CpuPeriod"));
    if (changes.contains("CpuQuota")) cpu().quota = int_of(changes, "CpuQuota");
    if (changes.contains("CpusetCpus")) cpu().cpus = changes.value("CpusetCpus", "");
    if (changes.contains("PidsLimit")) {
        const int64_t v = int_of(changes, "PidsLimit");
        r.pids = oci::PidsResources{v > 0 ? v : -1};
    }
    if (changes.contains("BlkioWeight")) {
        r.block_io = oci::BlockIoResources{};
        r.block_io->weight = static_cast<uint16_t>(int_of(changes, "BlkioWeight"));
    }
    return r;
}

Status update_container(Engine& eng, const std::string& name_or_id, const json& changes) {
    TRY_ASSIGN(auto locked, eng.lock(name_or_id));
    ContainerRow& row = locked.row;
    json cfg = json::parse(row.config, nullptr, false);
    if (cfg.is_discarded() || !cfg.is_object())
        return invalid_input("container " + row.id + ": stored config is not JSON");
    const json old_host = cfg.value("HostConfig", json::object());
    json host = old_host;
    for (auto it = changes.begin(); it != changes.end(); ++it) host[it.key()] = it.value();
    TRY(check(old_host, changes, host).context("Cannot update container " + row.id));
    // The running container first: when its runtime refuses, nothing is kept.
    if (row.status == "running" || row.status == "restarting") {
        const oci::Resources r = resources_for_update(changes);
        if (r.memory || r.cpu || r.pids || r.block_io) {
            TRY_ASSIGN(auto rt, eng.runtime_of(row));
            TRY(rt->update(row.id, r).context("Cannot update container " + row.id));
        }
    }
    cfg["HostConfig"] = host;
    TRY(eng.db().set_config(row.id, cfg.dump()));
    events::emit(eng.paths(), row, "update");
    return {};
}

}  // namespace nook::engine
