// The content-addressable image store under <root>/image:
//
//   blobs/sha256/<hex>     every manifest, config and layer blob, verified on write
//   snapshots/<hex>/       a layer unpacked (overlay format), named by its diff_id
//   containers/<id>/       upper/work dirs and the image of a mounted rootfs
//   tmp/                   ingest files and half-unpacked snapshots
//   images.json            image records (id = config digest) with their tags
//   store.lock             flock: exclusive while images.json is rewritten
//   gc.lock                flock: shared while ingesting, exclusive while collecting
//
// Blobs and snapshots appear only by rename once complete, and an image record
// is written last, so a crash mid-pull never leaves an image that looks complete.
// Shared layers are stored once; garbage collection removes what no image uses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/reference.h"

namespace nook::image {

struct LayerRecord {
    Descriptor blob;      // compressed (as distributed)
    std::string diff_id;  // sha256 of the uncompressed tar; names the snapshot
};

struct ImageRecord {
    std::string id;  // config digest
    std::string manifest_digest;
    std::string manifest_media_type;
    std::string index_digest;  // when pulled through an index
    std::vector<LayerRecord> layers;
    std::vector<std::string> repo_tags;     // "docker.io/library/busybox:latest"
    std::vector<std::string> repo_digests;  // "docker.io/library/busybox@sha256:..."
    std::string created;
    std::string os, architecture, variant;
    int64_t size = 0;      // sum of compressed layer sizes
    int64_t added_at = 0;  // unix seconds, for ordering
};

// Writes a blob to a temp file while hashing it; commit() verifies and renames.
class BlobWriter {
  public:
    BlobWriter() = default;
    BlobWriter(BlobWriter&&) = default;
    BlobWriter& operator=(BlobWriter&&) = default;
    ~BlobWriter();
    Status write(const void* data, size_t len);
    int64_t size() const { return size_; }
    const std::string& temp_path() const { return tmp_; }
    // Verify against expected ("" accepts any) and move into place; returns the digest.
    Result<std::string> commit(const std::string& expected, int64_t expected_size = -1);
    // Drop the temp file.
    void abort();

  private:
    friend class Store;
    UniqueFd fd_;
    std::string tmp_;
    std::string blobs_dir_;
    Sha256 hash_;
    int64_t size_ = 0;
    bool keep_on_abort_ = false;
};

class Store {
  public:
    // Open (creating) the store under root/image.
    static Result<Store> open(const std::string& root);

    const std::string& dir() const { return dir_; }
    const std::string& root() const { return root_; }

    // Blobs.
    std::string blob_path(const std::string& digest) const;
    bool has_blob(const std::string& digest) const;
    Result<BlobWriter> new_blob_writer();
    // A writer resuming a partial download kept under tmp/ for this digest:
    // existing bytes are re-hashed and size() tells the offset to resume from.
    // Falls back to a fresh writer when another process holds the partial.
    Result<BlobWriter> resume_blob_writer(const std::string& digest);
    Result<std::string> put_blob(std::string_view data, const std::string& expected = "");
    // Read a (small) blob and check it still matches its digest.
    Result<std::string> read_blob(const std::string& digest) const;

    // Snapshots.
    std::string snapshot_path(const std::string& diff_id) const;
    bool has_snapshot(const std::string& diff_id) const;
    Result<std::string> make_temp_dir(const std::string& prefix) const;
    // Rename a finished temp snapshot into place; if another process won the
    // race the temp one is removed and theirs kept.
    Status commit_snapshot(const std::string& tmp, const std::string& diff_id);

    // Locks (the fd holds the lock until closed).
    Result<UniqueFd> lock_ingest() const;  // shared gc.lock
    Result<UniqueFd> lock_gc() const;      // exclusive gc.lock
    Result<UniqueFd> lock_meta() const;    // exclusive store.lock

    // Image records.
    Result<std::vector<ImageRecord>> list() const;
    // By full or short ID (>= 4 hex chars, with or without "sha256:"), by
    // name[:tag], or by name@digest.
    Result<ImageRecord> resolve(const std::string& name_or_id) const;
    // Insert or update the record (by id) and point its repo_tags at it,
    // taking each tag away from any other image.
    Status add_image(const ImageRecord& rec);
    // Several at once, in one write of images.json (all or none).
    Status add_images(const std::vector<ImageRecord>& recs);
    Status tag(const std::string& id, const Reference& ref);
    // Remove a tag; returns true when the image has no tags left.
    Result<bool> untag(const Reference& ref);
    Status remove_record(const std::string& id);
    // Containers whose rootfs was mounted from the image.
    Result<std::vector<std::string>> containers_using(const std::string& id) const;

    // Remove blobs, snapshots and temp files no image references.
    // Returns bytes freed (approximate, blob sizes).
    Result<int64_t> collect_garbage();

  private:
    Result<std::vector<ImageRecord>> load_records() const;
    Status save_records(const std::vector<ImageRecord>& recs);

    std::string root_;
    std::string dir_;
};

std::string short_id(const std::string& digest);  // 12 hex chars

}  // namespace nook::image
