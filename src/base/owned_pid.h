// Move-only owner of a child process: unless released, the child is killed
// (SIGKILL) and reaped when the owner is destroyed, so a failed setup never
// leaves a half-made container process behind.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <utility>

namespace nook {

class OwnedPid {
  public:
    OwnedPid() = default;
    explicit OwnedPid(pid_t pid) : pid_(pid) {}
    ~OwnedPid() { kill_and_reap(); }
    OwnedPid(OwnedPid&& o) noexcept : pid_(o.release()) {}
    OwnedPid& operator=(OwnedPid&& o) noexcept {
        if (this != &o) {
            kill_and_reap();
            pid_ = o.release();
        }
        return *this;
    }
    OwnedPid(const OwnedPid&) = delete;
    OwnedPid& operator=(const OwnedPid&) = delete;

    pid_t get() const { return pid_; }
    bool valid() const { return pid_ > 0; }
    pid_t release() { return std::exchange(pid_, -1); }

    // Wait for the child and return its raw wait status; the owner is then empty.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return status;
    }

    void kill_and_reap() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        wait();
    }

  private:
    pid_t pid_ = -1;
};

}  // namespace nook
