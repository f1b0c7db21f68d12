// nook update [--memory --memory-swap --cpus --cpu-shares --cpu-quota
//   --cpu-period --cpuset-cpus --pids-limit --restart --blkio-weight] CONTAINER...
// New limits for running or stopped containers (engine/update.h): written to
// a running one's cgroup by its runtime and kept in its HostConfig. Prints
// each container as named, as docker does; a failure names it, exit 1 at the end.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/nook/container_common.h"
#include "cli/nook/flags_limits_parts.h"
#include "engine/monitor/restart_policy.h"
#include "engine/spec/host_options.h"
#include "engine/update.h"

namespace nook::cli {

namespace {

using json = nlohmann::json;
namespace opts = engine::opts;

struct UpdateFlags {
    std::vector<std::string> names;
    std::string memory, swap, cpus, shares, period, quota, cpuset, pids, restart, blkio;
};

// The HostConfig keys the flags change, checked as docker's CLI and daemon do.
Result<json> changes_of(const UpdateFlags& f) {
    json h = json::object();
    if (!f.memory.empty()) {
        auto v = opts::parse_size(f.memory);
        if (!v.ok()) return bad_flag("-m, --memory", f.memory, v.error());
        if (*v > 0 && *v < 6 * 1024 * 1024)
            return bad_flag("-m, --memory", f.memory,
                            invalid_input("minimum memory limit allowed is 6MB"));
        h["Memory"] = *v;
    }
    if (!f.swap.empty()) {
        auto v = opts::parse_swap(f.swap);
        if (!v.ok()) return bad_flag("--memory-swap", f.swap, v.error());
        h["MemorySwap"] = *v;
    }
    if (!f.cpus.empty()) {
        auto v = opts::parse_nano_cpus(f.cpus);
        if (!v.ok()) return bad_flag("--cpus", f.cpus, v.error());
        long n = ::sysconf(_SC_NPROCESSORS_ONLN);
        if (*v < 10000000 || *v > int64_t{n} * 1000000000)
            return bad_flag(
                "--cpus", f.cpus,
                invalid_input("range of CPUs is from 0.01 to " + std::to_string(n) +
                              ".00, as there are only " + std::to_string(n) + " CPUs available"));
        h["NanoCpus"] = *v;
    }
    if (!f.shares.empty()) {
        TRY_ASSIGN(int64_t v, parse_int("-c, --cpu-shares", f.shares));
        if (v < 0)
            return bad_flag("-c, --cpu-shares", f.shares, invalid_input("must not be negative"));
        h["CpuShares"] = v;
    }
    if (!f.period.empty()) {
        TRY_ASSIGN(int64_t v, parse_int("--cpu-period", f.period));
        if (v != 0 && (v < 1000 || v > 1000000))
            return bad_flag("--cpu-period", f.period,
                            invalid_input("CPU cfs period can not be less than 1ms (i.e. 1000) or "
                                          "larger than 1s (i.e. 1000000)"));
        h["CpuPeriod"] = v;
    }
    if (!f.quota.empty()) {
        TRY_ASSIGN(int64_t v, parse_int("--cpu-quota", f.quota));
        if (v > 0 && v < 1000)
            return bad_flag("--cpu-quota", f.quota,
                            invalid_input("CPU cfs quota can not be less than 1ms (i.e. 1000)"));
        h["CpuQuota"] = v;
    }
    if (!f.cpuset.empty()) {
        auto v = opts::parse_cpuset(f.cpuset);
        if (!v.ok()) return bad_flag("--cpuset-cpus", f.cpuset, v.error());
        h["CpusetCpus"] = f.cpuset;
    }
    if (!f.pids.empty()) {
        TRY_ASSIGN(int64_t v, parse_int("--pids-limit", f.pids));
        h["PidsLimit"] = v <= 0 ? -1 : v;
    }
    if (!f.blkio.empty()) {
        TRY_ASSIGN(int64_t v, parse_int("--blkio-weight", f.blkio));
        if (v != 0 && (v < 10 || v > 1000))
            return bad_flag("--blkio-weight", f.blkio,
                            invalid_input("range of blkio weight is from 10 to 1000"));
        h["BlkioWeight"] = v;
    }
    if (!f.restart.empty()) {
        auto p = engine::parse_restart_flag(f.restart);
        if (!p.ok()) return bad_flag("--restart", f.restart, p.error());
        h["RestartPolicy"] = engine::restart_policy_json(*p);
    }
    if (h.empty())
        return invalid_input("you must provide one or more flags when using this command");
    return h;
}

}  // namespace

void setup_update(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<UpdateFlags>();
    cmd.add_option("container", f->names, "Containers to update")->required();
    cmd.add_option("-m,--memory", f->memory, "Memory limit");
    cmd.add_option("--memory-swap", f->swap,
                   "Swap limit equal to memory plus swap: -1 to enable unlimited swap");
    cmd.add_option("--cpus", f->cpus, "Number of CPUs");
    cmd.add_option("-c,--cpu-shares", f->shares, "CPU shares (relative weight)");
    cmd.add_option("--cpu-period", f->period, "Limit CPU CFS (Completely Fair Scheduler) period");
    cmd.add_option("--cpu-quota", f->quota, "Limit CPU CFS (Completely Fair Scheduler) quota");
    cmd.add_option("--cpuset-cpus", f->cpuset, "CPUs in which to allow execution (0-3, 0,1)");
    cmd.add_option("--pids-limit", f->pids, "Tune container pids limit (set -1 for unlimited)");
    cmd.add_option("--blkio-weight", f->blkio,
                   "Block IO (relative weight), between 10 and 1000, or 0 to disable");
    cmd.add_option("--restart", f->restart, "Restart policy to apply when a container exits");
    cmd.callback([&g, f] {
        auto changes = changes_of(*f);
        if (!changes.ok()) return fail(g, changes.error());
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        bool failed = false;
        for (auto& n : f->names) {
            auto st = engine::update_container(*eng, n, *changes);
            if (!st.ok()) {
                std::fprintf(stderr, "nook: %s\n", st.error().what().c_str());
                failed = true;
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
        if (failed) g.exit_code = 1;  // docker: a StatusError 1 after the others
    });
}

}  // namespace nook::cli
