// Process creation and control: clone3, pidfds, signals, waiting, naming.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

struct CloneArgs {
    uint64_t flags = 0;    // CLONE_NEW*, CLONE_PIDFD, CLONE_INTO_CGROUP ...
    int cgroup_fd = -1;    // with CLONE_INTO_CGROUP
    int exit_signal = 17;  // SIGCHLD
};

struct Cloned {
    pid_t pid = -1;  // 0 in the child
    UniqueFd pidfd;  // in the parent, when CLONE_PIDFD was asked for
};

// clone3(2) with fork semantics (no shared VM): returns twice, like fork().
Result<Cloned> clone3(const CloneArgs& args);

Result<UniqueFd> pidfd_open(pid_t pid);
Status pidfd_send_signal(int pidfd, int sig);
Status send_signal(pid_t pid, int sig);

// waitpid with EINTR retry; returns the raw status.
Result<int> wait_pid(pid_t pid, int options = 0);
// Exit code as a shell reports it: code, or 128+signal.
int exit_code_from_status(int status);

// Set every signal's disposition to SIG_DFL (raw rt_sigaction: glibc refuses
// its reserved signals 32 and 33). Ignored signals survive execve, so a
// container process would otherwise inherit whatever its launcher ignored.
void reset_signal_dispositions();

// Name the calling process (prctl PR_SET_NAME; shows in ps/top).
void set_process_name(const char* name);
// Die with SIGKILL when the parent dies.
Status set_parent_death_signal(int sig);
// Orphaned descendants are reparented to us instead of to init (so a
// container init created by an external runtime becomes our child).
Status set_child_subreaper();

struct ProcStat {
    char state = '?';  // R, S, D, Z, ...
    uint64_t start_time = 0;
};
// Parsed /proc/PID/stat fields 3 (state) and 22 (starttime).
Result<ProcStat> process_stat(pid_t pid);

// Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat);
// used to tell a live container process from a recycled pid.
Result<uint64_t> process_start_time(pid_t pid);

}  // namespace nook::sys
