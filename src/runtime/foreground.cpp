#include "runtime/foreground.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <optional>

#include "base/owned_pid.h"
#include "sys/process.h"
#include "sys/tty.h"

namespace nook::runtime {

namespace {

sigset_t forwarded_set() {
    sigset_t s;
    sigemptyset(&s);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP})
        sigaddset(&s, sig);
    return s;
}

// Puts the local terminal in raw mode for the pty proxy; restores on exit.
class RawTerminal {
  public:
    RawTerminal() {
        if (!sys::is_terminal(0) || ::tcgetattr(0, &saved_) < 0) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(0, TCSANOW, &saved_);
    }

  private:
    termios saved_{};
    bool active_ = false;
};

void copy_window_size(int to) {
    winsize ws;
    if (::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(to, TIOCSWINSZ, &ws);
}

// Copy what is readable from one fd to another; false at EOF or error.
bool pump(int from, int to) {
    char buf[16384];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        off += w;
    }
    return true;
}

}  // namespace

void block_forwarded_signals() {
    sigset_t s = forwarded_set();
    ::sigprocmask(SIG_BLOCK, &s, nullptr);
}

Result<int> wait_foreground(pid_t pid, UniqueFd master) {
    sigset_t s = forwarded_set();
    UniqueFd sigfd(::signalfd(-1, &s, SFD_CLOEXEC));
    if (!sigfd) return Error::from_errno("signalfd");
    TRY_ASSIGN(UniqueFd pidfd, sys::pidfd_open(pid));
    std::optional<RawTerminal> raw;
    if (master) {
        raw.emplace();
        copy_window_size(master.get());
    }
    bool stdin_open = master.valid();
    for (;;) {
        pollfd p[4] = {{pidfd.get(), POLLIN, 0},
                       {sigfd.get(), POLLIN, 0},
                       {master.get(), POLLIN, 0},
                       {stdin_open ? 0 : -1, POLLIN, 0}};
        int n = ::poll(p, 4, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("poll");
        if (p[1].revents & POLLIN) {
            signalfd_siginfo si;
            if (::read(sigfd.get(), &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGWINCH && master)
                    copy_window_size(master.get());
                else
                    (void)sys::pidfd_send_signal(pidfd.get(), static_cast<int>(si.ssi_signo));
            }
        }
        if (master && (p[2].revents & (POLLIN | POLLHUP))) {
            if (!pump(master.get(), 1) && !(p[2].revents & POLLIN)) master.reset();
        }
        if (stdin_open && (p[3].revents & (POLLIN | POLLHUP))) {
            if (!pump(0, master.get())) stdin_open = false;
        }
        if (p[0].revents & POLLIN) break;
    }
    // The process is gone; flush what is left of its output.
    if (master) {
        pollfd p{master.get(), POLLIN, 0};
        while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && pump(master.get(), 1)) {
        }
    }
    TRY_ASSIGN(int status, sys::wait_pid(pid));
    return sys::exit_code_from_status(status);
}

}  // namespace nook::runtime
