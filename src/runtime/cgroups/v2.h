// The cgroup v2 (unified) back-end: one dir, controllers enabled on the way
// down from the root, devices through an eBPF program.
#pragma once

#include <string>

#include "runtime/cgroups/manager.h"

namespace nook::runtime::cgroups {

class V2Manager final : public Manager {
  public:
    V2Manager(std::string root, std::string dir) : root_(std::move(root)), dir_(std::move(dir)) {}

    Layout layout() const override { return Layout::v2; }
    Status create() override;
    Status apply(const oci::Resources& r) override;
    Status add_process(pid_t pid) override;
    Result<UniqueFd> clone_into_fd() override;
    JoinPlan join_plan(bool can_self_attach) override;
    Status freeze() override;
    Status thaw() override;
    Result<bool> is_frozen() override;
    Result<std::vector<pid_t>> pids() override;
    Status kill_all(int sig) override;
    Result<Stats> stats() override;
    Result<UniqueFd> oom_event_fd() override;
    Result<uint64_t> oom_kill_count() override;
    Status destroy() override;
    std::map<std::string, std::string> paths() const override { return {{"unified", dir_}}; }

  private:
    Status set_frozen(bool frozen);
    Status apply_memory(const oci::MemoryResources& m);
    Status apply_cpu(const oci::CpuResources& c);
    Status apply_io(const oci::BlockIoResources& b);

    std::string root_;
    std::string dir_;
};

}  // namespace nook::runtime::cgroups
