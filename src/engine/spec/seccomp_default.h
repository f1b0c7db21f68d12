// Seccomp profiles in docker's format (the default one is nook's own) and
// their conversion to the OCI linux.seccomp the runtime loads.
//
// Profile format: {"defaultAction", "defaultErrnoRet", "architectures" or
// "archMap": [{"architecture", "subArchitectures"}], "flags", "syscalls":
// [{"names" (or "name"), "action", "errnoRet", "args": [{"index", "value",
// "valueTwo", "op"}], "includes"/"excludes": {"caps", "arches",
// "minKernel"}}]}. A rule is kept only when the container's capabilities
// hold every cap in includes.caps and none in excludes.caps, and the
// native architecture and kernel satisfy arches / minKernel.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::engine {

// nook's default profile: deny by default (EPERM), allow the ordinary
// syscall set, gate privileged ones on the capability that makes them safe.
const nlohmann::json& default_seccomp_profile();

// The profile for a container whose (bounding) capabilities are `caps`
// ("CAP_SYS_ADMIN" ...). Fails on a malformed profile, naming the field.
Result<oci::Seccomp> seccomp_from_profile(const nlohmann::json& profile,
                                          const std::vector<std::string>& caps);

// The running machine as docker names it in includes.arches ("amd64", "arm64" ...).
const char* native_arch_name();

}  // namespace nook::engine
