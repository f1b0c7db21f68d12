// Capability names (OCI "CAP_SYS_ADMIN") to bitmasks, through libcap's tables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/security/process_security.h"

namespace nook::runtime::security {

// One capability name to its number. Names must be spelled as the spec does
// ("CAP_" + upper case); unknown names are an error.
Result<int> capability_number(const std::string& name);

// "CAP_SYS_ADMIN" for 21 (libcap's table); "CAP_<n>" when it has no name.
std::string capability_name(int cap);

// One list to a mask. `field` names the list in errors, e.g.
// "process.capabilities.bounding". Capabilities above `last_cap` (unknown to
// the running kernel) are skipped with a debug log, as runc does.
Result<uint64_t> capability_mask(const std::vector<std::string>& names, const std::string& field,
                                 int last_cap);

Result<CapSets> parse_capabilities(const oci::Capabilities& caps, int last_cap);

}  // namespace nook::runtime::security
