// Pseudo-terminals: allocate a pty pair through a given ptmx, make the slave
// the controlling terminal of the caller, window sizes.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

struct Pty {
    UniqueFd master;
    UniqueFd slave;
};

// Open a new pty through ptmx_path (e.g. "/dev/ptmx" inside the container).
Result<Pty> open_pty(const std::string& ptmx_path = "/dev/ptmx");
Status set_window_size(int fd, unsigned rows, unsigned cols);
// setsid + TIOCSCTTY + dup2 slave onto 0, 1, 2.
Status make_controlling_terminal(int slave);
// setsid unless we lead a session already (as after make_controlling_terminal).
Status own_session();
bool is_terminal(int fd);

}  // namespace nook::sys
