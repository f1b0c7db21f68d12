// Resolving container paths safely inside the rootfs. Symlinks (absolute or
// relative) and ".." are followed as the container will see them, i.e. with the
// rootfs as "/": nothing can make a mount or device land on the host.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::runtime::rootfs {

enum class Create { kNone, kDir, kFile };

struct Resolved {
    UniqueFd fd;       // O_PATH fd of the final object
    std::string path;  // its path inside the root, "/a/b" ("/" for the root)
};

// Walk `path` inside the directory root_fd, creating missing components as
// directories (and the last one as `create` says). The final open uses
// openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), so even a racing symlink swap
// cannot escape the root.
Result<Resolved> resolve_in_root(int root_fd, const std::string& path, Create create);

// Lexically clean an absolute container path: "//a/./b/../c/" -> "/a/c".
std::string clean_path(const std::string& path);

}  // namespace nook::runtime::rootfs
