// Running a host helper program (ps for `top`, tar for `cp`) with chosen
// stdin/stdout, optionally with one extra fd passed as fd 3.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace nook::sys {

struct SpawnFds {
    int in = -1;  // -1: inherit ours
    int out = -1;
    int err = -1;
    int extra = -1;  // becomes fd 3 in the child when >= 0
    // The child leads a new session (and process group): nothing it or its
    // descendants send to their process group reaches us.
    bool new_session = false;
};

// fork + execvp(argv[0]); the child has default signal dispositions and
// an empty signal mask (a foreground CLI blocks the signals it forwards).
Result<pid_t> spawn(const std::vector<std::string>& argv, const SpawnFds& fds);
// Wait for pid; its exit code (128+n for signal n).
Result<int> wait_exit_code(pid_t pid);
// Run argv and collect its stdout; fails naming argv[0] when it exits non-zero.
Result<std::string> run_capture(const std::vector<std::string>& argv);

}  // namespace nook::sys
