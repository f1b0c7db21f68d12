// Waiting for a container process in the foreground (`run` and `exec`
// without -d): forward signals to it, proxy its pty when we own the console,
// and return its exit code as a shell would (code, or 128+signal).
#pragma once

#include <sys/types.h>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::runtime {

// Signals a foreground runtime forwards to the container process.
void block_forwarded_signals();

// pid must be our child. pty_master may be invalid (no terminal).
Result<int> wait_foreground(pid_t pid, UniqueFd pty_master);

}  // namespace nook::runtime
