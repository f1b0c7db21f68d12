// HostConfig resource limits -> linux.resources and process.rlimits.
#include "engine/spec_parts.h"

namespace nook::engine {

Status apply_limits(const SpecInput&, oci::Spec&) {
    return {};
}

}  // namespace nook::engine
