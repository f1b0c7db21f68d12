// `nook pull`: resolve a reference on its registry, pick the platform from an
// index, verify every document and blob against its digest, and stream each
// layer through the unpacker while it downloads (one thread per layer, so
// independent layers download and unpack in parallel). A pull that fails
// removes everything it added (IngestGuard); one that is killed leaves its
// partial downloads in tmp/, resumed with a Range request next time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "image/manifest.h"
#include "image/registry.h"
#include "image/store.h"

namespace nook::image {

// Progress events: id is a short layer id; status is "Waiting", "Downloading",
// "Download complete", "Pull complete", "Already exists".
using ProgressFn = std::function<void(const std::string& id, const std::string& status, int64_t cur,
                                      int64_t total)>;

struct PullOptions {
    RegistryOptions registry;
    Platform platform = host_platform();
    int jobs = 3;  // layers in flight at once
    ProgressFn progress;
};

struct PullResult {
    ImageRecord record;
    std::string digest;  // the digest the reference resolved to (index or manifest)
    bool up_to_date = false;
};

Result<PullResult> pull_image(Store& store, const std::string& reference, const PullOptions& opts);

}  // namespace nook::image
