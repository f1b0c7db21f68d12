// HostConfig storage -> mounts (binds, volumes, tmpfs), read-only rootfs, devices, init.
#include "engine/spec_parts.h"

namespace nook::engine {

Status apply_storage(const SpecInput&, oci::Spec&) {
    return {};
}

}  // namespace nook::engine
