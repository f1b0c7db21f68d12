// Steps shared by the container's init and by `exec`'d processes, run after
// clone inside the container.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/security/process_security.h"

namespace nook::runtime {

// Signals blocked by a foreground runtime must not stay blocked in the container.
void reset_signal_mask();
// After joining/creating a user namespace: setresgid/setresuid(0).
Status become_root_in_user_namespace();
// Open a pty through the container's /dev/ptmx, send the master over
// console_sock, make the slave our controlling terminal and stdio. For the
// container's init (bind_dev_console) the slave is also bind-mounted onto
// /dev/console, as runc does, so programs that open the console get the pty.
Status setup_console(int console_sock, const std::optional<oci::ConsoleSize>& size,
                     bool bind_dev_console);
// runc's rule for HOME: when env has none, the home directory of `uid` from
// the container's /etc/passwd (we are in its root), else "/".
void add_default_home(std::vector<std::string>& env, uid_t uid);
// chdir, then refuse a cwd outside the container root (CVE-2024-21626).
Status enter_cwd(const std::string& cwd);
// Keep fds 3..3+preserve_fds-1 open, close-on-exec the rest, lock the process
// down and execve. Returns only on failure.
Status exec_process(const std::string& path, const oci::Process& proc,
                    const security::ProcessSecurity& sec, int preserve_fds,
                    const security::SeccompListener& listener = {});

}  // namespace nook::runtime
