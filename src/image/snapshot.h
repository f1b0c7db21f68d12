// Layer snapshots and container root filesystems. Each layer is unpacked once
// (overlay whiteout format) into snapshots/<diff_id> and shared by every image
// that has it; a container's rootfs is an overlay of those snapshots with its
// own upper/work dirs under containers/<id>/. Where overlayfs is unavailable
// the layers are unpacked, whiteouts applied, into a private copy instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/store.h"
#include "sys/idmap.h"

namespace nook::image {

// Unpack one stored layer blob into its snapshot unless it exists.
Status ensure_snapshot(Store& store, const LayerRecord& layer);
// All layers of an image, independent layers in parallel (up to `jobs` at once).
Status ensure_snapshots(Store& store, const ImageRecord& rec, int jobs = 4);

struct RootfsOptions {
    bool allow_copy_fallback = true;
    bool force_copy = false;  // for tests: exercise the fallback path
    // A container with its own user namespace (ids [0, size) -> host ids
    // [host, host + size)): the shared layers are shown through idmapped
    // mounts and the writable layer is owned by the container's root, so
    // nothing on disk is chowned. Needs overlayfs.
    std::optional<sys::IdRange> idmap;
};

// Mount the image (name or id) at target for container_id and record the use so
// rmi refuses to delete the image. Returns the mounted path (target).
Result<std::string> mount_rootfs(Store& store, const std::string& image,
                                 const std::string& container_id, const std::string& target,
                                 const RootfsOptions& opts = {});
// The layer dirs of an image, top-most first (overlay's lowerdir order).
std::vector<std::string> layer_dirs(const Store& store, const ImageRecord& rec);
// The writable (upper) dir of a container's overlay rootfs, for diff/commit.
// Fails when the container's rootfs is not an overlay (copy fallback) or is
// shifted into a user namespace (its owners are not the image's). A container
// never started has an empty one.
Result<std::string> container_upper_dir(const Store& store, const std::string& container_id);

// Unmount target (if mounted); the container's writable layer stays.
Status unmount_rootfs(Store& store, const std::string& container_id, const std::string& target);
// Unmount and delete the container's writable layer and its record.
Status remove_container_rootfs(Store& store, const std::string& container_id,
                               const std::string& target);

}  // namespace nook::image
