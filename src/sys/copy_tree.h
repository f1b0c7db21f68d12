// Copy a directory tree between two directory fds (used for tmpfs
// "tmpcopyup"): directories, regular files, symlinks and device/fifo nodes,
// keeping mode and ownership. Never follows symlinks; sockets are skipped.
#pragma once

#include <string>

#include "base/result.h"

namespace nook::sys {

// Copy the contents of src_dir into dst_dir (both may be O_PATH fds).
// `what` names the source in errors.
Status copy_tree(int src_dir, int dst_dir, const std::string& what);

}  // namespace nook::sys
