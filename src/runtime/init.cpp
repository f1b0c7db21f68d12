// The container's init process (nook:[2:INIT]) and, when namespaces must be
// joined first, the middle stage (nook:[1:CHILD]). Both run after clone3 in a
// forked copy of the single-threaded runtime; errors go back to the parent as
// ERROR messages on the sync socket (see sync.h for the sequence).
#include "runtime/init.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "base/raw_log.h"
#include "oci/state_json.h"
#include "runtime/hooks.h"
#include "runtime/process_setup.h"
#include "runtime/sync.h"
#include "sys/fds.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namespaces.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/tty.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace nook::runtime {

namespace {

constexpr const char* kParent = "runtime parent";

Status join_session_keyring(const std::string& id) {
    // A fresh session keyring keeps the host's keys out of the container.
    constexpr long kKeyctlJoinSessionKeyring = 1;
    if (::syscall(SYS_keyctl, kKeyctlJoinSessionKeyring, id.c_str()) < 0 && errno != ENOSYS &&
        errno != EACCES)
        return Error::from_errno("join session keyring");
    return {};
}

// Steps from sync point [1] to [3]: everything the container needs before it
// waits for `start`.
Status prepare_container(LaunchPlan& plan, int sync, pid_t host_pid) {
    const oci::Spec& spec = plan.spec;
    const oci::Process& proc = *spec.process;
    const auto& ns = plan.ns;

    // Join our v1 cgroups ourselves (Manager::JoinPlan): "0" moves the
    // writing thread, which takes no global lock.
    for (const auto& f : plan.cgroup_self_files)
        TRY(sys::write_file(f, "0").context("join cgroup"));
    if (!ns.needs_middle_stage() && ns.creates(CLONE_NEWUSER)) TRY(become_root_in_user_namespace());
    if (!plan.opts.no_new_keyring) TRY(join_session_keyring(plan.opts.id));
    if (ns.creates(CLONE_NEWUTS) || ns.joins_ns(CLONE_NEWUTS)) {
        if (!spec.hostname.empty()) TRY(sys::set_hostname(spec.hostname));
        if (!spec.domainname.empty()) TRY(sys::set_domainname(spec.domainname));
    }
    // The parent attaches us to our cgroup meanwhile (see sync.h). We need to
    // be in it before a cgroup mount (its source is our cgroup) or a cgroup
    // namespace (rooted where we stand), and before any hook or READY.
    bool joined = false;
    auto join_cgroup = [&]() -> Status {
        if (std::exchange(joined, true)) return {};
        TRY(sync_expect(sync, SyncType::cgroup_joined, kParent));
        if (!ns.needs_middle_stage() && ns.creates(CLONE_NEWCGROUP))
            TRY(sys::unshare(CLONE_NEWCGROUP).context("cgroup namespace"));
        return {};
    };
    plan.rootfs.before_cgroup_mount = join_cgroup;
    // Without a mount namespace the container shares the runtime's mounts
    // (the spec: a namespace not listed is inherited). As runc, the root is
    // entered with chroot instead of pivot_root; no mount is made (it would
    // be the host's: validate refuses mounts and masked paths then), and
    // there is nothing to finalize but sysctls.
    const bool has_mount_ns = ns.creates(CLONE_NEWNS) || ns.joins_ns(CLONE_NEWNS);
    if (has_mount_ns) TRY(rootfs::prepare(spec, plan.rootfs).context("rootfs"));
    TRY(join_cgroup());

    // [2] createRuntime (and the deprecated prestart) hooks run in the
    // runtime's namespaces, so the parent runs them.
    const auto* hooks = spec.hooks ? &*spec.hooks : nullptr;
    if (hooks && (!hooks->prestart.empty() || !hooks->create_runtime.empty())) {
        sync_send(sync, SyncType::hooks_create_runtime);
        TRY(sync_expect(sync, SyncType::hooks_done, kParent));
    }
    if (hooks && !hooks->create_container.empty())
        TRY(run_hooks(hooks->create_container, "createContainer",
                      state_json_for_hooks(plan.opts, spec, host_pid, "creating")));

    if (has_mount_ns) {
        TRY(rootfs::switch_root(plan.rootfs).context("rootfs"));
    } else {
        TRY(sys::chroot(plan.rootfs.rootfs).context("root.path"));
        TRY(sys::chdir("/"));
    }
    const std::string cwd = proc.cwd.empty() ? "/" : proc.cwd;
    // As runc: a missing cwd is created (in the container's root, as its
    // root), before finalize() may make that root read-only.
    if (!sys::path_exists(cwd)) TRY(sys::mkdir_p(cwd, 0755).context("process.cwd"));
    // The console before finalize(): /dev/console is bind-mounted over
    // while the root may still be written to.
    if (proc.terminal) {
        TRY(setup_console(plan.console.get(), proc.console_size, has_mount_ns).context("console"));
        plan.console.reset();
    }
    if (has_mount_ns)
        TRY(rootfs::finalize(spec, plan.rootfs).context("rootfs"));
    else
        TRY(rootfs::apply_sysctls(spec).context("rootfs"));
    TRY(enter_cwd(cwd));
    // HOME from the container's /etc/passwd (runc's rule), before the PATH
    // lookup so both see the final environment.
    add_default_home(plan.spec.process->env, proc.user.uid);
    TRY_ASSIGN(plan.exec_path, find_executable(proc.args[0], proc.env));
    if (plan.seccomp_listener) {
        oci::State st;
        st.id = plan.opts.id;
        st.status = "creating";
        st.pid = host_pid;
        st.bundle = plan.opts.bundle;
        st.annotations = spec.annotations;
        plan.seccomp_listener_msg.sock = plan.seccomp_listener.get();
        plan.seccomp_listener_msg.process_state =
            oci::process_state_to_json(st, host_pid, spec.linux_->seccomp->listener_metadata);
    }
    return {};
}

// After `start` opened the fifo: the last steps, ending in execve.
Status finish_and_exec(LaunchPlan& plan, pid_t host_pid) {
    const oci::Process& proc = *plan.spec.process;
    const auto* hooks = plan.spec.hooks ? &*plan.spec.hooks : nullptr;
    if (hooks && !hooks->start_container.empty())
        TRY(run_hooks(hooks->start_container, "startContainer",
                      state_json_for_hooks(plan.opts, plan.spec, host_pid, "created")));
    return exec_process(plan.exec_path, proc, plan.security, plan.opts.preserve_fds,
                        plan.seccomp_listener_msg);
}

// Blocks until `start` opens the fifo for reading (see sync.h). The write end
// stays open, close-on-exec, until execve: `start` waits for that EOF before
// running poststart hooks, so they follow startContainer hooks and the exec.
Result<UniqueFd> wait_for_start(const LaunchPlan& plan) {
    int fd = -1;
    while ((fd = ::openat(plan.state_dir.get(), "exec.fifo", O_WRONLY | O_CLOEXEC)) < 0) {
        if (errno != EINTR) return Error::from_errno("open exec.fifo");
    }
    UniqueFd fifo(fd);
    TRY(sys::write_all(fifo.get(), "0"));
    return fifo;
}

}  // namespace

[[noreturn]] void init_main(LaunchPlan& plan, int sync) {
    sys::set_process_name("nook:[2:INIT]");
    reset_signal_mask();
    if (plan.parent_lock_fd >= 0) ::close(std::exchange(plan.parent_lock_fd, -1));
    // Until READY the init must not outlive a failed parent.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    rawlog::Buf b;
    // [1] wait until the parent has written our id maps and cgroup.
    auto go = sync_expect(sync, SyncType::go, kParent);
    if (!go.ok()) ::_exit(1);  // the parent is gone or failed: nothing to report to
    pid_t host_pid = go->value;

    auto prepared = prepare_container(plan, sync, host_pid);
    if (!prepared.ok()) {
        sync_send_error(sync, prepared.error());
        ::_exit(1);
    }
    // [3] Set up and waiting. From here on we must outlive the parent.
    ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    sync_send(sync, SyncType::ready, host_pid);
    ::close(sync);

    auto fifo = wait_for_start(plan);
    Status started = fifo.ok() ? finish_and_exec(plan, host_pid) : Status(fifo.error());
    // Only failures get here. The parent is gone: stderr is all we have.
    b.str(started.error().what().c_str());
    rawlog::write_line(b);
    ::_exit(started.error().code() == ENOENT ? 127 : 126);
}

[[noreturn]] void middle_main(LaunchPlan& plan, int sync) {
    sys::set_process_name("nook:[1:CHILD]");
    reset_signal_mask();
    if (plan.parent_lock_fd >= 0) ::close(std::exchange(plan.parent_lock_fd, -1));
    auto fail = [&](Error e) {
        sync_send_error(sync, e);
        ::_exit(1);
    };
    if (auto go = sync_expect(sync, SyncType::go, kParent); !go.ok()) ::_exit(1);
    auto& ns = plan.ns;
    for (auto& j : ns.joins) {
        auto r = sys::set_namespace(j.fd.get(), j.flag, j.path);
        if (!r.ok()) fail(r.error());
        j.fd.reset();
    }
    if (ns.creates(CLONE_NEWUSER)) {
        if (auto r = sys::unshare(CLONE_NEWUSER); !r.ok())
            fail(r.error().context("user namespace"));
        sync_send(sync, SyncType::maps_needed, ::getpid());
        if (auto r = sync_expect(sync, SyncType::maps_done, kParent); !r.ok()) ::_exit(1);
        if (auto r = become_root_in_user_namespace(); !r.ok()) fail(r.error());
    }
    int rest = ns.new_flags & ~(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWTIME);
    if (rest)
        if (auto r = sys::unshare(rest); !r.ok()) fail(r.error().context("namespaces"));
    if (ns.creates(CLONE_NEWTIME)) {
        if (auto r = sys::unshare(CLONE_NEWTIME); !r.ok())
            fail(r.error().context("time namespace"));
        if (!ns.time_offsets.empty()) {
            // Changing credentials in the user namespace made us non-dumpable,
            // which hands /proc/self/* to host root; be dumpable for this write only.
            ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
            auto r = sys::write_file("/proc/self/timens_offsets", ns.time_offsets);
            ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
            if (!r.ok()) fail(r.error().context("linux.timeOffsets"));
        }
    }
    // CLONE_PARENT: the init becomes the runtime parent's child, so `run` can
    // wait for its exit status.
    uint64_t flags = CLONE_PARENT | (ns.creates(CLONE_NEWPID) ? CLONE_NEWPID : 0);
    auto init = sys::clone3({.flags = flags, .exit_signal = 0});
    if (!init.ok()) fail(init.error().context("clone init"));
    if (init->pid == 0) init_main(plan, sync);
    sync_send(sync, SyncType::init_pid, init->pid);
    ::_exit(0);
}

}  // namespace nook::runtime
