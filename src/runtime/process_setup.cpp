#include "runtime/process_setup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "sys/fds.h"
#include "sys/mount.h"
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

namespace {

// /dev/console becomes a bind mount of the pty slave. The mount point is
// opened without following symlinks (an image's /dev/console -> /etc/shadow
// must not redirect the mount) and never opened as a device: the image's
// own node could be the host console's.
Status bind_dev_console(int slave) {
    const char* path = "/dev/console";
    struct stat st;
    if (::lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
        if (::unlink(path) < 0) return Error::from_errno("remove " + std::string(path));
    }
    if (::lstat(path, &st) < 0) {
        if (errno != ENOENT) return Error::from_errno(std::string("stat ") + path);
        int fd = ::open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) return Error::from_errno(std::string("create ") + path);
        ::close(fd);
    }
    UniqueFd target(::open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!target) return Error::from_errno(std::string("open ") + path);
    return sys::mount(sys::fd_path(slave).c_str(), sys::fd_path(target.get()), nullptr, MS_BIND, "",
                      path);
}

// The 6th field of the passwd line whose 3rd field is uid.
std::optional<std::string> home_from_passwd(const std::string& text, uid_t uid) {
    const std::string want = std::to_string(uid);
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        std::vector<std::string> f;
        size_t start = 0;
        for (size_t colon; (colon = line.find(':', start)) != std::string::npos; start = colon + 1)
            f.push_back(line.substr(start, colon - start));
        f.push_back(line.substr(start));
        if (f.size() >= 6 && f[2] == want && !f[5].empty()) return f[5];
    }
    return std::nullopt;
}

// The container's /etc/passwd, if it is a regular file of sane size (an
// image's FIFO there must not block the init).
std::string read_passwd() {
    UniqueFd fd(::open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    struct stat st;
    if (!fd || ::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (4 << 20))
        return "";
    std::string out(static_cast<size_t>(st.st_size), '\0');
    ssize_t n = ::read(fd.get(), out.data(), out.size());
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
}

}  // namespace

void add_default_home(std::vector<std::string>& env, uid_t uid) {
    for (const auto& e : env)
        if (e.starts_with("HOME=")) return;
    env.push_back("HOME=" + home_from_passwd(read_passwd(), uid).value_or("/"));
}

Status setup_console(int console_sock, const std::optional<oci::ConsoleSize>& size,
                     bool bind_console) {
    TRY_ASSIGN(sys::Pty pty, sys::open_pty("/dev/ptmx"));
    if (size) TRY(sys::set_window_size(pty.slave.get(), size->height, size->width));
    if (bind_console) TRY(bind_dev_console(pty.slave.get()).context("/dev/console"));
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
                    const security::ProcessSecurity& sec, int preserve_fds,
                    const security::SeccompListener& listener) {
    for (int fd = 3; fd < 3 + preserve_fds; ++fd) TRY(sys::set_cloexec(fd, false));
    TRY(sys::cloexec_from(3 + preserve_fds));
    sys::reset_signal_dispositions();
    // As runc: every container process leads its own session and process
    // group, so kill(0, sig) inside reaches nothing outside (the monitor,
    // or the shell of the CLI that ran exec): process groups ignore pid
    // namespaces.
    TRY(sys::own_session().context("new session"));
    TRY(security::apply(sec, listener));
    std::vector<char*> argv, envp;
    for (const auto& a : proc.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : proc.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(path.c_str(), argv.data(), envp.data());
    return Error::from_errno("exec " + path);
}

}  // namespace nook::runtime
