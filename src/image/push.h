// `nook push`: upload an image's blobs (HEAD first, cross-repository mount
// when the blob is known to be in another repository of the same registry,
// else a monolithic PUT or chunked PATCHes) and then its manifest.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "image/pull.h"
#include "image/registry.h"
#include "image/store.h"

namespace nook::image {

struct PushOptions {
    RegistryOptions registry;
    int64_t chunk_size = 0;  // > 0: upload blobs larger than this in PATCH chunks
    std::string mount_from;  // repository path to try a cross-repo mount from
    ProgressFn progress;
};

// Push local image `image` as `destination` (empty: the image name itself).
// Returns the manifest digest.
Result<std::string> push_image(Store& store, const std::string& image,
                               const std::string& destination, const PushOptions& opts);

}  // namespace nook::image
