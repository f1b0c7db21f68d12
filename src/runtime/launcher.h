// `create`: from a bundle to a container in state "created" (see sync.h).
#pragma once

#include <memory>

#include "base/owned_pid.h"
#include "runtime/launch_plan.h"
#include "runtime/state_store.h"

namespace nook::runtime {

struct Created {
    ContainerLock lock;
    ContainerRecord record;
    oci::Spec spec;
    std::unique_ptr<cgroups::Manager> cgroup;
    OwnedPid init;  // the caller releases it to leave the container running
};

// On failure nothing is left: no process, cgroup or state directory.
Result<Created> create_container(const StateStore& store, const LaunchOptions& opts);

}  // namespace nook::runtime
