// `update`: change the cgroup limits of a running container, from a
// resources JSON (-r FILE, or - for stdin) and/or runc's individual flags.
#include <unistd.h>

#include <cctype>
#include <optional>

#include "cli/runtime/commands.h"
#include "oci/spec_json.h"
#include "runtime/container_ops.h"
#include "sys/file.h"

namespace nook::cli {

namespace {

struct UpdateFlags {
    std::string id, resources_file;
    std::string memory, memory_reservation, memory_swap, cpuset_cpus, cpuset_mems;
    std::optional<uint64_t> cpu_period, cpu_share, cpu_rt_period, blkio_weight;
    std::optional<int64_t> cpu_quota, cpu_rt_runtime, pids_limit;
};

// "512m", "1g", "1024", "-1" -> bytes, as runc/docker accept.
Result<int64_t> parse_bytes(const std::string& flag, const std::string& v) {
    if (v == "-1") return int64_t{-1};
    char* end = nullptr;
    double n = std::strtod(v.c_str(), &end);
    if (v.empty() || end == v.c_str() || n < 0) return invalid_input(flag + ": invalid size: " + v);
    std::string unit = end;
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    double mult = 1;
    if (unit == "k")
        mult = 1024.0;
    else if (unit == "m")
        mult = 1024.0 * 1024;
    else if (unit == "g")
        mult = 1024.0 * 1024 * 1024;
    else if (unit == "t")
        mult = 1024.0 * 1024 * 1024 * 1024;
    else if (!unit.empty())
        return invalid_input(flag + ": invalid size unit: " + v);
    return static_cast<int64_t>(n * mult);
}

Result<oci::Resources> read_resources(const std::string& file) {
    std::string text;
    if (file == "-") {
        TRY_ASSIGN(text, sys::read_fd(0));
    } else {
        TRY_ASSIGN(text, sys::read_file(file));
    }
    TRY_ASSIGN(oci::Spec s,
               oci::parse_spec("{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":" + text + "}}",
                               file == "-" ? "stdin" : file));
    return *s.linux_->resources;
}

Result<oci::Resources> build(const UpdateFlags& f) {
    oci::Resources r;
    if (!f.resources_file.empty()) {
        TRY_ASSIGN(r, read_resources(f.resources_file));
    }
    auto mem = [&]() -> oci::MemoryResources& {
        if (!r.memory) r.memory = oci::MemoryResources{};
        return *r.memory;
    };
    auto cpu = [&]() -> oci::CpuResources& {
        if (!r.cpu) r.cpu = oci::CpuResources{};
        return *r.cpu;
    };
    if (!f.memory.empty()) {
        TRY_ASSIGN(mem().limit, parse_bytes("--memory", f.memory));
    }
    if (!f.memory_reservation.empty()) {
        TRY_ASSIGN(mem().reservation, parse_bytes("--memory-reservation", f.memory_reservation));
    }
    if (!f.memory_swap.empty()) {
        TRY_ASSIGN(mem().swap, parse_bytes("--memory-swap", f.memory_swap));
    }
    if (f.cpu_period) cpu().period = f.cpu_period;
    if (f.cpu_quota) cpu().quota = f.cpu_quota;
    if (f.cpu_share) cpu().shares = f.cpu_share;
    if (f.cpu_rt_period) cpu().realtime_period = f.cpu_rt_period;
    if (f.cpu_rt_runtime) cpu().realtime_runtime = f.cpu_rt_runtime;
    if (!f.cpuset_cpus.empty()) cpu().cpus = f.cpuset_cpus;
    if (!f.cpuset_mems.empty()) cpu().mems = f.cpuset_mems;
    if (f.pids_limit) r.pids = oci::PidsResources{*f.pids_limit};
    if (f.blkio_weight) {
        if (!r.block_io) r.block_io = oci::BlockIoResources{};
        r.block_io->weight = static_cast<uint16_t>(*f.blkio_weight);
    }
    return r;
}

Status update(const GlobalOptions& g, const UpdateFlags& f) {
    auto store = g.store();
    TRY_ASSIGN(runtime::ContainerLock lock, store.lock(f.id));
    TRY_ASSIGN(runtime::ContainerRecord rec, store.load(f.id));
    std::string status = runtime::container_status(store, rec);
    if (status == "stopped") return invalid_input("container " + f.id + " is not running");
    TRY_ASSIGN(oci::Resources r, build(f));
    TRY_ASSIGN(auto cg, runtime::container_cgroup(rec));
    return cg->apply(r);
}

}  // namespace

void register_update(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("update", "update the resource limits of a container");
    static UpdateFlags f;
    sub->add_option("id", f.id, "container id")->required();
    sub->add_option("-r,--resources", f.resources_file, "resources JSON file, - for stdin");
    sub->add_option("--memory", f.memory, "memory limit (bytes, or with k/m/g)");
    sub->add_option("--memory-reservation", f.memory_reservation, "memory soft limit");
    sub->add_option("--memory-swap", f.memory_swap, "memory + swap limit (-1: unlimited)");
    sub->add_option("--cpu-period", f.cpu_period, "CPU CFS period (us)");
    sub->add_option("--cpu-quota", f.cpu_quota, "CPU CFS quota (us)");
    sub->add_option("--cpu-share", f.cpu_share, "CPU shares (relative weight)");
    sub->add_option("--cpu-rt-period", f.cpu_rt_period, "CPU realtime period (us)");
    sub->add_option("--cpu-rt-runtime", f.cpu_rt_runtime, "CPU realtime runtime (us)");
    sub->add_option("--cpuset-cpus", f.cpuset_cpus, "CPUs to allow (0-3, 0,1)");
    sub->add_option("--cpuset-mems", f.cpuset_mems, "memory nodes to allow");
    sub->add_option("--pids-limit", f.pids_limit, "maximum number of processes");
    sub->add_option("--blkio-weight", f.blkio_weight, "block IO weight (10-1000)");
    sub->callback([&g] { g.exit_code = finish(update(g, f)); });
}

}  // namespace nook::cli
