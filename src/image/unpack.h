// Safe layer unpacking: a tar stream (gzip, zstd or plain) is written into a
// directory so that no entry can land outside it. Every path is cleaned
// lexically ("../" that climbs above the root is rejected, a leading "/" is
// stripped) and every parent directory is opened with openat2
// RESOLVE_IN_ROOT, so symlinks inside the layer -- absolute or relative --
// resolve inside the target. Leaves are created with *at calls that never
// follow a symlink; hard links must point at a file inside the target.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace nook::image {

enum class WhiteoutMode {
    // Keep whiteouts for overlayfs: ".wh.NAME" becomes a 0:0 character device
    // NAME, ".wh..wh..opq" sets trusted.overlay.opaque=y on its directory.
    overlay,
    // Apply them to what is already in the target (a flattened rootfs):
    // ".wh.NAME" deletes NAME, an opaque marker empties the directory of
    // everything this layer did not write.
    apply,
};

struct UnpackOptions {
    WhiteoutMode whiteouts = WhiteoutMode::overlay;
    bool preserve_owner = true;    // chown to the tar's uid/gid (needs root)
    std::string expected_diff_id;  // when set, the uncompressed stream must hash to it
};

struct UnpackResult {
    std::string diff_id;  // sha256 of the uncompressed tar stream
    int64_t entries = 0;
    int64_t bytes = 0;  // uncompressed size
};

// Read the whole stream from in_fd and unpack into dir (which must exist).
// On error the directory may hold a partial tree: the caller unpacks into a
// temp dir and removes it.
Result<UnpackResult> unpack_layer(int in_fd, const std::string& dir, const UnpackOptions& opts);

// Lexically clean an entry name: strip leading "/" and "./", fold "." and
// "..". Errors when ".." climbs above the root or a name is too long.
Result<std::string> clean_entry_path(const std::string& name);

}  // namespace nook::image
