// The config.json that `nook-runtime spec` writes: the same template as
// `runc spec` (so tools and docs written for runc apply), hostname "nook".
#pragma once

#include <cstdint>

#include "oci/spec.h"

namespace nook::oci {

struct DefaultSpecOptions {
    bool rootless = false;
    // Host ids mapped to root in the rootless variant (the caller's euid/egid).
    uint32_t host_uid = 0;
    uint32_t host_gid = 0;
    // Add a cgroup namespace, as runc does on a pure cgroup v2 host; the
    // caller probes the host (oci/ makes no system calls).
    bool cgroup_namespace = false;
};

Spec default_spec(const DefaultSpecOptions& options);
// Rootless uses the calling process's effective uid/gid; no cgroup namespace.
Spec default_spec(bool rootless);

}  // namespace nook::oci
