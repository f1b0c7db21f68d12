// Raw system calls for process lock-down: capabilities (capget/capset and the
// capability prctls), seccomp(2), identity, rlimits, io priority, scheduler,
// personality. Each returns a Status whose message names the call and values.
// These run in the container child right before execve.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// The three capget/capset sets as 64-bit masks (capability ABI version 3).
struct CapState {
    uint64_t effective = 0;
    uint64_t permitted = 0;
    uint64_t inheritable = 0;
};

Result<CapState> cap_get();
Status cap_set(const CapState& caps);
// PR_CAPBSET_DROP for one capability number.
Status cap_bound_drop(int cap);
// PR_CAPBSET_READ: whether the capability is in the bounding set.
Result<bool> cap_bound_has(int cap);
Status cap_ambient_clear_all();
Status cap_ambient_raise(int cap);
Status set_keep_caps(bool keep);
Status set_no_new_privs();
Result<bool> get_no_new_privs();

// seccomp(SECCOMP_SET_MODE_FILTER, flags, prog).
Status seccomp_set_filter(const sock_filter* filter, size_t count, unsigned int flags);
// The same with SECCOMP_FILTER_FLAG_NEW_LISTENER added: returns the filter's
// user-notification fd (close-on-exec).
Result<UniqueFd> seccomp_set_filter_listener(const sock_filter* filter, size_t count,
                                             unsigned int flags);

Status set_groups(const gid_t* gids, size_t count);
Status set_res_gid(gid_t gid);
Status set_res_uid(uid_t uid);

// prlimit(0, resource, {soft, hard}) on the calling process.
Status set_rlimit(int resource, uint64_t soft, uint64_t hard);

// ioprio_set(IOPRIO_WHO_PROCESS, 0, value).
Status ioprio_set_self(int value);

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1 layout), declared here
// because glibc does not expose it and linux/sched/types.h is not always there.
struct SchedAttr {
    uint32_t size = sizeof(SchedAttr);
    uint32_t sched_policy = 0;
    uint64_t sched_flags = 0;
    int32_t sched_nice = 0;
    uint32_t sched_priority = 0;
    uint64_t sched_runtime = 0;
    uint64_t sched_deadline = 0;
    uint64_t sched_period = 0;
    uint32_t sched_util_min = 0;
    uint32_t sched_util_max = 0;
};
Status sched_setattr_self(const SchedAttr& attr);

Status set_personality(unsigned long persona);
// umask(2) cannot fail.
void set_umask(mode_t mask);

// An anonymous in-memory file (memfd_create with MFD_CLOEXEC).
Result<UniqueFd> memfd(const char* name);
// Everything in a regular file from offset 0, whatever the current offset is.
Result<std::string> read_from_start(int fd);

// The highest capability number the running kernel knows (/proc/sys/kernel/cap_last_cap).
Result<int> cap_last_cap();

}  // namespace nook::sys
