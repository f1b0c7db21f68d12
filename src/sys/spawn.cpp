#include "sys/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/process.h"

namespace nook::sys {

Result<pid_t> spawn(const std::vector<std::string>& argv, const SpawnFds& fds) {
    if (argv.empty()) return invalid_input("spawn: empty command");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    TRY_ASSIGN(pid_t pid, fork_process());
    if (pid == 0) {
        ::signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        if (fds.new_session && ::setsid() < 0) ::_exit(127);
        if (fds.in >= 0 && ::dup2(fds.in, 0) < 0) ::_exit(127);
        if (fds.out >= 0 && ::dup2(fds.out, 1) < 0) ::_exit(127);
        if (fds.err >= 0 && ::dup2(fds.err, 2) < 0) ::_exit(127);
        if (fds.extra == 3) {
            if (::fcntl(3, F_SETFD, 0) < 0) ::_exit(127);
        } else if (fds.extra >= 0 && ::dup2(fds.extra, 3) < 0) {
            ::_exit(127);
        }
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

Result<int> wait_exit_code(pid_t pid) {
    TRY_ASSIGN(int st, wait_pid(pid));
    return exit_code_from_status(st);
}

Result<std::string> run_capture(const std::vector<std::string>& argv) {
    TRY_ASSIGN(auto p, make_pipe());
    TRY_ASSIGN(pid_t pid, spawn(argv, {.out = p.write.get()}));
    p.write.reset();
    auto out = read_fd(p.read.get());
    TRY_ASSIGN(int code, wait_exit_code(pid));
    if (!out.ok()) return std::move(out).error();
    if (code != 0)
        return Error(ECHILD, argv[0] + " exited with status " + std::to_string(code))
            .without_errno_text();
    return *out;
}

}  // namespace nook::sys
