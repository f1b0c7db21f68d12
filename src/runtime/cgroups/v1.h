// The v1 back-end (also hybrid: v1 controllers plus a mirror dir on the
// controller-less cgroup2 mount, used only for membership and for the few
// controllers the kernel bound to v2, e.g. hugetlb here).
#pragma once

#include <map>
#include <string>

#include "runtime/cgroups/manager.h"

namespace nook::runtime::cgroups {

class V1Manager final : public Manager {
  public:
    // dirs: controller -> cgroup dir; unified_dir/unified_root empty on pure v1.
    V1Manager(std::map<std::string, std::string> dirs, std::string unified_root,
              std::string unified_dir)
        : dirs_(std::move(dirs)),
          unified_root_(std::move(unified_root)),
          unified_dir_(std::move(unified_dir)) {}

    Layout layout() const override { return unified_dir_.empty() ? Layout::v1 : Layout::hybrid; }
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
    std::map<std::string, std::string> paths() const override;

  private:
    const std::string* dir(const std::string& ctrl) const;
    Result<std::string> require(const std::string& ctrl, const std::string& field) const;
    std::vector<std::string> unique_dirs() const;
    Status make_cpuset(const std::string& d) const;
    Status set_freezer(const std::string& state);

    Status apply_memory(const oci::MemoryResources& m);
    Status apply_cpu(const oci::CpuResources& c);
    Status apply_blkio(const oci::BlockIoResources& b);
    Status apply_hugetlb(const std::vector<oci::HugepageLimit>& h);
    Status apply_network(const oci::NetworkResources& n);
    Status apply_rdma(const std::map<std::string, oci::RdmaLimit>& r);
    Status apply_devices(const std::vector<oci::DeviceCgroupRule>& d);
    Status apply_unified(const std::map<std::string, std::string>& u);
    // Hybrid: enable a v2-bound controller on the path to the unified dir.
    Status enable_unified_controller(const std::string& ctrl);

    std::map<std::string, std::string> dirs_;
    std::string unified_root_;
    std::string unified_dir_;
};

// "c hca_handle=N hca_object=M" body of rdma.max (shared with v2).
std::string rdma_limit_line(const std::string& dev, const oci::RdmaLimit& l);

}  // namespace nook::runtime::cgroups
