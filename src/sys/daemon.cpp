#include "sys/daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "sys/retry.h"
#include "sys/sealed_exec.h"

extern char** environ;

namespace nook::sys {

Result<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) return Error::from_errno("pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<pid_t> fork_process() {
    pid_t pid = ::fork();
    if (pid < 0) return Error::from_errno("fork");
    return pid;
}

Status new_session() {
    if (::setsid() < 0) return Error::from_errno("setsid");
    return {};
}

Status dup_onto(int fd, int target, const std::string& what) {
    if (fd == target) return {};
    if (retry_eintr([&] { return ::dup2(fd, target); }) < 0)
        return Error::from_errno("dup2 " + what);
    return {};
}

Result<std::vector<bool>> poll_readable(const std::vector<int>& fds, int timeout_ms) {
    std::vector<pollfd> p;
    for (int fd : fds) p.push_back({fd, POLLIN, 0});
    int r = ::poll(p.data(), p.size(), timeout_ms);
    std::vector<bool> out(fds.size(), false);
    if (r < 0) {
        if (errno == EINTR) return out;
        return Error::from_errno("poll");
    }
    for (size_t i = 0; i < p.size(); i++)
        out[i] = (p[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    return out;
}

Result<size_t> read_some(int fd, char* buf, size_t len) {
    ssize_t n = retry_eintr([&] { return ::read(fd, buf, len); });
    if (n < 0) return Error::from_errno("read");
    return static_cast<size_t>(n);
}

bool pid_exists(pid_t pid) {
    return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH);
}

Status exec_self(const std::vector<std::string>& argv, const std::vector<std::string>& env_add) {
    std::vector<char*> av;
    for (auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    std::vector<char*> ev;
    for (char** e = environ; e && *e; e++) ev.push_back(*e);
    for (auto& e : env_add) ev.push_back(const_cast<char*>(e.c_str()));
    ev.push_back(nullptr);
    // The engine's monitor becomes the parent of container processes, which
    // must not be able to write to this binary (see sealed_exec.h).
    return exec_protected(av.data(), ev.data()).context("re-execute " + argv[0]);
}

Result<std::string> random_bytes(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::getrandom(out.data() + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            return Error::from_errno("getrandom");
        }
        got += static_cast<size_t>(r);
    }
    return out;
}

Result<UniqueFd> signal_fd(const std::vector<int>& sigs) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : sigs) sigaddset(&set, sig);
    if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return Error::from_errno("sigprocmask");
    int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0) return Error::from_errno("signalfd");
    return UniqueFd(fd);
}

Result<int> read_signal(int fd) {
    signalfd_siginfo info;
    ssize_t n = retry_eintr([&] { return ::read(fd, &info, sizeof info); });
    if (n < 0) {
        if (errno == EAGAIN) return 0;
        return Error::from_errno("read signalfd");
    }
    return n == sizeof info ? static_cast<int>(info.ssi_signo) : 0;
}

void ignore_sigpipe(bool ignore) {
    ::signal(SIGPIPE, ignore ? SIG_IGN : SIG_DFL);
}

void sleep_ms(int ms) {
    timespec ts{ms / 1000, static_cast<long>(ms % 1000) * 1000000L};
    while (::nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

}  // namespace nook::sys
