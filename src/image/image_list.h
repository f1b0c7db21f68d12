// `nook images`: docker's rows (one per repository:tag of each image), its
// --filter keys (dangling, label, reference, before, since) and the fields
// its --format templates see (ID, Repository, Tag, Digest, CreatedSince,
// CreatedAt, Size, plus the N/A ones docker's json prints).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/store.h"

namespace nook::image {

struct ListOptions {
    std::vector<std::string> filters;  // "key=value" as given to --filter
    std::string repository;            // the REPOSITORY[:TAG] argument
    bool no_trunc = false;             // full "sha256:..." IDs
};

// Rows in docker's order (newest image first). Fails with docker's words on a
// bad filter: "invalid filter 'x'", "Invalid filter 'dangling=maybe'", a
// before/since image that does not exist, a malformed reference pattern.
Result<std::vector<nlohmann::json>> list_images(const Store& store, const ListOptions& opts);

// Go's path.Match, which docker's reference filter uses: '*' is any run of
// non-'/' characters, '?' one of them, [a-z] / [^a-z] classes, '\' escapes.
// Fails on a malformed pattern (Go's ErrBadPattern).
Result<bool> path_match(const std::string& pattern, const std::string& name);

}  // namespace nook::image
