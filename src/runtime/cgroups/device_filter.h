// The cgroup-v2 device controller is an eBPF program. This builds one from the
// OCI device rules as raw BPF instructions (no libbpf, no compiler).
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::runtime::cgroups {

// Later rules win (OCI order), so blocks are emitted last rule first and the
// first matching block returns 1 (allow) or 0 (deny). No match denies.
Result<std::vector<bpf_insn>> build_device_filter(const std::vector<oci::DeviceCgroupRule>& rules);

// v1 text form of a rule: "c 1:3 rwm", "a *:* rwm".
Result<std::string> v1_device_rule(const oci::DeviceCgroupRule& rule);

// Load the filter and attach it to the cgroup dir, replacing the programs
// nook attached before (BPF_F_ALLOW_MULTI, then detach the old ones).
Status install_device_filter(const std::string& cgroup_dir,
                             const std::vector<oci::DeviceCgroupRule>& rules);

}  // namespace nook::runtime::cgroups
