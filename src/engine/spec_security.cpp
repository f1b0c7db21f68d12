// HostConfig security options -> capabilities, seccomp, no_new_privileges, user namespace.
#include "engine/spec_parts.h"

namespace nook::engine {

Status apply_security(const SpecInput&, oci::Spec&) {
    return {};
}

}  // namespace nook::engine
