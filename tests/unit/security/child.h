// Run a check in a forked child: the security settings apply to the child
// only, so the test process keeps its privileges.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "base/owned_pid.h"

namespace nook::test {

struct ChildResult {
    std::string message;  // what the child reported ("" means every check passed)
    int signal = 0;       // set when the child was killed by a signal
    int exit_code = -1;
};

// `fn` runs in the child and returns "" on success or a description of the
// first failed check. No gtest macros in the child: its result travels back
// over a pipe.
inline ChildResult run_in_child(const std::function<std::string()>& fn) {
    ChildResult res;
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) {
        res.message = "pipe failed";
        return res;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(p[0]);
        std::string msg = fn();
        if (!msg.empty()) (void)!::write(p[1], msg.data(), msg.size());
        ::_exit(msg.empty() ? 0 : 1);
    }
    ::close(p[1]);
    OwnedPid owner(pid);
    char buf[512];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0) res.message.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int status = owner.wait();
    if (WIFSIGNALED(status)) res.signal = WTERMSIG(status);
    if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
    return res;
}

// "" when cond holds, else the description: for chaining checks in a child.
inline std::string check(bool cond, const std::string& what) {
    return cond ? "" : what;
}

}  // namespace nook::test
