// docker cp: files between a container's root filesystem and the host, as
// tar streams. Paths inside the container resolve with openat2
// RESOLVE_IN_ROOT, so a symlink in the container (absolute or "../..")
// never leads outside its root. Works on running containers (their rootfs
// is mounted) and stopped ones (the overlay is mounted for the copy and
// unmounted after); the container's lock is held throughout.
#pragma once

#include <string>

#include "base/result.h"
#include "engine/engine.h"

namespace nook::engine {

struct CopyOptions {
    bool archive = false;      // -a: keep uid/gid (else: root into the container, us out of it)
    bool follow_link = false;  // -L: copy what a symlink source points to
};

// dest "-": write a tar stream of src to stdout.
Status copy_from_container(Engine& eng, const std::string& container, const std::string& src,
                           const std::string& dest, const CopyOptions& o);
// src "-": read a tar stream from stdin and extract it into the directory dest.
Status copy_to_container(Engine& eng, const std::string& container, const std::string& src,
                         const std::string& dest, const CopyOptions& o);

}  // namespace nook::engine
