// OCI hooks: each hook runs as a child process with the container state JSON
// on stdin, its own args/env, and an optional timeout in seconds after which
// it is killed and counted as failed.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::runtime {

// Run hooks in order; stop at the first failure and return it, naming the
// hook kind, index and path: "createRuntime hook #0 (/bin/x): exited with status 1".
Status run_hooks(const std::vector<oci::Hook>& hooks, const char* kind,
                 const std::string& state_json);

// Poststart/poststop failures are warnings per the spec: run all, log failures.
void run_hooks_warn_only(const std::vector<oci::Hook>& hooks, const char* kind,
                         const std::string& state_json);

}  // namespace nook::runtime
