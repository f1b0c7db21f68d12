// Process lock-down: capabilities, seccomp, rlimits, identity, no_new_privs,
// io priority, scheduler and personality.
//
// Split in two so the child does as little as possible after clone:
//   prepare()  runs in the PARENT: turns the spec's names into numbers,
//              compiles the seccomp filter to BPF with libseccomp, and fails
//              with a one-line error naming the field and value.
//   apply()    runs in the CHILD as the last step before execve: only system
//              calls on the already-computed values (no parsing, no libseccomp).
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::runtime::security {

// The five capability sets as bitmasks (bit N = capability number N).
// Capabilities the running kernel does not know are already left out.
struct CapSets {
    uint64_t bounding = 0;
    uint64_t effective = 0;
    uint64_t inheritable = 0;
    uint64_t permitted = 0;
    uint64_t ambient = 0;
};

struct RlimitSetting {
    int resource = 0;  // RLIMIT_NOFILE, ...
    uint64_t soft = 0;
    uint64_t hard = 0;
    std::string name;  // "RLIMIT_NOFILE", for error messages
};

struct Identity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> additional_gids;
    std::optional<mode_t> umask;  // unset: leave the inherited umask
    // setgroups(2) is refused in a user namespace whose /proc/PID/setgroups is
    // "deny" (rootless); the caller sets this false there and groups are left alone.
    bool set_groups = true;
};

struct SeccompProgram {
    std::vector<sock_filter> filter;  // from seccomp_export_bpf
    unsigned int flags = 0;           // SECCOMP_FILTER_FLAG_* for seccomp(2)
    bool notify = false;              // some rule is SCMP_ACT_NOTIFY: send the listener fd
};

// Where the notify fd of a filter with SCMP_ACT_NOTIFY rules goes: the
// connection to linux.seccomp.listenerPath (made by the runtime parent while
// the host's paths are in view) and the containerProcessState JSON to send
// with the fd.
struct SeccompListener {
    int sock = -1;  // not owned
    std::string process_state;
};

// sched_setattr(2) arguments, already validated.
struct SchedulerSetting {
    uint32_t policy = 0;
    uint64_t flags = 0;
    int32_t nice = 0;
    uint32_t priority = 0;
    uint64_t runtime = 0;
    uint64_t deadline = 0;
    uint64_t period = 0;
};

struct ProcessSecurity {
    std::optional<CapSets> caps;  // unset: capabilities are left as they are (as runc)
    std::vector<RlimitSetting> rlimits;
    Identity user;
    bool no_new_privs = false;
    std::optional<SeccompProgram> seccomp;
    std::optional<int> io_priority;  // ioprio value: (class << 13) | level
    std::optional<SchedulerSetting> scheduler;
    std::optional<unsigned long> personality;  // PER_LINUX, PER_LINUX32
    int last_cap = 0;                          // /proc/sys/kernel/cap_last_cap, read in the parent
};

Result<ProcessSecurity> prepare(const oci::Process& process,
                                const std::optional<oci::Seccomp>& seccomp,
                                const std::optional<oci::Personality>& personality);

// In the child, as the LAST step before execve. Order (as runc): rlimits;
// personality; io priority; scheduler; if !no_new_privs load seccomp now (needs
// CAP_SYS_ADMIN); drop bounding set; PR_SET_KEEPCAPS; setgroups, setresgid,
// setresuid; clear KEEPCAPS; capset(effective, permitted, inheritable); raise
// ambient; umask; if no_new_privs: PR_SET_NO_NEW_PRIVS then load seccomp.
// Each failure names the step.
// With a notify filter, the filter's fd goes to listener.sock with
// listener.process_state (SCM_RIGHTS) right after it is loaded.
Status apply(const ProcessSecurity& sec, const SeccompListener& listener = {});

// The parent writes /proc/PID/oom_score_adj. Lowering it below the current
// value needs CAP_SYS_RESOURCE; the error says so.
Status set_oom_score_adj(pid_t pid, int value);

// Name lists for `features` (exactly what prepare() accepts).
std::vector<std::string> known_capabilities();
std::vector<std::string> seccomp_actions();    // SCMP_ACT_*
std::vector<std::string> seccomp_operators();  // SCMP_CMP_*
std::vector<std::string> seccomp_archs();      // SCMP_ARCH_*
std::vector<std::string> seccomp_flags();      // SECCOMP_FILTER_FLAG_*

}  // namespace nook::runtime::security
