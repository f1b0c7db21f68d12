#include "runtime/hooks.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "base/log.h"
#include "base/owned_pid.h"
#include "sys/file.h"
#include "sys/process.h"

extern char** environ;

namespace nook::runtime {

namespace {

int64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

Status run_one(const oci::Hook& h, const std::string& state_json) {
    int in[2];
    if (::pipe2(in, O_CLOEXEC) < 0) return Error::from_errno("pipe");
    UniqueFd rd(in[0]), wr(in[1]);
    std::vector<std::string> args = h.args.empty() ? std::vector<std::string>{h.path} : h.args;
    auto argv = c_strings(args);
    // A hook without env gets the runtime's environment, as with runc and
    // crun (and as Go's exec.Cmd does with a nil Env).
    std::vector<char*> envp;
    if (h.env.empty())
        for (char** e = environ; *e; ++e) envp.push_back(*e);
    else
        envp = c_strings(h.env);
    if (h.env.empty()) envp.push_back(nullptr);
    TRY_ASSIGN(auto cloned, sys::clone3({.flags = CLONE_PIDFD}));
    if (cloned.pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(rd.get(), 0);
        ::execve(h.path.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    OwnedPid child(cloned.pid);
    rd.reset();
    // A hook that ignores stdin must not make us fail: EPIPE is fine.
    signal(SIGPIPE, SIG_IGN);
    (void)sys::write_all(wr.get(), state_json);
    wr.reset();

    int64_t deadline = h.timeout ? now_ms() + int64_t(*h.timeout) * 1000 : -1;
    for (;;) {
        pollfd p{cloned.pidfd.get(), POLLIN, 0};
        int wait_ms =
            deadline < 0 ? -1 : static_cast<int>(std::max<int64_t>(0, deadline - now_ms()));
        int r = ::poll(&p, 1, wait_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
            child.kill_and_reap();
            return Error(ETIMEDOUT, "timed out after " + std::to_string(*h.timeout) + "s")
                .without_errno_text();
        }
        break;
    }
    int status = child.wait();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !sys::path_exists(h.path))
        return Error(ENOENT, "executable not found");
    if (WIFSIGNALED(status))
        return invalid_input("killed by signal " + std::to_string(WTERMSIG(status)));
    return invalid_input("exited with status " + std::to_string(WEXITSTATUS(status)));
}

std::string hook_name(const char* kind, size_t i, const oci::Hook& h) {
    return std::string(kind) + " hook #" + std::to_string(i) + " (" + h.path + ")";
}

}  // namespace

Status run_hooks(const std::vector<oci::Hook>& hooks, const char* kind,
                 const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        log::debug("running " + hook_name(kind, i, hooks[i]));
        TRY(run_one(hooks[i], state_json).context(hook_name(kind, i, hooks[i])));
    }
    return {};
}

void run_hooks_warn_only(const std::vector<oci::Hook>& hooks, const char* kind,
                         const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        auto r = run_one(hooks[i], state_json);
        if (!r.ok()) log::warn(hook_name(kind, i, hooks[i]) + ": " + r.error().what());
    }
}

}  // namespace nook::runtime
