// Parsing of OCI mount options ("ro", "nosuid", "rbind", "rslave", "mode=755",
// "rro", ...) into mount(2) flags, propagation changes, recursive
// mount_setattr attributes and the filesystem data string. Pure: no syscalls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::runtime::rootfs {

struct MountOptions {
    unsigned long flags = 0;                 // MS_* for mount(2), without propagation bits
    bool bind = false;                       // "bind" or "rbind"
    bool recursive = false;                  // "rbind"
    std::vector<unsigned long> propagation;  // each applied by its own mount(2) call
    uint64_t rec_attr_set = 0;  // MOUNT_ATTR_* applied with AT_RECURSIVE ("rro", "rnosuid"...)
    uint64_t rec_attr_clr = 0;
    bool tmpcopyup = false;
    std::string data;  // unknown options, comma-joined, passed to the filesystem
};

MountOptions parse_mount_options(const std::vector<std::string>& options);
// Every option name parse_mount_options() gives a meaning to (for `features`).
std::vector<std::string> supported_mount_options();

// "shared", "rslave", ... -> MS_* bits; error for anything else.
Result<unsigned long> parse_propagation(const std::string& name);

}  // namespace nook::runtime::rootfs
