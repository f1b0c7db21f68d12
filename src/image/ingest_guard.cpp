// IngestGuard: a failed pull/import/load/commit leaves the store as it was.
#include "image/ingest_guard.h"

#include <dirent.h>
#include <unistd.h>

#include "base/log.h"
#include "sys/file.h"
#include "sys/file_misc.h"

namespace nook::image {

namespace {

std::set<std::string> entries(const std::string& path) {
    auto names = sys::dir_entries(path);
    return {names.begin(), names.end()};
}

}  // namespace

Result<IngestGuard> IngestGuard::begin(Store& store) {
    IngestGuard g;
    g.store_ = &store;
    TRY_ASSIGN(g.lock_, store.lock_ingest());
    // Listed under the shared lock: nothing gets removed meanwhile (gc needs
    // it exclusively), and what a concurrent ingest adds later is either
    // referenced by its image when we look again or was rolled back by it.
    g.blobs_ = entries(store.dir() + "/blobs/sha256");
    g.snapshots_ = entries(store.dir() + "/snapshots");
    g.tmp_ = entries(store.dir() + "/tmp");
    return g;
}

IngestGuard::~IngestGuard() {
    if (store_ && !done_) rollback();
}

void IngestGuard::commit() {
    done_ = true;
    lock_.reset();
}

void IngestGuard::rollback() {
    if (!store_ || done_) return;
    done_ = true;
    lock_.reset();
    auto gc = store_->lock_gc();
    auto recs = gc.ok() ? store_->list() : Result<std::vector<ImageRecord>>(gc.error());
    if (!recs.ok()) {
        // Without the lock or the records nothing is known to be unused:
        // leave it for `image prune` rather than risk another image's data.
        log::warn("image store: could not roll back a failed operation: " + recs.error().what());
        return;
    }
    std::set<std::string> used_blobs, used_snaps;
    for (auto& r : *recs) {
        used_blobs.insert(digest_hex(r.id));
        if (!r.manifest_digest.empty()) used_blobs.insert(digest_hex(r.manifest_digest));
        if (!r.index_digest.empty()) used_blobs.insert(digest_hex(r.index_digest));
        for (auto& l : r.layers) {
            used_blobs.insert(digest_hex(l.blob.digest));
            used_snaps.insert(digest_hex(l.diff_id));
        }
    }
    const std::string dir = store_->dir();
    for (auto& b : entries(dir + "/blobs/sha256"))
        if (!blobs_.count(b) && !used_blobs.count(b))
            ::unlink((dir + "/blobs/sha256/" + b).c_str());
    for (auto& s : entries(dir + "/snapshots"))
        if (!snapshots_.count(s) && !used_snaps.count(s))
            (void)sys::remove_tree(dir + "/snapshots/" + s);
    // With gc.lock held exclusively no ingest is running: a new tmp entry is
    // ours (a partial download, a half-unpacked layer) or a killed one's.
    for (auto& t : entries(dir + "/tmp"))
        if (!tmp_.count(t)) (void)sys::remove_tree(dir + "/tmp/" + t);
}

}  // namespace nook::image
