// Everything the container's processes need, computed in the parent before
// clone so the stages after clone only act on ready values.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/spec.h"
#include "runtime/cgroups/manager.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/security/process_security.h"

namespace nook::runtime {

struct NamespaceJoin {
    int flag = 0;  // CLONE_NEW*
    std::string path;
    UniqueFd fd;  // opened by the parent so a bad path fails before clone
};

struct NamespacePlan {
    int new_flags = 0;                 // namespaces to create
    std::vector<NamespaceJoin> joins;  // user namespace first
    std::string uid_map, gid_map;      // "c h n\n" lines
    std::string time_offsets;          // timens_offsets lines, or empty

    bool creates(int flag) const { return (new_flags & flag) != 0; }
    bool joins_ns(int flag) const;
    // Two stages suffice when every namespace is new and no time offsets are
    // set: clone3 creates them all at once. Otherwise a middle stage joins
    // and unshares first (see sync.h).
    bool needs_middle_stage() const { return !joins.empty() || !time_offsets.empty(); }
};

struct LaunchOptions {
    std::string id;
    std::string bundle;  // absolute
    std::string console_socket;
    // Already-connected console socket (foreground `run -t` proxies the pty
    // itself); used only when process.terminal is true.
    int console_fd = -1;
    std::string pid_file;
    int preserve_fds = 0;
    bool no_pivot = false;
    bool no_new_keyring = false;
    bool detach = true;  // run: -d
};

struct LaunchPlan {
    oci::Spec spec;
    LaunchOptions opts;
    NamespacePlan ns;
    rootfs::Options rootfs;
    security::ProcessSecurity security;
    std::unique_ptr<cgroups::Manager> cgroup;
    // v1 `tasks` files the init writes "0" to after GO (Manager::JoinPlan).
    std::vector<std::string> cgroup_self_files;
    std::string exec_path;  // args[0] resolved later, inside the container
    UniqueFd console;       // connected console socket (terminal: true)
    // linux.seccomp.listenerPath, connected by the parent (the init no longer
    // sees the host's paths when it loads the filter); the init fills in
    // process_state once it knows its host pid.
    UniqueFd seccomp_listener;
    security::SeccompListener seccomp_listener_msg;
    UniqueFd state_dir;  // O_PATH fd of the state dir, for exec.fifo after pivot
    // The parent's flock on the state dir: the stages close their inherited
    // copy at once, or `start`/`delete` would block on it for ever.
    int parent_lock_fd = -1;
};

Result<NamespacePlan> plan_namespaces(const oci::Spec& spec);

// The process's PATH lookup in the container's root: absolute or relative
// with a slash as given; otherwise each PATH entry from env (default PATH if
// none). Runs inside the container after switch_root.
Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env);

// The state JSON hooks read on stdin; pid is the init's pid as the host sees it.
std::string state_json_for_hooks(const LaunchOptions& o, const oci::Spec& spec, pid_t pid,
                                 const char* status);

}  // namespace nook::runtime
