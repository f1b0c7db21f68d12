// Checks a Spec before `create` acts on it. Each check is small and named
// (see kChecks in validate.cpp); the first failure is returned as one line
// naming the field and its value, e.g.
//   mounts[2].destination: "proc" is not an absolute path
// Only structural rules live here; what needs the host (capability names
// known to the kernel, seccomp names known to libseccomp) is checked by the
// code that applies them.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::oci {

// bundle_dir resolves a relative root.path. Requires process (as for create).
Status validate(const Spec& spec, const std::string& bundle_dir);

// The linux.namespaces entry of this type, new or joined by path; nullptr if none.
const Namespace* find_namespace(const Spec& spec, std::string_view type);
bool has_namespace(const Spec& spec, std::string_view type);

}  // namespace nook::oci
