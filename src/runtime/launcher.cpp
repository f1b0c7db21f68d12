// The parent side of `create` (nook:[0:PARENT]): builds the launch plan,
// clones the container's processes and drives them through the sync points
// of sync.h. Every step that leaves something on the host (state dir,
// cgroup, process) is guarded and rolled back if a later step fails.
#include "runtime/launcher.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#include <climits>
#include <cstdlib>
#include <optional>

#include "base/log.h"
#include "base/scope_exit.h"
#include "base/time_format.h"
#include "oci/spec_json.h"
#include "oci/validate.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/sync.h"
#include "sys/fds.h"
#include "sys/file.h"
#include "sys/namespaces.h"
#include "sys/process.h"
#include "sys/socket.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace nook::runtime {

namespace {

constexpr const char* kInit = "container init";

Result<std::string> absolute(const std::string& path, const std::string& what) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) return Error::from_errno(what + " " + path);
    return std::string(buf);
}

Status write_id_maps(const NamespacePlan& ns, pid_t pid) {
    TRY(sys::write_id_map(pid, "uid_map", ns.uid_map).context("linux.uidMappings"));
    TRY(sys::write_id_map(pid, "gid_map", ns.gid_map).context("linux.gidMappings"));
    return {};
}

Status build_plan(LaunchPlan& plan, const StateStore& store) {
    const oci::Spec& spec = plan.spec;
    TRY_ASSIGN(plan.ns, plan_namespaces(spec));
    std::string root = spec.root->path;
    if (root.empty() || root[0] != '/') root = plan.opts.bundle + "/" + root;
    TRY_ASSIGN(plan.rootfs.rootfs, absolute(root, "root.path"));
    plan.rootfs.bundle = plan.opts.bundle;
    plan.rootfs.in_user_namespace =
        plan.ns.creates(CLONE_NEWUSER) || plan.ns.joins_ns(CLONE_NEWUSER);
    plan.rootfs.new_cgroup_namespace = plan.ns.creates(CLONE_NEWCGROUP);
    plan.rootfs.no_pivot = plan.opts.no_pivot;

    std::optional<oci::Seccomp> seccomp;
    std::optional<oci::Personality> personality;
    if (spec.linux_) {
        seccomp = spec.linux_->seccomp;
        personality = spec.linux_->personality;
    }
    TRY_ASSIGN(plan.security, security::prepare(*spec.process, seccomp, personality));
    if (plan.security.seccomp && plan.security.seccomp->notify) {
        TRY_ASSIGN(plan.seccomp_listener,
                   sys::connect_unix(seccomp->listener_path).context("linux.seccomp.listenerPath"));
    }
    // In a user namespace without setgroups permission groups stay as they are.
    if (plan.rootfs.in_user_namespace && spec.process->user.additional_gids.empty())
        plan.security.user.set_groups = false;

    if (spec.process->terminal && plan.opts.console_fd >= 0) {
        plan.console = UniqueFd(::fcntl(plan.opts.console_fd, F_DUPFD_CLOEXEC, 3));
        if (!plan.console) return Error::from_errno("dup console socket");
    } else if (spec.process->terminal) {
        if (plan.opts.console_socket.empty())
            return invalid_input("process.terminal is true but no --console-socket was given");
        TRY_ASSIGN(plan.console,
                   sys::connect_unix(plan.opts.console_socket).context("--console-socket"));
    } else if (!plan.opts.console_socket.empty()) {
        return invalid_input("--console-socket given but process.terminal is false");
    }
    TRY_ASSIGN(plan.state_dir, sys::open_file(store.dir(plan.opts.id), O_PATH | O_DIRECTORY));
    return {};
}

// After the config's device rules (usually "deny all"), every container may
// use the standard devices and create nodes, as with runc; then the devices
// the config lists.
oci::Resources effective_resources(const oci::Spec& spec) {
    oci::Resources r =
        spec.linux_ && spec.linux_->resources ? *spec.linux_->resources : oci::Resources{};
    if (!spec.linux_ || !spec.linux_->resources) return r;
    auto allow = [&](const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                     const char* access) {
        r.devices.push_back({true, type, major, minor, access});
    };
    allow("c", std::nullopt, std::nullopt, "m");
    allow("b", std::nullopt, std::nullopt, "m");
    for (auto [major, minor] :
         {std::pair{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 2}, {10, 200}})
        allow("c", major, minor, "rwm");
    allow("c", 136, std::nullopt, "rwm");  // /dev/pts/*
    for (const auto& d : spec.linux_->devices)
        if (d.type == "c" || d.type == "b" || d.type == "u")
            allow(d.type == "u" ? "c" : d.type.c_str(), d.major, d.minor, "rwm");
    return r;
}

// Creating the cgroup early lets clone3 place the init in it directly (v2).
Status make_cgroup(LaunchPlan& plan) {
    const std::string path = plan.spec.linux_ ? plan.spec.linux_->cgroups_path : "";
    TRY_ASSIGN(plan.cgroup, cgroups::make_manager(path, plan.opts.id));
    // A concurrent delete may remove the shared parent between our mkdirs.
    Status made = plan.cgroup->create();
    for (int retry = 0; !made.ok() && made.error().code() == ENOENT && retry < 3; ++retry)
        made = plan.cgroup->create();
    return std::move(made).context("cgroup");
}

struct Spawned {
    OwnedPid init;
    bool attach_after_go = false;  // v1/hybrid: the init still has to join its cgroup
};

// Clone the init directly (all namespaces new) or through the middle stage.
Result<Spawned> spawn(LaunchPlan& plan, UniqueFd& parent_end, UniqueFd& child_end) {
    Spawned out;
    auto& ns = plan.ns;
    if (!ns.needs_middle_stage()) {
        // The cgroup namespace is unshared by the init once it is in its
        // cgroup: created at clone it would be rooted at ours.
        sys::CloneArgs args{.flags = static_cast<uint64_t>(ns.new_flags & ~CLONE_NEWCGROUP)};
        // In a new user namespace the init cannot write the host's cgroup
        // files: we attach it then (the slow way, see Manager::JoinPlan).
        auto join = plan.cgroup->join_plan(!ns.creates(CLONE_NEWUSER));
        if (join.clone_into) {
            args.flags |= CLONE_INTO_CGROUP;
            args.cgroup_fd = join.clone_into.get();
        }
        plan.cgroup_self_files = std::move(join.self_files);  // the child's copy
        TRY_ASSIGN(auto c, sys::clone3(args).context("clone container init"));
        if (c.pid == 0) {
            parent_end.reset();
            ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            init_main(plan, child_end.get());
        }
        out.init = OwnedPid(c.pid);
        child_end.reset();
        // [1] ids now; the cgroup attach happens after GO (see sync.h).
        if (ns.creates(CLONE_NEWUSER)) TRY(write_id_maps(ns, c.pid));
        out.attach_after_go = join.parent_attach;
        return out;
    }

    TRY_ASSIGN(auto m, sys::clone3({}).context("clone middle stage"));
    if (m.pid == 0) {
        parent_end.reset();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        middle_main(plan, child_end.get());
    }
    OwnedPid middle(m.pid);
    child_end.reset();
    TRY(plan.cgroup->add_process(m.pid).context("cgroup"));
    sync_send(parent_end.get(), SyncType::go, m.pid);
    for (;;) {
        TRY_ASSIGN(SyncMsg msg, sync_recv(parent_end.get(), "container setup"));
        if (msg.type == SyncType::error) return Error(msg.value, msg.text).without_errno_text();
        if (msg.type == SyncType::maps_needed) {
            TRY(write_id_maps(ns, msg.value));
            sync_send(parent_end.get(), SyncType::maps_done);
        } else if (msg.type == SyncType::init_pid) {
            out.init = OwnedPid(msg.value);
            break;
        } else {
            return invalid_input(std::string("sync protocol: unexpected ") +
                                 sync_type_name(msg.type));
        }
    }
    middle.wait();
    return out;
}

// The init went silent (EOF, or a reset with nothing pending): it died
// without sending ERROR. Say how, and why when we can tell: a memory limit
// below what the init needs gets it OOM-killed as soon as it is in its
// cgroup, long before it could report anything itself.
Error explain_silent_init(Error lost, LaunchPlan& plan, OwnedPid& init, uint64_t ooms_before) {
    if (!init.valid()) return lost;
    int status = init.wait();
    auto ooms = plan.cgroup->oom_kill_count();
    const auto& l = plan.spec.linux_;
    std::optional<int64_t> limit;
    if (l && l->resources && l->resources->memory) limit = l->resources->memory->limit;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && ooms.ok() && *ooms > ooms_before)
        return invalid_input(std::string(kInit) + " was killed by the OOM killer" +
                             (limit ? ": linux.resources.memory.limit " + std::to_string(*limit) +
                                          " is too low to start the container"
                                    : ""));
    if (WIFSIGNALED(status))
        return Error(lost.code(), std::string(kInit) + " was killed by signal " +
                                      std::to_string(WTERMSIG(status)) + " during setup")
            .without_errno_text();
    if (WIFEXITED(status))
        return Error(lost.code(), std::string(kInit) + " exited with status " +
                                      std::to_string(WEXITSTATUS(status)) +
                                      " during setup without reporting an error")
            .without_errno_text();
    return lost;
}

}  // namespace

Result<Created> create_container(const StateStore& store, const LaunchOptions& opts) {
    Created out;
    LaunchPlan plan;
    plan.opts = opts;
    TRY_ASSIGN(plan.opts.bundle, absolute(opts.bundle.empty() ? "." : opts.bundle, "bundle"));
    const std::string config_path = plan.opts.bundle + "/config.json";
    TRY_ASSIGN(std::string config_text, sys::read_file(config_path));
    TRY_ASSIGN(plan.spec, oci::parse_spec(config_text, config_path));
    TRY(oci::validate(plan.spec, plan.opts.bundle).context(config_path));
    if (!plan.spec.process) return invalid_input(config_path + ": process: required for create");

    TRY_ASSIGN(out.lock, store.create(opts.id));
    plan.parent_lock_fd = out.lock.fd();
    ScopeExit remove_dir([&] { (void)store.remove(opts.id); });
    TRY(sys::write_file_atomic(store.config_path(opts.id), config_text, 0600));
    TRY(build_plan(plan, store));
    TRY(make_cgroup(plan));
    ScopeExit remove_cgroup([&] { (void)plan.cgroup->destroy(); });
    if (plan.spec.linux_ && plan.spec.linux_->resources)
        TRY(plan.cgroup->apply(effective_resources(plan.spec)).context("linux.resources"));
    TRY(sys::make_fifo(store.fifo_path(opts.id), 0622));

    TRY_ASSIGN(auto sockets, sys::seqpacket_pair());
    auto& [parent_end, child_end] = sockets;
    auto oom_count = plan.cgroup->oom_kill_count();
    const uint64_t ooms_before = oom_count.ok() ? *oom_count : 0;
    TRY_ASSIGN(Spawned s, spawn(plan, parent_end, child_end));
    pid_t pid = s.init.get();
    int sync = parent_end.get();
    if (plan.spec.process->oom_score_adj)
        TRY(security::set_oom_score_adj(pid, *plan.spec.process->oom_score_adj));
    sync_send(sync, SyncType::go, pid);
    if (s.attach_after_go) TRY(plan.cgroup->add_process(pid).context("cgroup"));
    sync_send(sync, SyncType::cgroup_joined);

    // [2] and [3]
    for (;;) {
        auto received = sync_recv(sync, kInit);
        if (!received.ok())
            return explain_silent_init(std::move(received).error(), plan, s.init, ooms_before);
        SyncMsg msg = *received;
        if (msg.type == SyncType::error) return Error(msg.value, msg.text).without_errno_text();
        if (msg.type == SyncType::hooks_create_runtime) {
            std::string st = state_json_for_hooks(plan.opts, plan.spec, pid, "creating");
            const auto& h = *plan.spec.hooks;
            auto r = run_hooks(h.prestart, "prestart", st);
            if (r.ok()) r = run_hooks(h.create_runtime, "createRuntime", st);
            if (!r.ok()) return std::move(r).error();
            sync_send(sync, SyncType::hooks_done);
        } else if (msg.type == SyncType::ready) {
            break;
        } else {
            return invalid_input(std::string("sync protocol: unexpected ") +
                                 sync_type_name(msg.type));
        }
    }

    ContainerRecord& r = out.record;
    r.id = opts.id;
    r.pid = pid;
    TRY_ASSIGN(r.start_time, sys::process_start_time(pid));
    r.bundle = plan.opts.bundle;
    r.rootfs = plan.rootfs.rootfs;
    r.created = now_rfc3339_nano();
    r.owner = "root";
    r.annotations = plan.spec.annotations;
    r.cgroups_path = plan.spec.linux_ ? plan.spec.linux_->cgroups_path : "";
    TRY(store.save(r));
    if (!opts.pid_file.empty())
        TRY(sys::write_file_atomic(opts.pid_file, std::to_string(pid), 0644).context("--pid-file"));

    out.spec = std::move(plan.spec);
    out.cgroup = std::move(plan.cgroup);
    out.init = std::move(s.init);
    remove_cgroup.dismiss();
    remove_dir.dismiss();
    return out;
}

}  // namespace nook::runtime
