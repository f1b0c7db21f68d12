// The raw bpf(2) calls the cgroup-v2 device controller needs: load a
// BPF_PROG_TYPE_CGROUP_DEVICE program from hand-built instructions, attach it
// to a cgroup dir, list and detach the programs already there. No libbpf.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// Load a cgroup device program; on rejection the error carries the
// verifier's log so a bad program is diagnosable.
Result<UniqueFd> bpf_load_cgroup_device_prog(const std::vector<bpf_insn>& insns,
                                             const std::string& license);
// Attach prog_fd to the cgroup dir fd as BPF_CGROUP_DEVICE with the given flags
// (BPF_F_ALLOW_MULTI so several programs can coexist and be replaced).
Status bpf_attach_cgroup_device(int cgroup_fd, int prog_fd, uint32_t flags);
Status bpf_detach_cgroup_device(int cgroup_fd, int prog_fd);
// The ids of the BPF_CGROUP_DEVICE programs attached directly to the cgroup.
Result<std::vector<uint32_t>> bpf_query_cgroup_device(int cgroup_fd);
Result<UniqueFd> bpf_prog_fd_by_id(uint32_t id);

}  // namespace nook::sys
