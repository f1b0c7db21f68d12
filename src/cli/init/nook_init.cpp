// nook-init: a minimal init for `nook run --init`, mounted in the container
// as /sbin/docker-init and run as PID 1:  docker-init -- CMD [ARG...]
//   - forks CMD and forwards every signal it receives to it,
//   - reaps every child, including orphans reparented to it (the zombies a
//     shell or an app as PID 1 would leave behind),
//   - exits with CMD's exit code, or 128+N when CMD died of signal N.
// Only libc: it is linked statically and must run in any image.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

// Faults of our own must stay deliverable, not be swallowed by sigtimedwait.
constexpr int kSyncSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT};

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

[[noreturn]] void run_child(char** argv, const sigset_t* old_mask) {
    sigprocmask(SIG_SETMASK, old_mask, nullptr);
    execvp(argv[0], argv);
    int e = errno;
    fprintf(stderr, "nook-init: exec %s: %s\n", argv[0], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
}

}  // namespace

int main(int argc, char** argv) {
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--") == 0) first = 2;
    if (first >= argc) {
        fprintf(stderr, "usage: nook-init [--] COMMAND [ARG...]\n");
        return 2;
    }
    // Not PID 1 (e.g. in a shared PID namespace): become the reaper of our
    // descendants anyway.
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    sigset_t wait_set, old_mask;
    sigfillset(&wait_set);
    for (int s : kSyncSignals) sigdelset(&wait_set, s);
    if (sigprocmask(SIG_SETMASK, &wait_set, &old_mask) != 0) {
        perror("nook-init: sigprocmask");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("nook-init: fork");
        return 1;
    }
    if (child == 0) run_child(argv + first, &old_mask);

    for (;;) {
        siginfo_t info;
        timespec tick = {1, 0};  // also a periodic reap, in case a SIGCHLD was merged
        int sig = sigtimedwait(&wait_set, &info, &tick);
        if (sig > 0 && sig != SIGCHLD) kill(child, sig);
        for (;;) {
            int status = 0;
            pid_t p = waitpid(-1, &status, WNOHANG);
            if (p <= 0) break;
            if (p == child) {
                // Reap what is already dead, then leave: the remaining
                // processes die with the PID namespace, as with tini.
                while (waitpid(-1, nullptr, WNOHANG) > 0) {
                }
                return exit_code_of(status);
            }
        }
    }
}
