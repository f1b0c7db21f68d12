// Entry points of the stages that run after clone3 (see sync.h).
#pragma once

#include "runtime/launch_plan.h"

namespace nook::runtime {

// nook:[2:INIT]: becomes the container's PID 1 and finally the user process.
[[noreturn]] void init_main(LaunchPlan& plan, int sync_fd);
// nook:[1:CHILD]: joins/unshares namespaces, clones INIT, reports its pid.
[[noreturn]] void middle_main(LaunchPlan& plan, int sync_fd);

}  // namespace nook::runtime
