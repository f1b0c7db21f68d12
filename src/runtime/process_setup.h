// Steps shared by the container's init and by `exec`'d processes, run after
// clone inside the container.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/security/process_security.h"

namespace nook::runtime {

// Signals blocked by a foreground runtime must not stay blocked in the container.
void reset_signal_mask();
// After joining/creating a user namespace: setresgid/setresuid(0).
Status become_root_in_user_namespace();
// Open a pty through the container's /dev/ptmx, send the master over
// console_sock, make the slave our controlling terminal and stdio.
Status setup_console(int console_sock, const std::optional<oci::ConsoleSize>& size);
// chdir, then refuse a cwd outside the container root (CVE-2024-21626).
Status enter_cwd(const std::string& cwd);
// Keep fds 3..3+preserve_fds-1 open, close-on-exec the rest, lock the process
// down and execve. Returns only on failure.
Status exec_process(const std::string& path, const oci::Process& proc,
                    const security::ProcessSecurity& sec, int preserve_fds);

}  // namespace nook::runtime
