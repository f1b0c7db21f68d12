// Turning stored manifests into image records, and the read-side views of an
// image (docker-like inspect JSON, history) shared by the CLI and the engine.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/store.h"

namespace nook::image {

// Build a record from a manifest whose blobs (manifest, config, layers) are
// all in the store. Checks the config parses and has one diff_id per layer.
Result<ImageRecord> record_from_manifest(Store& store, const std::string& manifest_digest,
                                         const std::vector<std::string>& repo_tags,
                                         const std::vector<std::string>& repo_digests);

// Everything an image needs in one go: snapshots unpacked (diff_ids verified),
// then the record written. The caller holds the ingest lock.
Status commit_image(Store& store, const ImageRecord& rec);

// Parsed config of a stored image.
Result<ImageConfig> image_config(const Store& store, const ImageRecord& rec);

// `docker image inspect` shape: Id, RepoTags, RepoDigests, Created, Config,
// Architecture, Os, Size, RootFS ...
Result<nlohmann::json> inspect_json(const Store& store, const ImageRecord& rec);

// "2 hours ago" style, from an RFC 3339 timestamp.
std::string human_age(const std::string& rfc3339);
std::string human_size(int64_t bytes);
std::string now_rfc3339();

// Familiar names for display: "busybox:latest".
std::string familiar_tag(const std::string& full);

// Remove one image by name or id the way `rmi` does: a name removes that tag
// (the image goes when no tag is left); an id removes the image and all its
// tags (force needed when it has several tags or containers use it).
// Returns lines to print ("Untagged: ...", "Deleted: ...").
Result<std::vector<std::string>> remove_image(Store& store, const std::string& name_or_id,
                                              bool force);

}  // namespace nook::image
