#include "runtime/process_setup.h"

#include <signal.h>
#include <unistd.h>

#include "sys/fds.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/tty.h"

namespace nook::runtime {

void reset_signal_mask() {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

Status become_root_in_user_namespace() {
    // The ids the parent mapped for us are only effective after a setresuid.
    if (::setresgid(0, 0, 0) < 0) return Error::from_errno("setresgid(0) in user namespace");
    if (::setresuid(0, 0, 0) < 0) return Error::from_errno("setresuid(0) in user namespace");
    return {};
}

Status setup_console(int console_sock, const std::optional<oci::ConsoleSize>& size) {
    TRY_ASSIGN(sys::Pty pty, sys::open_pty("/dev/ptmx"));
    if (size) TRY(sys::set_window_size(pty.slave.get(), size->height, size->width));
    TRY(sys::send_fd(console_sock, pty.master.get(), "/dev/ptmx"));
    TRY(sys::make_controlling_terminal(pty.slave.get()));
    return {};
}

Status enter_cwd(const std::string& cwd) {
    if (::chdir(cwd.c_str()) < 0) return Error::from_errno("chdir to cwd " + cwd);
    // A leaked host directory as cwd shows up as "(unreachable)/..." here.
    char buf[4096];
    if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
        return invalid_input("cwd " + cwd + " is outside the container root");
    return {};
}

Status exec_process(const std::string& path, const oci::Process& proc,
                    const security::ProcessSecurity& sec, int preserve_fds) {
    for (int fd = 3; fd < 3 + preserve_fds; ++fd) TRY(sys::set_cloexec(fd, false));
    TRY(sys::cloexec_from(3 + preserve_fds));
    sys::reset_signal_dispositions();
    // As runc: every container process leads its own session and process
    // group, so kill(0, sig) inside reaches nothing outside (the monitor,
    // or the shell of the CLI that ran exec): process groups ignore pid
    // namespaces.
    TRY(sys::own_session().context("new session"));
    TRY(security::apply(sec));
    std::vector<char*> argv, envp;
    for (const auto& a : proc.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : proc.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(path.c_str(), argv.data(), envp.data());
    return Error::from_errno("exec " + path);
}

}  // namespace nook::runtime
