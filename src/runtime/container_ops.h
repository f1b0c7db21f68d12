// Operations on an existing container, keyed by id under --root.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/cgroups/manager.h"
#include "runtime/state_store.h"

namespace nook::runtime {

// created | running | paused | stopped, derived from the live system each
// time (process alive with the recorded start time, exec.fifo, freezer).
std::string container_status(const StateStore& store, const ContainerRecord& r);
bool process_alive(const ContainerRecord& r);

// The runtime-spec state (plus rootfs/created/owner, as runc prints).
struct ContainerState {
    ContainerRecord record;
    std::string status;
};
Result<ContainerState> load_state(const StateStore& store, const std::string& id);
std::string state_to_runc_json(const ContainerState& s, bool pretty);

Result<oci::Spec> load_saved_spec(const StateStore& store, const std::string& id);
Result<std::unique_ptr<cgroups::Manager>> container_cgroup(const ContainerRecord& r);

Status start_container(const StateStore& store, const std::string& id);
Status kill_container(const StateStore& store, const std::string& id, int sig, bool all);
// Stop (force) or refuse, then remove cgroup, run poststop hooks, remove state.
Status delete_container(const StateStore& store, const std::string& id, bool force);
Status pause_container(const StateStore& store, const std::string& id);
Status resume_container(const StateStore& store, const std::string& id);
Result<std::vector<pid_t>> container_pids(const StateStore& store, const std::string& id);

// Signal names and numbers as `kill` accepts them: "KILL", "SIGKILL", "9".
Result<int> parse_signal(const std::string& s);

}  // namespace nook::runtime
