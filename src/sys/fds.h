// File-descriptor hygiene before exec (CVE-2024-21626): nothing but stdio and
// the fds the user asked to keep may cross into the container.
#pragma once

#include <string>

#include "base/result.h"

namespace nook::sys {

// Mark every fd >= first as close-on-exec (close_range CLOSE_RANGE_CLOEXEC).
Status cloexec_from(int first);
Status set_cloexec(int fd, bool on);
// Make a fifo (mkfifo); EEXIST is an error.
Status make_fifo(const std::string& path, unsigned mode);

}  // namespace nook::sys
