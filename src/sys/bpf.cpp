#include "sys/bpf.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "sys/retry.h"

namespace nook::sys {
namespace {

long bpf_call(int cmd, bpf_attr* attr) {
    return retry_eintr([&] { return ::syscall(SYS_bpf, cmd, attr, sizeof(*attr)); });
}

}  // namespace

Result<UniqueFd> bpf_load_cgroup_device_prog(const std::vector<bpf_insn>& insns,
                                             const std::string& license) {
    std::string log(64 * 1024, '\0');
    bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = reinterpret_cast<uintptr_t>(insns.data());
    attr.insn_cnt = static_cast<uint32_t>(insns.size());
    attr.license = reinterpret_cast<uintptr_t>(license.c_str());
    attr.log_buf = reinterpret_cast<uintptr_t>(log.data());
    attr.log_size = static_cast<uint32_t>(log.size());
    attr.log_level = 1;
    long fd = bpf_call(BPF_PROG_LOAD, &attr);
    if (fd < 0 && errno == ENOSPC) {
        // The log buffer overflowed; retry without a log to get the real result.
        attr.log_buf = 0;
        attr.log_size = 0;
        attr.log_level = 0;
        fd = bpf_call(BPF_PROG_LOAD, &attr);
    }
    if (fd < 0) {
        int err = errno;
        std::string msg =
            "bpf(BPF_PROG_LOAD) cgroup device program (" + std::to_string(insns.size()) + " insns)";
        log.resize(std::strlen(log.c_str()));
        if (!log.empty()) msg += " verifier log: " + log;
        return Error(err, msg);
    }
    return UniqueFd(static_cast<int>(fd));
}

Status bpf_attach_cgroup_device(int cgroup_fd, int prog_fd, uint32_t flags) {
    bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = flags;
    if (bpf_call(BPF_PROG_ATTACH, &attr) < 0)
        return Error::from_errno("bpf(BPF_PROG_ATTACH) cgroup device program");
    return {};
}

Status bpf_detach_cgroup_device(int cgroup_fd, int prog_fd) {
    bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf_call(BPF_PROG_DETACH, &attr) < 0)
        return Error::from_errno("bpf(BPF_PROG_DETACH) cgroup device program");
    return {};
}

Result<std::vector<uint32_t>> bpf_query_cgroup_device(int cgroup_fd) {
    std::vector<uint32_t> ids(64);
    bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids.data());
    attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
    if (bpf_call(BPF_PROG_QUERY, &attr) < 0)
        return Error::from_errno("bpf(BPF_PROG_QUERY) cgroup device programs");
    ids.resize(attr.query.prog_cnt);
    return ids;
}

Result<UniqueFd> bpf_prog_fd_by_id(uint32_t id) {
    bpf_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.prog_id = id;
    long fd = bpf_call(BPF_PROG_GET_FD_BY_ID, &attr);
    if (fd < 0) return Error::from_errno("bpf(BPF_PROG_GET_FD_BY_ID) id " + std::to_string(id));
    return UniqueFd(static_cast<int>(fd));
}

}  // namespace nook::sys
