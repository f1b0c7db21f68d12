// docker's container sizes: SizeRw, the bytes in the container's writable
// layer (the overlay upper dir the image store keeps for it), and
// SizeRootFs, that plus its image ("virtual" in `ps -s`).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"
#include "engine/store/paths.h"

namespace nook::engine {

struct ContainerSizes {
    int64_t rw = 0;       // SizeRw
    int64_t root_fs = 0;  // SizeRootFs = rw + the image's size
};

// Image id (hex, without "sha256:") -> its size as `nook images` shows it.
using ImageSizes = std::map<std::string, int64_t>;
// Read once per listing: the image store's records.
Result<ImageSizes> image_sizes(const Paths& paths);

// The sizes of container id made from image_id ("sha256:..." or hex). An
// image no longer in the store counts as 0 bytes.
ContainerSizes container_sizes(const Paths& paths, const std::string& id,
                               const std::string& image_id, const ImageSizes& images);

// docker ps's SIZE column: "1.05MB (virtual 3.2MB)", or just the writable
// size when there is no virtual one (units.HumanSizeWithPrecision, 3 digits).
std::string size_text(const ContainerSizes& s);
// Decimal units to 3 significant digits: 0B, 12B, 1.05MB, 4.2GB.
std::string human_size3(double bytes);

}  // namespace nook::engine
