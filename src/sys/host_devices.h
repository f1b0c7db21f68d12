// The device nodes under a host directory (for --privileged, which gives a
// container every host device).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace nook::sys {

struct HostDevice {
    std::string path;  // e.g. /dev/null
    char type = 'c';   // 'c' or 'b'
    int64_t major = 0;
    int64_t minor = 0;
    mode_t mode = 0;  // permission bits
    uid_t uid = 0;
    gid_t gid = 0;
};

// Character and block devices under dir, recursively, not following
// symlinks; skips the per-container directories docker skips (pts, shm,
// mqueue, fd) and /dev/console.
Result<std::vector<HostDevice>> list_host_devices(const std::string& dir);

}  // namespace nook::sys
