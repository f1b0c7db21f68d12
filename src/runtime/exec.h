// `exec`: run an additional process inside a running container. The parent
// clones a middle stage that joins every namespace of the container at once
// (setns on the init's pidfd) and clones the process with CLONE_PARENT, so
// the runtime can wait for it (see sync.h).
#pragma once

#include <string>

#include "base/owned_pid.h"
#include "oci/spec.h"
#include "runtime/state_store.h"

namespace nook::runtime {

struct ExecOptions {
    std::string id;
    oci::Process process;
    std::string console_socket;
    int console_fd = -1;  // pre-connected (foreground -t proxies the pty)
    std::string pid_file;
    int preserve_fds = 0;
};

// Returns once the process has called execve (or failed to set up).
Result<OwnedPid> exec_in_container(const StateStore& store, const ExecOptions& o);

}  // namespace nook::runtime
