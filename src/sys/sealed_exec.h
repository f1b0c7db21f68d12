// Protection against CVE-2019-5736 (a container overwriting the runtime binary
// through /proc/PID/exe): processes that enter a container must execute from
// a sealed, anonymous copy of the binary, never from the file on disk.
#pragma once

#include "base/result.h"

namespace nook::sys {

// True when /proc/self/exe is a memfd sealed against writes.
bool running_from_sealed_memfd();
// Copy /proc/self/exe into a sealed memfd and execve it with the same argv and
// environ. Returns only on failure.
Status reexec_from_sealed_memfd(char** argv);

}  // namespace nook::sys
