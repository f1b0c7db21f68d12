// The engine: containers made from images and run daemonless. Each started
// container is owned by its own monitor process (monitor.h), which outlives
// the CLI; the CLI and the monitor share state through the database.
//
// Statuses: created -> running -> exited (and back to running on start).
// A container whose monitor is gone while "running" (kill -9, reboot) is
// marked exited with an error the next time anyone looks at it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/config.h"
#include "engine/runtimes/oci_runtime.h"
#include "engine/store/db.h"
#include "engine/store/locks.h"
#include "engine/store/paths.h"

namespace nook::engine {

// docker's exit codes for failures to start a container's process.
inline constexpr int kExitEngineError = 125;
inline constexpr int kExitCannotExec = 126;
inline constexpr int kExitNotFound = 127;
// 125, 126 or 127 for an error from starting a process.
int exit_code_for_start_error(const Error& e);

// A started container: the monitor's status pipe stays open until the
// container exits, when the monitor writes "exit <code>" to it.
struct Started {
    ContainerRow row;
    UniqueFd status;
};

struct ExecRequest {
    std::vector<std::string> cmd;
    std::vector<std::string> env;
    std::string workdir;
    std::string user;
    bool tty = false;          // -t: a pty, proxied to our terminal
    bool interactive = false;  // -i: our stdin (else /dev/null)
    bool detach = false;       // -d: return once it runs
};

// `stop -t` not given: the container's StopTimeout, else 10 s.
inline constexpr int kDefaultStopTimeout = -2;

class Engine {
  public:
    static Result<Engine> open(const std::string& root, const std::string& runroot);

    const Paths& paths() const { return paths_; }
    Db& db() { return db_; }
    // The OCI runtime the container was created with (--runtime).
    Result<std::unique_ptr<OciRuntime>> runtime_of(const ContainerRow& row) const {
        return open_runtime(paths_, row.runtime);
    }

    // Record a new container (image resolved, config merged, log file made).
    Result<ContainerRow> create(const RunRequest& req);
    // Spawn the monitor and return once the process runs (or failed to).
    // attach: our end of a stream socketpair whose other end the monitor
    // adopts as an attached client before the container starts (foreground
    // run / start -a: no output is missed); see attach_proto.h.
    Result<Started> start(const std::string& name_or_id, UniqueFd attach = UniqueFd());
    // Connect to a running container's monitor (attach_proto.h).
    Result<UniqueFd> attach_socket(const std::string& id);
    // Resolve by name, id or unique id prefix; the status is brought up to date.
    Result<ContainerRow> get(const std::string& name_or_id);
    Result<std::vector<ContainerRow>> list();

    // By the user: the restart policy does not undo it.
    Status kill(const std::string& name_or_id, int sig);
    // StopSignal (SIGTERM), then SIGKILL after timeout seconds (-1: never;
    // kDefaultStopTimeout: StopTimeout or 10). No restart follows.
    Status stop(const std::string& name_or_id, int timeout);
    // stop, then start again (restart count kept by docker as 0 again).
    Status restart(const std::string& name_or_id, int timeout);
    // Block until the container has exited; returns its exit code.
    Result<int> wait(const std::string& name_or_id);
    // force: kill a running container first; volumes: also its anonymous
    // volumes (rm -v). Holds the container's lock.
    Status remove(const std::string& name_or_id, bool force, bool volumes = false);
    // A container resolved and locked (locks.h); the row is read under the lock.
    struct Locked {
        ContainerLockGuard lock;
        ContainerRow row;
    };
    Result<Locked> lock(const std::string& name_or_id);
    // docker rename: the new name must be valid and unused.
    Status rename(const std::string& name_or_id, const std::string& new_name);
    // Run a process in a running container with our stdio; returns its exit
    // code (0 at once with detach).
    Result<int> exec(const std::string& name_or_id, const ExecRequest& req);
    Result<nlohmann::json> inspect(const ContainerRow& row);

    // Monitor side: everything on the host a stopped container no longer
    // needs (runtime state, rootfs mount), and the whole container for rm.
    void release_resources(const std::string& id);
    Status purge(const std::string& id);

  private:
    // Mark a "running" container whose monitor is gone as exited.
    Status reconcile(ContainerRow& row);
    // Poll until the status leaves `from` or timeout_ms passes (-1: forever).
    Result<ContainerRow> wait_status_change(const std::string& id, const std::string& from,
                                            int timeout_ms);

    Paths paths_;
    Db db_;
};

// Entry point of the monitor process (argv[0] "nook-monitor"); returns the
// process's exit status. Reads its container from the environment.
int monitor_main();

}  // namespace nook::engine
