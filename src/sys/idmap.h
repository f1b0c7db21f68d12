// Idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP): a tree seen with its
// owners shifted, without changing a byte on disk. The engine shows an
// image's shared layers to a container with its own user namespace this
// way (--userns auto): files owned by host root appear owned by the
// container's root.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// One contiguous mapping: ids [0, size) of the namespace are host ids
// [host, host + size).
struct IdRange {
    uint32_t host = 0;
    uint32_t size = 0;
};

// An fd of a new user namespace whose uids and gids map as `range`. A
// throwaway child creates it; the namespace lives as long as the fd.
Result<UniqueFd> make_userns_fd(const IdRange& range);

// Attach a clone of the tree at source onto target (a directory), its ids
// mapped through the user namespace userns_fd: a file owned by host id k
// shows as owned by range.host + k.
Status idmapped_bind(const std::string& source, const std::string& target, int userns_fd);

}  // namespace nook::sys
