// Rollback for operations that add content to the store (pull, import, load,
// commit): a failed one must leave the store as it found it. The guard notes
// what blobs/, snapshots/ and tmp/ held when it began; unless committed, it
// removes on destruction whatever appeared since that no image record
// references. A blob or snapshot another image uses (or one that was already
// there) always stays.
//
// While alive it holds the store's ingest lock (shared gc.lock), as every
// ingesting operation must. Rolling back needs the lock exclusively -- only
// then is nothing half-written by a concurrent pull -- so it first lets go of
// the shared lock (OFD locks are not converted: two guards converting at
// once would wait for each other forever) and waits for other ingests to end.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"
#include "image/store.h"

namespace nook::image {

class IngestGuard {
  public:
    static Result<IngestGuard> begin(Store& store);
    IngestGuard(IngestGuard&& o) noexcept
        : store_(std::exchange(o.store_, nullptr)),
          lock_(std::move(o.lock_)),
          blobs_(std::move(o.blobs_)),
          snapshots_(std::move(o.snapshots_)),
          tmp_(std::move(o.tmp_)),
          done_(o.done_) {}
    IngestGuard& operator=(IngestGuard&&) = delete;
    ~IngestGuard();

    // The operation succeeded: keep everything and release the lock.
    void commit();
    // Roll back now (also what the destructor does when not committed).
    void rollback();

  private:
    IngestGuard() = default;
    Store* store_ = nullptr;
    UniqueFd lock_;
    std::set<std::string> blobs_, snapshots_, tmp_;
    bool done_ = false;
};

}  // namespace nook::image
