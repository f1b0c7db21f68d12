// Per-container locks: every operation that changes a container (start,
// stop, kill, rm, rename, pause, cp into a stopped one, ...) holds an
// exclusive flock on <root>/engine/locks/<id>.lock, so two `nook` processes
// never interleave on one container. Readers (ps, inspect, logs) take none.
//
// Rules for users of this API:
//  - Take the lock before reading the row you are going to act on, and
//    re-read the row after taking it (another process may have changed it).
//  - Never wait for the monitor while it would need the lock: the monitor
//    itself takes no lock; the starter holds the lock for it until the
//    monitor reports "started" (or fails).
//  - rm unlinks the lock file while holding it; a waiter that then gets the
//    lock notices the file is gone and reports the container as missing.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/store/paths.h"

namespace nook::engine {

class ContainerLockGuard {
  public:
    ContainerLockGuard() = default;
    ContainerLockGuard(UniqueFd fd, std::string path)
        : fd_(std::move(fd)), path_(std::move(path)) {}
    bool held() const { return static_cast<bool>(fd_); }
    // Remove the lock file (rm): later lockers see ENOENT "No such container".
    void unlink_file();
    void release() { fd_.reset(); }

  private:
    UniqueFd fd_;
    std::string path_;
};

std::string lock_path(const Paths& paths, const std::string& id);

// Blocks until the lock is free. Fails with ENOENT "No such container: <id>"
// when the container was removed while we waited.
Result<ContainerLockGuard> lock_container(const Paths& paths, const std::string& id);

}  // namespace nook::engine
