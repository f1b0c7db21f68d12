// Container state under --root: one directory per container holding
//   state.json   what the runtime needs later (pid, start time, bundle, ...)
//   config.json  the bundle's config as it was at create time
//   exec.fifo    present while the container is "created" (see sync.h)
// Mutating commands hold an exclusive flock on the directory so concurrent
// invocations from containerd/podman never interleave.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::runtime {

struct ContainerRecord {
    std::string id;
    pid_t pid = 0;
    uint64_t start_time = 0;  // of pid, to detect pid reuse
    std::string bundle;
    std::string rootfs;
    std::string created;  // RFC 3339
    std::string owner;
    std::map<std::string, std::string> annotations;
    std::string cgroups_path;  // resolved (see cgroups::make_manager)
    bool systemd_cgroup = false;
};

// An exclusive lock on one container's directory; released on destruction.
class ContainerLock {
  public:
    ContainerLock() = default;
    explicit ContainerLock(UniqueFd fd) : fd_(std::move(fd)) {}
    int fd() const { return fd_.get(); }

  private:
    UniqueFd fd_;
};

class StateStore {
  public:
    explicit StateStore(std::string root) : root_(std::move(root)) {}

    const std::string& root() const { return root_; }
    std::string dir(const std::string& id) const { return root_ + "/" + id; }
    std::string fifo_path(const std::string& id) const { return dir(id) + "/exec.fifo"; }
    std::string config_path(const std::string& id) const { return dir(id) + "/config.json"; }

    // Make the container's directory and lock it; fails if the id is taken.
    Result<ContainerLock> create(const std::string& id) const;
    // Lock an existing container; "container X does not exist" otherwise.
    Result<ContainerLock> lock(const std::string& id) const;
    Status save(const ContainerRecord& r) const;
    Result<ContainerRecord> load(const std::string& id) const;
    Result<std::vector<std::string>> list_ids() const;
    Status remove(const std::string& id) const;
    bool exists(const std::string& id) const;

  private:
    std::string root_;
};

// runc's rule for ids: letters, digits, and _ + - . (never "." or ".."), so an
// id can never name a path outside --root.
Status validate_container_id(const std::string& id);

}  // namespace nook::runtime
