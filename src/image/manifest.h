// OCI image-spec and Docker schema 2 documents: descriptors, manifests,
// indexes (manifest lists) and image configs, parsed strictly so a malformed
// or unknown document is a clear error rather than a half-read image.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::image {

namespace media {
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kOciLayerNdGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr const char* kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerLayerForeign =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}  // namespace media

bool is_manifest_type(const std::string& mt);
bool is_index_type(const std::string& mt);
bool is_layer_type(const std::string& mt);

struct Platform {
    std::string os = "linux";
    std::string architecture = "amd64";
    std::string variant;
    std::string str() const;
};
// "linux/arm64/v8", "linux/amd64", "arm64" (os defaults to linux).
Result<Platform> parse_platform(const std::string& text);
// The platform this binary runs on, docker-style (amd64, arm64, ...).
Platform host_platform();

struct Descriptor {
    std::string media_type;
    std::string digest;
    int64_t size = 0;
    std::optional<Platform> platform;
    std::map<std::string, std::string> annotations;
    std::vector<std::string> urls;
};
nlohmann::json to_json(const Descriptor& d);

struct Manifest {
    std::string media_type;  // OCI or Docker schema 2
    Descriptor config;
    std::vector<Descriptor> layers;
};

struct Index {
    std::string media_type;
    std::vector<Descriptor> manifests;
};

// Decide from the document itself (mediaType field) or the HTTP content type.
// Returns the media type when it is one we understand.
Result<std::string> detect_media_type(const std::string& body, const std::string& content_type);
Result<Manifest> parse_manifest(const std::string& body);
Result<Index> parse_index(const std::string& body);
std::string serialize_manifest(const Manifest& m);
std::string serialize_index(const Index& idx);

// The entry of an index matching a platform (variant is matched when both
// sides name one); error listing what is available when none does.
Result<Descriptor> select_platform(const Index& idx, const Platform& want);

struct HistoryEntry {
    std::string created;
    std::string created_by;
    std::string comment;
    bool empty_layer = false;
};

struct ImageConfig {
    nlohmann::json raw;  // the whole document, kept for inspect
    std::string architecture;
    std::string os;
    std::string variant;
    std::string created;
    std::vector<std::string> diff_ids;
    std::vector<HistoryEntry> history;
};
Result<ImageConfig> parse_config(const std::string& body);

}  // namespace nook::image
