// The runtime-spec "state" document: printed by `state`, fed to hooks on stdin.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::oci {

// {"ociVersion","id","status","pid" (omitted when 0),"bundle","annotations" (omitted when empty)}
std::string state_to_json(const State& state, bool pretty = false);
// The runtime-spec "containerProcessState" sent with the seccomp notify fd to
// linux.seccomp.listenerPath: {"ociVersion","fds":["seccompFd"],"pid",
// "metadata" (listenerMetadata, omitted when empty),"state":{...}}.
std::string process_state_to_json(const State& state, int pid, const std::string& metadata);
// Strict on types like parse_spec; `what` prefixes error messages.
Result<State> parse_state(std::string_view json_text, const std::string& what = "state");

}  // namespace nook::oci
