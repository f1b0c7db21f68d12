// Protection against CVE-2019-5736 (a container overwriting the runtime binary
// through /proc/PID/exe): processes that enter a container must execute a
// binary that cannot be written through that link, never the plain file on
// a writable mount.
//
// Two ways, cheapest first:
//  1. a read-only bind mount of the binary, detached (open_tree CLONE, never
//     attached to any mount namespace, so a container cannot find it to
//     remount it): opening /proc/PID/exe for writing fails with EROFS. It
//     costs tens of microseconds and needs CAP_SYS_ADMIN.
//  2. a sealed memfd copy of the binary (F_SEAL_WRITE...): works unprivileged,
//     but copies the whole binary on every start (milliseconds).
#pragma once

#include <string>

#include "base/result.h"

namespace nook::sys {

// True when /proc/self/exe cannot be written through: a sealed memfd, or a
// file on a read-only mount.
bool running_from_protected_binary();
// True when /proc/self/exe is a memfd sealed against writes.
bool running_from_sealed_memfd();

// Execute /proc/self/exe again from a protected copy (read-only bind, else
// sealed memfd) with argv and envp (nullptr: our environ). Returns only on
// failure.
Status exec_protected(char* const* argv, char* const* envp = nullptr);

// Execute the binary at path (e.g. the nook-monitor helper) the same
// protected way: a detached read-only bind of that file, else a sealed memfd
// copy of it. argv[0] is passed as given. Returns only on failure; the error
// names path.
Status exec_protected_path(const std::string& path, char* const* argv, char* const* envp);

// Force the sealed-memfd way (for tests and hosts without open_tree).
Status reexec_from_sealed_memfd(char* const* argv, char* const* envp = nullptr);

}  // namespace nook::sys
