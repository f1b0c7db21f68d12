#include "sys/process.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "sys/file.h"
#include "sys/retry.h"

namespace nook::sys {

Result<Cloned> clone3(const CloneArgs& a) {
    struct clone_args ca;
    std::memset(&ca, 0, sizeof ca);
    int pidfd = -1;
    ca.flags = a.flags;
    ca.exit_signal = static_cast<uint64_t>(a.exit_signal);
    if (a.flags & CLONE_PIDFD) ca.pidfd = reinterpret_cast<uint64_t>(&pidfd);
    if (a.flags & CLONE_INTO_CGROUP) ca.cgroup = static_cast<uint64_t>(a.cgroup_fd);
    long r = ::syscall(SYS_clone3, &ca, sizeof ca);
    if (r < 0) return Error::from_errno("clone3");
    Cloned c;
    c.pid = static_cast<pid_t>(r);
    if (r > 0 && pidfd >= 0) c.pidfd = UniqueFd(pidfd);
    return c;
}

Result<UniqueFd> pidfd_open(pid_t pid) {
    long r = ::syscall(SYS_pidfd_open, pid, 0);
    if (r < 0) return Error::from_errno("pidfd_open " + std::to_string(pid));
    return UniqueFd(static_cast<int>(r));
}

Status pidfd_send_signal(int pidfd, int sig) {
    if (::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) < 0)
        return Error::from_errno("pidfd_send_signal");
    return {};
}

Status send_signal(pid_t pid, int sig) {
    if (::kill(pid, sig) < 0) return Error::from_errno("kill " + std::to_string(pid));
    return {};
}

Result<int> wait_pid(pid_t pid, int options) {
    int status = 0;
    pid_t r = retry_eintr([&] { return ::waitpid(pid, &status, options); });
    if (r < 0) return Error::from_errno("waitpid " + std::to_string(pid));
    if (r == 0) return Error(EAGAIN, "waitpid: still running");
    return status;
}

int exit_code_from_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

void reset_signal_dispositions() {
    struct KernelSigaction {
        void* handler;
        unsigned long flags;
        void* restorer;
        uint64_t mask;
    };
    for (int sig = 1; sig <= 64; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        KernelSigaction dfl{};  // handler SIG_DFL (0), no flags, empty mask
        ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof dfl.mask);
    }
}

Status set_child_subreaper() {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return Error::from_errno("prctl PR_SET_CHILD_SUBREAPER");
    return {};
}

void set_process_name(const char* name) {
    ::prctl(PR_SET_NAME, name, 0, 0, 0);
}

Status set_parent_death_signal(int sig) {
    if (::prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) < 0) return Error::from_errno("PR_SET_PDEATHSIG");
    return {};
}

Result<uint64_t> process_start_time(pid_t pid) {
    TRY_ASSIGN(ProcStat st, process_stat(pid));
    return st.start_time;
}

Result<ProcStat> process_stat(pid_t pid) {
    TRY_ASSIGN(std::string stat, read_file("/proc/" + std::to_string(pid) + "/stat"));
    // comm (field 2) may contain spaces and parens: parse after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos) return Error::invalid("malformed /proc stat");
    if (close + 2 >= stat.size()) return Error::invalid("malformed /proc stat");
    ProcStat out;
    out.state = stat[close + 2];
    const char* p = stat.c_str() + close + 2;
    // Fields from 3 on; starttime is field 22 -> the 20th after ')'.
    for (int field = 3; field < 22 && *p; ++field) {
        p = std::strchr(p, ' ');
        if (!p) return Error::invalid("malformed /proc stat");
        ++p;
    }
    out.start_time = std::strtoull(p, nullptr, 10);
    return out;
}

}  // namespace nook::sys
