// A container's changes as a layer: the writable (upper) directory of an
// overlay rootfs read back as docker's diff and written as an image layer
// tar. overlayfs records a deletion as a 0:0 character device and a
// directory that hides everything below as trusted.overlay.opaque=y; in a
// layer tar those become ".wh.NAME" and "DIR/.wh..wh..opq" (the OCI image
// spec's whiteouts). Used by `nook commit` and `nook diff`, and meant for
// `nook build` (one layer per instruction).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/store.h"

namespace nook::image {

struct Change {
    char kind;         // 'A' added, 'C' changed, 'D' deleted (docker diff)
    std::string path;  // absolute in the container: "/etc/hosts"
};

// docker diff of an upper dir over lower dirs (top-most first, as overlay's
// lowerdir): sorted by path. A path in the upper dir that a lower one has is
// changed; a whiteout is a deletion; an opaque directory deletes what the
// lower layers had in it. Fails on overlay features whose upper dir does not
// hold the whole change (redirected directories, metacopy files).
Result<std::vector<Change>> upper_changes(const std::string& upper,
                                          const std::vector<std::string>& lowers);

enum class TreeTar {
    overlay_upper,  // whiteouts/opaque markers become .wh. entries
    plain,          // everything as it is (export of a merged rootfs)
};

// Write dir as a tar stream to out_fd: entries relative to dir ("etc/",
// "etc/hosts"), parents before children, owners, modes, times, xattrs
// (overlay's private trusted./user.overlay.* never), hard links within the
// tree kept as links.
Status write_tree_tar(const std::string& dir, int out_fd, TreeTar mode);

struct CommitOptions {
    std::string comment;               // -m
    std::string author;                // -a
    std::vector<std::string> changes;  // -c "CMD [...]", "ENV K=V", "LABEL k=v", ...
    nlohmann::json container_config;   // the container's docker Config (may be null)
    std::string container_id;
    std::string ref;  // REPO[:TAG] or "" for a dangling image
};

// A new image: base's layers plus the upper dir as one more layer, with the
// container's config (Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts,
// Labels, Volumes, StopSignal) and the changes applied. Leaves nothing
// behind on failure.
Result<ImageRecord> commit_upper(Store& store, const ImageRecord& base, const std::string& upper,
                                 const CommitOptions& opts);

}  // namespace nook::image
