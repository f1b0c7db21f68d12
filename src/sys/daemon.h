// What a daemonless engine needs to detach a per-container monitor and feed
// it the container's output: pipes, fork/setsid, fd plumbing, polling reads,
// re-executing the current binary. EINTR is retried everywhere.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};
// pipe2 with O_CLOEXEC on both ends.
Result<Pipe> make_pipe();

// fork(2): 0 in the child.
Result<pid_t> fork_process();
Status new_session();
// dup2(fd, target); the new fd has no close-on-exec flag.
Status dup_onto(int fd, int target, const std::string& what);

// Wait up to timeout_ms (-1: forever) for any of fds to be readable or hung
// up; returns which ones are (by index into fds).
Result<std::vector<bool>> poll_readable(const std::vector<int>& fds, int timeout_ms);
// One read(2); 0 at end of file.
Result<size_t> read_some(int fd, char* buf, size_t len);

// True when pid exists (kill(pid, 0) does not fail with ESRCH).
bool pid_exists(pid_t pid);

// execve /proc/self/exe with argv (argv[0] as given) and extra "K=V" entries
// added to the environment. Returns only on failure.
Status exec_self(const std::vector<std::string>& argv, const std::vector<std::string>& env_add);

// Bytes from the kernel's random pool (getrandom).
Result<std::string> random_bytes(size_t n);

// Block sigs and return a signalfd that reports them (for forwarding).
Result<UniqueFd> signal_fd(const std::vector<int>& sigs);
// The next pending signal on a signalfd; 0 when none is pending.
Result<int> read_signal(int fd);

// SIGPIPE ignored (writes to a closed pipe fail with EPIPE) or default.
void ignore_sigpipe(bool ignore);

// Milliseconds of sleep, restarting after signals.
void sleep_ms(int ms);

}  // namespace nook::sys
