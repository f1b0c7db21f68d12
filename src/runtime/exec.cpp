#include "runtime/exec.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "oci/state_json.h"
#include "runtime/container_ops.h"
#include "runtime/launch_plan.h"
#include "runtime/process_setup.h"
#include "runtime/sync.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namespaces.h"
#include "sys/process.h"
#include "sys/socket.h"

namespace nook::runtime {

namespace {

constexpr const char* kParent = "runtime parent";

struct ExecPlan {
    const ExecOptions* opts = nullptr;
    int ns_flags = 0;
    bool user_ns = false;
    UniqueFd init_pidfd;
    UniqueFd console;
    security::ProcessSecurity security;
    std::string chroot_dir;     // no mount namespace: the container's root, as the init's
    UniqueFd seccomp_listener;  // linux.seccomp.listenerPath, connected here
    security::SeccompListener seccomp_listener_msg;
};

// nook:[2:EXEC] — inside every namespace; finish and execve.
[[noreturn]] void exec_process_main(ExecPlan& plan, int sync) {
    sys::set_process_name("nook:[2:EXEC]");
    // A copy: HOME may be added (we are a forked copy, allocating is fine).
    oci::Process proc = plan.opts->process;
    auto r = [&]() -> Status {
        if (proc.terminal)
            TRY(setup_console(plan.console.get(), proc.console_size, false).context("console"));
        plan.console.reset();
        TRY(enter_cwd(proc.cwd.empty() ? "/" : proc.cwd));
        add_default_home(proc.env, proc.user.uid);
        TRY_ASSIGN(std::string path, find_executable(proc.args[0], proc.env));
        return exec_process(path, proc, plan.security, plan.opts->preserve_fds,
                            plan.seccomp_listener_msg);
    }();
    sync_send_error(sync, r.error());
    ::_exit(r.error().code() == ENOENT ? 127 : 126);
}

// nook:[1:EXEC] — joins the namespaces, clones the process into the pid ns.
[[noreturn]] void exec_middle_main(ExecPlan& plan, int sync) {
    sys::set_process_name("nook:[1:EXEC]");
    reset_signal_mask();
    if (!sync_expect(sync, SyncType::go, kParent).ok()) ::_exit(1);
    auto r = [&]() -> Status {
        TRY(sys::set_namespace(plan.init_pidfd.get(), plan.ns_flags, "container namespaces"));
        plan.init_pidfd.reset();
        if (plan.user_ns) TRY(become_root_in_user_namespace());
        if (!plan.chroot_dir.empty()) {
            TRY(sys::chroot(plan.chroot_dir).context("root.path"));
            TRY(sys::chdir("/"));
        }
        TRY_ASSIGN(auto c, sys::clone3({.flags = CLONE_PARENT, .exit_signal = 0}));
        if (c.pid == 0) exec_process_main(plan, sync);
        sync_send(sync, SyncType::init_pid, c.pid);
        return {};
    }();
    if (!r.ok()) sync_send_error(sync, r.error());
    ::_exit(r.ok() ? 0 : 1);
}

}  // namespace

Result<OwnedPid> exec_in_container(const StateStore& store, const ExecOptions& o) {
    TRY_ASSIGN(ContainerRecord rec, store.load(o.id));
    std::string status = container_status(store, rec);
    if (status != "running" && status != "created")
        return Error(EINVAL, "cannot exec in container " + o.id + " in status " + status)
            .without_errno_text();
    if (o.process.args.empty())
        return invalid_input("exec: no command given (process.args is empty)");
    TRY_ASSIGN(oci::Spec spec, load_saved_spec(store, o.id));

    ExecPlan plan;
    plan.opts = &o;
    if (spec.linux_)
        for (const auto& n : spec.linux_->namespaces)
            if (auto f = sys::namespace_flag(n.type)) plan.ns_flags |= *f;
    plan.user_ns = (plan.ns_flags & CLONE_NEWUSER) != 0;
    if (!(plan.ns_flags & CLONE_NEWNS)) plan.chroot_dir = rec.rootfs;
    std::optional<oci::Seccomp> seccomp;
    std::optional<oci::Personality> personality;
    if (spec.linux_) {
        seccomp = spec.linux_->seccomp;
        personality = spec.linux_->personality;
    }
    TRY_ASSIGN(plan.security, security::prepare(o.process, seccomp, personality));
    if (plan.security.seccomp && plan.security.seccomp->notify) {
        // As for the init: the state names the container (its init's pid);
        // the exec'd process has no host pid of its own yet.
        TRY_ASSIGN(plan.seccomp_listener,
                   sys::connect_unix(seccomp->listener_path).context("linux.seccomp.listenerPath"));
        oci::State st;
        st.id = rec.id;
        st.status = status;
        st.pid = rec.pid;
        st.bundle = rec.bundle;
        st.annotations = rec.annotations;
        plan.seccomp_listener_msg.sock = plan.seccomp_listener.get();
        plan.seccomp_listener_msg.process_state =
            oci::process_state_to_json(st, rec.pid, seccomp->listener_metadata);
    }
    if (plan.user_ns && o.process.user.additional_gids.empty())
        plan.security.user.set_groups = false;
    if (o.process.terminal) {
        if (o.console_fd >= 0) {
            plan.console = UniqueFd(::fcntl(o.console_fd, F_DUPFD_CLOEXEC, 3));
        } else if (!o.console_socket.empty()) {
            TRY_ASSIGN(plan.console,
                       sys::connect_unix(o.console_socket).context("--console-socket"));
        } else {
            return invalid_input("exec -t needs --console-socket when detached");
        }
    }
    TRY_ASSIGN(plan.init_pidfd, sys::pidfd_open(rec.pid));
    if (!process_alive(rec)) return invalid_input("container " + o.id + " is not running");
    TRY_ASSIGN(auto cg, container_cgroup(rec));

    TRY_ASSIGN(auto sockets, sys::seqpacket_pair());
    auto& [parent_end, child_end] = sockets;
    TRY_ASSIGN(auto m, sys::clone3({}).context("clone exec stage"));
    if (m.pid == 0) {
        parent_end.reset();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        exec_middle_main(plan, child_end.get());
    }
    OwnedPid middle(m.pid);
    child_end.reset();
    plan.console.reset();
    // The exec'd process is born inside the container's cgroup.
    TRY(cg->add_process(m.pid).context("cgroup"));
    sync_send(parent_end.get(), SyncType::go);
    TRY_ASSIGN(SyncMsg msg, sync_expect(parent_end.get(), SyncType::init_pid, "exec setup"));
    OwnedPid proc(msg.value);
    middle.wait();
    if (o.process.oom_score_adj)
        (void)security::set_oom_score_adj(proc.get(), *o.process.oom_score_adj);
    // Success is EOF: the socket is close-on-exec.
    auto after = sync_recv(parent_end.get(), "exec'd process");
    if (after.ok()) {
        if (after->type == SyncType::error)
            return Error(after->value, after->text).without_errno_text();
        return invalid_input("sync protocol: unexpected message from exec'd process");
    }
    if (!o.pid_file.empty())
        TRY(sys::write_file_atomic(o.pid_file, std::to_string(proc.get()), 0644)
                .context("--pid-file"));
    return proc;
}

}  // namespace nook::runtime
