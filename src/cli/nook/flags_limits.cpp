// run/create flags: limits group (see create_flags.h and flags_limits_parts.h).
// This part: resource limits -> HostConfig Memory, MemorySwap, NanoCpus,
// CpuShares, CpusetCpus, PidsLimit, Ulimits, ShmSize, OomScoreAdj, Sysctls,
// GroupAdd, checked as docker's daemon checks them at create.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "cli/nook/flags_limits_parts.h"
#include "engine/spec/host_options.h"
#include "sys/file.h"

namespace nook::cli {

Result<int64_t> parse_int(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE)
        return bad_flag(flag, v, invalid_input("not an integer"));
    return static_cast<int64_t>(n);
}

namespace {

using json = nlohmann::json;
namespace opts = engine::opts;

constexpr int64_t kMinMemory = 6 * 1024 * 1024;  // docker's floor

// Every CPU number the host has online ("0-1" in /sys).
std::vector<int> online(const std::string& path) {
    auto text = sys::read_file(path);
    if (!text.ok()) return {};
    std::string s = *text;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    auto v = opts::parse_cpuset(s);
    return v.ok() ? *v : std::vector<int>{};
}

class ResourceFlags : public FlagGroup {
  public:
    // The repeatable flags here and in the other parts take one value per
    // use (allow_extra_args(false)): else the last one would swallow IMAGE.
    explicit ResourceFlags(CLI::App& cmd) {
        cmd.add_option("-m,--memory", memory_, "Memory limit (e.g. 512m, 1g)");
        cmd.add_option("--memory-swap", swap_, "Memory plus swap limit; -1: unlimited swap");
        cmd.add_option("--memory-reservation", reservation_, "Memory soft limit");
        cmd.add_option("--memory-swappiness", swappiness_, "Memory swappiness (0 to 100)");
        cmd.add_option("--cpus", cpus_, "Number of CPUs (e.g. 1.5)");
        cmd.add_option("-c,--cpu-shares", shares_, "CPU shares (relative weight)");
        cmd.add_option("--cpu-period", period_, "CPU CFS period (microseconds)");
        cmd.add_option("--cpu-quota", quota_, "CPU CFS quota (microseconds)");
        cmd.add_option("--cpuset-cpus", cpuset_cpus_,
                       "CPUs in which to allow execution (0-3, 0,1)");
        cmd.add_option("--cpuset-mems", cpuset_mems_, "Memory nodes in which to allow execution");
        cmd.add_option("--pids-limit", pids_, "Tune container pids limit (-1 for unlimited)");
        cmd.add_option("--ulimit", ulimits_, "Ulimit options (name=soft[:hard])")
            ->allow_extra_args(false);
        cmd.add_option("--oom-score-adj", oom_score_adj_,
                       "Tune host's OOM preferences (-1000 to 1000)");
        cmd.add_option("--shm-size", shm_size_, "Size of /dev/shm (default 64m)");
        cmd.add_option("--sysctl", sysctls_, "Sysctl options (key=value)")->allow_extra_args(false);
        cmd.add_option("--group-add", group_add_, "Additional groups to join")
            ->allow_extra_args(false);
    }

    Status apply(engine::RunRequest& req) override {
        json& h = req.host_config;
        int64_t memory = 0, swap = 0;
        if (!memory_.empty()) {
            auto v = opts::parse_size(memory_);
            if (!v.ok()) return bad_flag("-m, --memory", memory_, v.error());
            if (*v != 0 && *v < kMinMemory)
                return bad_flag("-m, --memory", memory_,
                                invalid_input("minimum memory limit allowed is 6MB"));
            memory = *v;
            h["Memory"] = memory;
        }
        if (!swap_.empty()) {
            auto v = opts::parse_swap(swap_);
            if (!v.ok()) return bad_flag("--memory-swap", swap_, v.error());
            if (*v != 0 && memory == 0)
                return bad_flag("--memory-swap", swap_,
                                invalid_input("you should always set the memory limit (--memory) "
                                              "when using a memoryswap limit"));
            if (*v > 0 && *v < memory)
                return bad_flag(
                    "--memory-swap", swap_,
                    invalid_input("minimum memoryswap limit should be larger than memory limit"));
            swap = *v;
        } else if (memory > 0) {
            swap = memory * 2;  // docker: as much swap as memory
        }
        if (swap != 0) h["MemorySwap"] = swap;
        if (!reservation_.empty()) {
            auto v = opts::parse_size(reservation_);
            if (!v.ok()) return bad_flag("--memory-reservation", reservation_, v.error());
            if (memory > 0 && *v > memory)
                return bad_flag("--memory-reservation", reservation_,
                                invalid_input("minimum memory limit can not be less than memory "
                                              "reservation limit"));
            h["MemoryReservation"] = *v;
        }
        if (!swappiness_.empty()) {
            TRY_ASSIGN(int64_t v, parse_int("--memory-swappiness", swappiness_));
            if (v < -1 || v > 100)
                return bad_flag("--memory-swappiness", swappiness_,
                                invalid_input("valid memory swappiness range is 0-100"));
            if (v >= 0) h["MemorySwappiness"] = v;
        }
        TRY(apply_cpu(h));
        if (!pids_.empty()) {
            TRY_ASSIGN(int64_t v, parse_int("--pids-limit", pids_));
            h["PidsLimit"] = v <= 0 ? -1 : v;
        }
        if (!ulimits_.empty()) {
            json list = json::array();
            for (const auto& u : ulimits_) {
                auto v = opts::parse_ulimit(u);
                if (!v.ok()) return bad_flag("--ulimit", u, v.error());
                // A later flag for the same limit replaces the earlier one.
                for (auto it = list.begin(); it != list.end(); ++it)
                    if ((*it)["Name"] == (*v)["Name"]) {
                        list.erase(it);
                        break;
                    }
                list.push_back(*v);
            }
            h["Ulimits"] = list;
        }
        if (!oom_score_adj_.empty()) {
            TRY_ASSIGN(int64_t v, parse_int("--oom-score-adj", oom_score_adj_));
            if (v < -1000 || v > 1000)
                return bad_flag("--oom-score-adj", oom_score_adj_,
                                invalid_input("range for oom score adj is [-1000, 1000]"));
            h["OomScoreAdj"] = v;
        }
        if (!shm_size_.empty()) {
            auto v = opts::parse_size(shm_size_);
            if (!v.ok()) return bad_flag("--shm-size", shm_size_, v.error());
            if (*v <= 0)
                return bad_flag("--shm-size", shm_size_,
                                invalid_input("SHM size must be greater than 0"));
            h["ShmSize"] = *v;
        }
        if (!sysctls_.empty()) {
            const bool own_netns = h.value("NetworkMode", "none") == "none";
            json m = json::object();
            for (const auto& s : sysctls_) {
                auto eq = s.find('=');
                if (eq == std::string::npos || eq == 0)
                    return bad_flag("--sysctl", s, invalid_input("want key=value"));
                if (auto st = opts::check_sysctl(s.substr(0, eq), own_netns); !st.ok())
                    return bad_flag("--sysctl", s, st.error());
                m[s.substr(0, eq)] = s.substr(eq + 1);
            }
            h["Sysctls"] = m;
        }
        if (!group_add_.empty()) h["GroupAdd"] = group_add_;
        return {};
    }

  private:
    Status apply_cpu(json& h) {
        if (!cpus_.empty()) {
            auto v = opts::parse_nano_cpus(cpus_);
            if (!v.ok()) return bad_flag("--cpus", cpus_, v.error());
            if (!period_.empty() || !quota_.empty())
                return bad_flag("--cpus", cpus_,
                                invalid_input("conflicting options: --cpus and --cpu-period/"
                                              "--cpu-quota cannot both be set"));
            long n = ::sysconf(_SC_NPROCESSORS_ONLN);
            if (*v < 10000000 || *v > int64_t{n} * 1000000000)
                return bad_flag("--cpus", cpus_,
                                invalid_input("range of CPUs is from 0.01 to " + std::to_string(n) +
                                              ".00, as there are only " + std::to_string(n) +
                                              " CPUs available"));
            h["NanoCpus"] = *v;
        }
        if (!shares_.empty()) {
            TRY_ASSIGN(int64_t v, parse_int("-c, --cpu-shares", shares_));
            if (v < 0)
                return bad_flag("-c, --cpu-shares", shares_, invalid_input("must not be negative"));
            if (v > 0) h["CpuShares"] = v;
        }
        if (!period_.empty()) {
            TRY_ASSIGN(int64_t v, parse_int("--cpu-period", period_));
            if (v != 0 && (v < 1000 || v > 1000000))
                return bad_flag("--cpu-period", period_,
                                invalid_input("CPU cfs period can not be less than 1ms (i.e. 1000) "
                                              "or larger than 1s (i.e. 1000000)"));
            if (v) h["CpuPeriod"] = v;
        }
        if (!quota_.empty()) {
            TRY_ASSIGN(int64_t v, parse_int("--cpu-quota", quota_));
            if (v > 0 && v < 1000)
                return bad_flag(
                    "--cpu-quota", quota_,
                    invalid_input("CPU cfs quota can not be less than 1ms (i.e. 1000)"));
            if (v) h["CpuQuota"] = v;
        }
        TRY(apply_cpuset(h, "--cpuset-cpus", cpuset_cpus_, "CpusetCpus",
                         "/sys/devices/system/cpu/online", "CPUs"));
        TRY(apply_cpuset(h, "--cpuset-mems", cpuset_mems_, "CpusetMems",
                         "/sys/devices/system/node/online", "memory nodes"));
        return {};
    }

    static Status apply_cpuset(json& h, const std::string& flag, const std::string& value,
                               const char* field, const std::string& online_path,
                               const std::string& what) {
        if (value.empty()) return {};
        auto v = opts::parse_cpuset(value);
        if (!v.ok()) return bad_flag(flag, value, v.error());
        auto have = online(online_path);
        // No node list (a kernel without NUMA): only node 0 exists.
        if (have.empty()) have = {0};
        for (int c : *v)
            if (std::find(have.begin(), have.end(), c) == have.end())
                return bad_flag(flag, value,
                                invalid_input("requested " + what +
                                              " are not available - "
                                              "requested " +
                                              std::to_string(c)));
        h[field] = value;
        return {};
    }

    std::string memory_, swap_, reservation_, swappiness_, cpus_, shares_, period_, quota_;
    std::string cpuset_cpus_, cpuset_mems_, pids_, oom_score_adj_, shm_size_;
    std::vector<std::string> ulimits_, sysctls_, group_add_;
};

// The whole group: its parts in order (see flags_limits_parts.h).
class LimitsFlags : public FlagGroup {
  public:
    explicit LimitsFlags(CLI::App& cmd) {
        parts_.push_back(add_network_part(cmd));
        parts_.push_back(std::make_unique<ResourceFlags>(cmd));
        parts_.push_back(add_security_part(cmd));
        parts_.push_back(add_meta_part(cmd));
    }
    Status apply(engine::RunRequest& req) override {
        for (auto& p : parts_) TRY(p->apply(req));
        return {};
    }

  private:
    std::vector<std::unique_ptr<FlagGroup>> parts_;
};

}  // namespace

std::unique_ptr<FlagGroup> add_limits_flags(CLI::App& cmd) {
    return std::make_unique<LimitsFlags>(cmd);
}

}  // namespace nook::cli
