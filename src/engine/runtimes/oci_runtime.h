// The one way the engine reaches an OCI runtime (`--runtime`):
//   - "nook" (the default): the runtime library, in-process. No fork/exec
//     per operation, and the init is the monitor's own child.
//   - any other name or path: an external runtime binary with runc's
//     command line (runc, crun, youki, nook-runtime itself), its state
//     under <runroot>/runtimes/<name>. The monitor becomes a child subreaper,
//     so the init is reparented to it once `create` returns and it can reap
//     the exit status, as containerd's shim does.
// The engine never calls runtime:: container operations except through this.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/store/paths.h"
#include "oci/spec.h"
#include "runtime/cgroups/manager.h"

namespace nook::engine {

inline constexpr const char* kBuiltinRuntime = "nook";

// A process the runtime started for us.
struct RuntimeProcess {
    // create: the container's init. exec: a child of ours whose exit code
    // is the process's (the process itself, or the external runtime that
    // waits for it); -1 when detached.
    pid_t pid = -1;
    UniqueFd pty_master;  // a terminal was asked for
    // create: the container's cgroup (OOM kill count, stats).
    std::unique_ptr<runtime::cgroups::Manager> cgroup;
    // exec: turns the waited exit code of pid into the process's (an
    // external runtime's own failure to start it becomes an Error).
    std::function<Result<int>(int)> on_exit = [](int code) -> Result<int> { return code; };
};

class OciRuntime {
  public:
    virtual ~OciRuntime() = default;
    // As the user named it ("nook", "runc", "/usr/local/bin/crun").
    virtual const std::string& name() const = 0;

    // Create the container from bundle/config.json. Its stdio is our fds
    // 0-2, or a new pty (tty) whose master is returned. On failure nothing
    // is left: no process, cgroup or runtime state.
    virtual Result<RuntimeProcess> create(const std::string& id, const std::string& bundle,
                                          bool tty) = 0;
    virtual Status start(const std::string& id) = 0;
    // all: every process of the container (thawing a frozen one first).
    virtual Status kill(const std::string& id, int sig, bool all) = 0;
    // Kill what is left and remove its cgroup and runtime state. A
    // container the runtime does not know is not an error.
    virtual Status remove(const std::string& id) = 0;
    virtual Status pause(const std::string& id) = 0;
    virtual Status resume(const std::string& id) = 0;
    virtual Result<bool> paused(const std::string& id) = 0;
    virtual Result<std::vector<pid_t>> pids(const std::string& id) = 0;
    virtual Result<std::unique_ptr<runtime::cgroups::Manager>> cgroup(const std::string& id) = 0;
    // New limits for a running container (`nook update`); fields absent
    // from r are left alone. By default its cgroup is written directly (the
    // built-in runtime's `update`); an external runtime is asked with its
    // own `update --resources`.
    virtual Status update(const std::string& id, const oci::Resources& r) {
        TRY_ASSIGN(auto cg, cgroup(id));
        return cg->apply(r);
    }
    // Run process in the running container with our stdio (or a pty when
    // process.terminal). Returns once it runs; detach: nothing to wait for.
    // A failure to start it (not found, not executable) is an Error whose
    // code exit_code_for_start_error() maps to 126/127.
    virtual Result<RuntimeProcess> exec(const std::string& id, const oci::Process& process,
                                        bool detach) = 0;
};

// The runtime a container uses: name "" or "nook" is the built-in one;
// a name without '/' is looked up in PATH (then /usr/sbin, /usr/local/sbin),
// a path must be an executable file. Unknown: docker's "unknown or invalid
// runtime name" error.
Result<std::unique_ptr<OciRuntime>> open_runtime(const Paths& paths, const std::string& name);
// The runtime-spec version of the bundles given to external runtimes.
inline constexpr const char* kEngineSpecVersion = "1.1.0";

// Only the check (create / run validate --runtime before recording).
Status check_runtime_name(const std::string& name);
// The absolute path of an external runtime name or path.
Result<std::string> resolve_runtime_binary(const std::string& name);
// The cgroupsPath the engine gives every container (the built-in runtime's
// default, which it removes with the shared parent): /nook/<id>.
std::string engine_cgroups_path(const std::string& id);

// Implementations (runtime_builtin.cpp, runtime_external.cpp).
std::unique_ptr<OciRuntime> make_builtin_runtime(const Paths& paths);
std::unique_ptr<OciRuntime> make_external_runtime(const Paths& paths, const std::string& name,
                                                  const std::string& binary);

}  // namespace nook::engine
