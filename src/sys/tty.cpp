#include "sys/tty.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sys/retry.h"

namespace nook::sys {

Result<Pty> open_pty(const std::string& ptmx_path) {
    Pty p;
    p.master = UniqueFd(::open(ptmx_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!p.master) return Error::from_errno("open " + ptmx_path);
    int unlock = 0;
    if (::ioctl(p.master.get(), TIOCSPTLCK, &unlock) < 0) return Error::from_errno("unlock pty");
    // TIOCGPTPEER opens the slave relative to the master's devpts instance,
    // so no path lookup can be redirected.
    int slave = ::ioctl(p.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) return Error::from_errno("open pty slave");
    p.slave = UniqueFd(slave);
    return p;
}

Status set_window_size(int fd, unsigned rows, unsigned cols) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(rows);
    ws.ws_col = static_cast<unsigned short>(cols);
    if (::ioctl(fd, TIOCSWINSZ, &ws) < 0) return Error::from_errno("set window size");
    return {};
}

Status make_controlling_terminal(int slave) {
    if (::setsid() < 0) return Error::from_errno("setsid");
    if (::ioctl(slave, TIOCSCTTY, 0) < 0) return Error::from_errno("TIOCSCTTY");
    for (int target = 0; target < 3; ++target)
        if (::dup2(slave, target) < 0) return Error::from_errno("dup2 pty");
    return {};
}

Status own_session() {
    if (::getsid(0) == ::getpid()) return {};
    if (::setsid() < 0) return Error::from_errno("setsid");
    return {};
}

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

}  // namespace nook::sys
