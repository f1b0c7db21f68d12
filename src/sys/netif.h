// Network interface knobs the engine needs before it has real networking.
#pragma once

#include <sys/types.h>

#include "base/result.h"

namespace nook::sys {

// Set "lo" up in the network namespace of pid (as docker does for
// --network none): a forked helper joins the namespace, so the caller's
// own namespaces never change.
Status bring_up_loopback(pid_t pid);

}  // namespace nook::sys
