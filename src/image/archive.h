// Image archives: `nook import` (a rootfs tar becomes a one-layer image),
// `nook load` (docker-archive as written by `docker save`, OCI layout as a
// directory or tar) and `nook save` (an OCI layout that also carries docker's
// manifest.json, so both `docker load` and OCI tools read it).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/store.h"

namespace nook::image {

struct ImportOptions {
    std::string message;               // history comment
    std::vector<std::string> changes;  // "CMD [...]", "ENV K=V", "WORKDIR /x", "ENTRYPOINT [...]"
};

// Apply one docker --change ("CMD [...]", "ENTRYPOINT ...", "ENV K=V",
// "LABEL k=v ...", "EXPOSE 80/tcp", "VOLUME /x", "WORKDIR /x", "USER u",
// "STOPSIGNAL SIGTERM") to a docker-shaped run config (the image config's
// "config" object).
Status apply_config_change(nlohmann::json& cfg, const std::string& change);

// Import from a file path ("-" = stdin). ref may be empty (dangling image).
Result<ImageRecord> import_rootfs(Store& store, const std::string& tar_path, const std::string& ref,
                                  const ImportOptions& opts = {});

// Load every image in the archive (file path, "-" for stdin, or an OCI layout
// directory). Returns the records added.
Result<std::vector<ImageRecord>> load_archive(Store& store, const std::string& path);

enum class SaveFormat { docker_archive, oci_archive, oci_dir };
Result<SaveFormat> parse_save_format(const std::string& s);
// Save images (names or ids) to path ("-" = stdout for the tar formats).
Status save_images(Store& store, const std::vector<std::string>& images, SaveFormat format,
                   const std::string& path);

}  // namespace nook::image
