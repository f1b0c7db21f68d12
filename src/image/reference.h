// Image references with docker's normalisation: "busybox" is
// docker.io/library/busybox:latest; "localhost:5000/a/b@sha256:..." keeps its
// registry and digest.
#pragma once

#include <string>

#include "base/result.h"

namespace nook::image {

struct Reference {
    std::string domain;  // "docker.io", "localhost:5000"
    std::string path;    // "library/busybox"
    std::string tag;     // empty when only a digest was given
    std::string digest;  // "sha256:..." or empty

    // docker.io/library/busybox
    std::string name() const { return domain + "/" + path; }
    // Fully qualified: name:tag, name@digest or name:tag@digest.
    std::string str() const;
    // What docker prints: "busybox:latest", "localhost:5000/x:1".
    std::string familiar() const;
    std::string familiar_name() const;
    // The host the registry API lives on (docker.io -> registry-1.docker.io).
    std::string registry_host() const;
};

// Parse and normalise; adds ":latest" when neither tag nor digest is given.
Result<Reference> parse_reference(const std::string& text);
// Same, but never adds a default tag (for "images NAME" filters, rmi by name).
Result<Reference> parse_reference_no_default(const std::string& text);
bool is_valid_tag(const std::string& tag);

}  // namespace nook::image
