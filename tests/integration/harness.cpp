#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace itest {
namespace {

// Applets the tests (and hook scripts run inside the container) use.
const char* const kApplets[] = {"sh",   "ls",    "cat",   "echo",  "ps",    "ip",      "hostname",
                                "id",   "sleep", "true",  "false", "mount", "touch",   "mkdir",
                                "rm",   "env",   "pwd",   "kill",  "test",  "tr",      "grep",
                                "stat", "umask", "uname", "wc",    "head",  "readlink"};

[[noreturn]] void die(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::string make_temp_dir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "XXXXXX";
    if (!mkdtemp(tmpl.data())) die("mkdtemp " + tmpl);
    return tmpl;
}

// Removes a test directory; detaches any mount a broken runtime left inside
// first, so removal never descends into a host filesystem.
void remove_tree(const std::string& dir) {
    if (dir.empty()) return;
    for (int i = 0; i < 8 && !leftover_mounts(dir).empty(); i++) {
        for (const auto& line : lines(leftover_mounts(dir))) umount2(line.c_str(), MNT_DETACH);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
}

void set_nonblock(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads what is available without blocking; returns false at EOF.
bool drain(int fd, std::string& into) {
    char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EINTR;
    }
}

}  // namespace

std::string runtime_path() {
    const char* env = getenv("RUNTIME");
    if (env && *env) return env;
    return NOOK_DEFAULT_RUNTIME;
}

bool is_nook() {
    return runtime_path().find("nook") != std::string::npos;
}

bool is_runc() {
    return fs::path(runtime_path()).filename() == "runc";
}

std::string CmdResult::describe() const {
    std::ostringstream s;
    s << "exit=" << exit_code << (timed_out ? " (timed out)" : "") << "\n--- stdout:\n"
      << out << "--- stderr:\n"
      << err;
    return s.str();
}

AsyncCmd::AsyncCmd(const std::vector<std::string>& argv, const CmdOptions& opts)
    : stdin_data_(opts.stdin_data), stdout_file_(opts.stdout_file) {
    int out[2] = {-1, -1}, err[2], in[2] = {-1, -1};
    if (stdout_file_.empty() && pipe2(out, O_CLOEXEC) < 0) die("pipe2");
    if (pipe2(err, O_CLOEXEC) < 0) die("pipe2");
    if (!stdin_data_.empty() && pipe2(in, O_CLOEXEC) < 0) die("pipe2");
    int out_file = -1;
    if (!stdout_file_.empty()) {
        out_file = open(stdout_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out_file < 0) die("open " + stdout_file_);
    }
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);

    pid_ = fork();
    if (pid_ < 0) die("fork");
    if (pid_ == 0) {
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        dup2(in[0] >= 0 ? in[0] : devnull, 0);
        dup2(out_file >= 0 ? out_file : out[1], 1);
        dup2(err[1], 2);
        // Move passed fds out of the way first so one mapping cannot clobber another's source.
        std::vector<std::pair<int, int>> moved;
        for (auto [target, src] : opts.pass_fds)
            moved.push_back({target, fcntl(src, F_DUPFD_CLOEXEC, 200)});
        for (auto [target, src] : moved) dup2(src, target);  // dup2 clears CLOEXEC on target
        int next = 3;
        for (auto& [target, src] : moved) {
            (void)src;
            if (target > next) close_range(next, target - 1, 0);
            next = target + 1;
        }
        close_range(next, ~0U, 0);
        for (const auto& e : opts.env) putenv(const_cast<char*>(e.c_str()));
        execvp(cargv[0], cargv.data());
        dprintf(2, "exec %s: %s\n", cargv[0], strerror(errno));
        _exit(127);
    }
    if (out[1] >= 0) close(out[1]);
    close(err[1]);
    if (in[0] >= 0) close(in[0]);
    if (out_file >= 0) close(out_file);
    out_fd_ = out[0];
    err_fd_ = err[0];
    in_fd_ = in[1];
    if (out_fd_ >= 0) set_nonblock(out_fd_);
    set_nonblock(err_fd_);
    if (in_fd_ >= 0) {
        // Small payloads (process.json, state) fit the pipe buffer: write and close.
        ssize_t n = write(in_fd_, stdin_data_.data(), stdin_data_.size());
        (void)n;
        close(in_fd_);
        in_fd_ = -1;
    }
}

AsyncCmd::~AsyncCmd() {
    if (!done_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
}

CmdResult AsyncCmd::wait(std::chrono::milliseconds timeout) {
    CmdResult r;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = out_fd_ >= 0, err_open = true;
    int status = 0;
    for (;;) {
        pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
        poll(p, 2, 20);
        if (out_open) out_open = drain(out_fd_, r.out);
        if (err_open) err_open = drain(err_fd_, r.err);
        pid_t w = waitpid(pid_, &status, WNOHANG);
        if (w == pid_) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            r.timed_out = true;
            break;
        }
    }
    done_ = true;
    if (out_open) drain(out_fd_, r.out);
    if (err_open) drain(err_fd_, r.err);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (!stdout_file_.empty()) r.out = read_file(stdout_file_);
    return r;
}

CmdResult run_cmd(const std::vector<std::string>& argv, const CmdOptions& opts) {
    AsyncCmd cmd(argv, opts);
    return cmd.wait(opts.timeout);
}

Json default_config(const std::vector<std::string>& args) {
    Json caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    return Json{
        {"ociVersion", "1.0.2"},
        {"process",
         {{"terminal", false},
          {"user", {{"uid", 0}, {"gid", 0}}},
          {"args", args},
          {"env",
           {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
          {"cwd", "/"},
          {"capabilities",
           {{"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"ambient", caps}}},
          {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}}},
          {"noNewPrivileges", true}}},
        {"root", {{"path", "rootfs"}, {"readonly", false}}},
        {"hostname", "nook-itest"},
        {"mounts",
         {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
          {{"destination", "/dev"},
           {"type", "tmpfs"},
           {"source", "tmpfs"},
           {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
          {{"destination", "/dev/pts"},
           {"type", "devpts"},
           {"source", "devpts"},
           {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
          {{"destination", "/dev/shm"},
           {"type", "tmpfs"},
           {"source", "shm"},
           {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
          {{"destination", "/dev/mqueue"},
           {"type", "mqueue"},
           {"source", "mqueue"},
           {"options", {"nosuid", "noexec", "nodev"}}},
          {{"destination", "/sys"},
           {"type", "sysfs"},
           {"source", "sysfs"},
           {"options", {"nosuid", "noexec", "nodev", "ro"}}}}},
        {"linux",
         {{"resources", {{"devices", {{{"allow", false}, {"access", "rwm"}}}}}},
          {"namespaces",
           {{{"type", "pid"}},
            {{"type", "network"}},
            {{"type", "ipc"}},
            {{"type", "uts"}},
            {{"type", "mount"}}}},
          {"maskedPaths",
           {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
            "/proc/scsi"}},
          {"readonlyPaths",
           {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}}}};
}

Bundle::Bundle() : dir_(make_temp_dir("nook-itest-")), config_(default_config({"/probe", "pid"})) {
    // Traversable by the mapped root of user-namespace tests.
    chmod(dir_.c_str(), 0755);
    const std::string rootfs = dir_ + "/rootfs";
    for (const char* d : {"", "/bin", "/proc", "/sys", "/dev", "/etc", "/root"})
        fs::create_directories(rootfs + d);
    fs::create_directories(rootfs + "/tmp");
    chmod((rootfs + "/tmp").c_str(), 01777);
    // Copies, not links: a container must never be able to write the host's files.
    fs::copy_file("/bin/busybox", rootfs + "/bin/busybox");
    fs::copy_file(NOOK_PROBE_PATH, rootfs + "/probe");
    for (const char* applet : kApplets) fs::create_symlink("busybox", rootfs + "/bin/" + applet);
    write_file("rootfs/etc/passwd",
               "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n");
    write_file("rootfs/etc/group", "root:x:0:\ntty:x:5:\nuser:x:1000:\n");
}

Bundle::~Bundle() {
    remove_tree(dir_);
}

void Bundle::write_config() const {
    write_raw_config(config_.dump(2));
}

void Bundle::write_raw_config(const std::string& text) const {
    write_file("config.json", text);
}

void Bundle::write_file(const std::string& rel, const std::string& content, mode_t mode) const {
    const std::string path = dir_ + "/" + rel;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream f(path, std::ios::trunc);
    f << content;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + path);
    chmod(path.c_str(), mode);
}

Runtime::Runtime() : root_(make_temp_dir("nook-itest-root-")) {
    // Failure-case tests expect non-zero exits; a runtime that cannot even be
    // executed would satisfy them, so every test first fails loudly here.
    static const CmdResult version = run_cmd({runtime_path(), "--version"});
    if (version.exit_code != 0)
        ADD_FAILURE() << "runtime under test (" << runtime_path() << ") is not usable: `--version` "
                      << version.describe();
}

Runtime::~Runtime() {
    for (const auto& id : ids_) {
        CmdOptions o;
        o.timeout = 10s;
        run_cmd(argv({"delete", "--force", id}), o);
    }
    remove_tree(root_);
}

std::string Runtime::new_id() {
    static std::atomic<int> counter{0};
    static const unsigned salt = std::random_device{}();
    std::ostringstream s;
    s << "itest-" << getpid() << "-" << std::hex << (salt & 0xffff) << "-" << std::dec << counter++;
    ids_.insert(s.str());
    return s.str();
}

std::vector<std::string> Runtime::argv(const std::vector<std::string>& args) const {
    std::vector<std::string> v = {runtime_path(), "--root", root_};
    v.insert(v.end(), args.begin(), args.end());
    return v;
}

CmdResult Runtime::operator()(const std::vector<std::string>& args, const CmdOptions& opts) const {
    return run_cmd(argv(args), opts);
}

Json Runtime::state(const std::string& id) const {
    CmdResult r = (*this)({"state", id});
    if (r.exit_code != 0) return nullptr;
    Json j = Json::parse(r.out, nullptr, false);
    // Anything but a JSON object is as good as no state at all.
    return j.is_object() ? j : Json(nullptr);
}

std::string Runtime::wait_status(const std::string& id, const std::string& want,
                                 std::chrono::milliseconds timeout) const {
    std::string last;
    wait_until(
        [&] {
            Json s = state(id);
            last =
                s.is_object() && s.contains("status") ? s["status"].get<std::string>() : "<none>";
            return last == want;
        },
        timeout);
    return last;
}

std::vector<std::string> Runtime::state_entries() const {
    std::vector<std::string> v;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec)) v.push_back(e.path().filename());
    return v;
}

std::string leftover_mounts(const std::string& path_fragment) {
    std::string found;
    std::istringstream in(read_file("/proc/self/mountinfo"));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string id, parent, dev, root, mountpoint;
        f >> id >> parent >> dev >> root >> mountpoint;
        if (mountpoint.find(path_fragment) != std::string::npos) found += mountpoint + "\n";
    }
    return found;
}

std::string leftover_processes(const std::string& rootfs) {
    // A container process lives in another mount namespace whose mount table
    // still names the bundle (as the source root of its / or of pre-pivot
    // mounts); the unique temp-dir name is enough to recognise it.
    const std::string tag = fs::path(rootfs).parent_path().filename();
    std::string self_ns;
    {
        char buf[64] = {};
        if (readlink("/proc/self/ns/mnt", buf, sizeof buf - 1) > 0) self_ns = buf;
    }
    std::string found;
    DIR* d = opendir("/proc");
    if (!d) return "cannot open /proc";
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        const std::string base = std::string("/proc/") + e->d_name;
        char buf[64] = {};
        if (readlink((base + "/ns/mnt").c_str(), buf, sizeof buf - 1) <= 0 || self_ns == buf)
            continue;
        if (read_file(base + "/mountinfo").find(tag) != std::string::npos)
            found +=
                std::string("pid ") + e->d_name + " (" + trim(read_file(base + "/comm")) + ")\n";
    }
    closedir(d);
    return found;
}

std::string leftover_cgroups(const std::string& id) {
    std::string found;
    std::error_code ec;
    for (const auto& ctrl : fs::directory_iterator("/sys/fs/cgroup", ec)) {
        fs::recursive_directory_iterator it(ctrl.path(),
                                            fs::directory_options::skip_permission_denied, ec),
            end;
        for (; !ec && it != end; it.increment(ec)) {
            if (it.depth() >= 2) it.disable_recursion_pending();
            if (it->is_directory(ec) &&
                it->path().filename().string().find(id) != std::string::npos)
                found += it->path().string() + "\n";
        }
    }
    return found;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

bool path_exists(const std::string& path) {
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string squeeze_spaces(const std::string& s) {
    std::string r;
    for (char c : s) {
        if ((c == ' ' || c == '\t') && (r.empty() || r.back() == ' ' || r.back() == '\n')) continue;
        r += c == '\t' ? ' ' : c;
    }
    return r;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> v;
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line))
        if (!trim(line).empty()) v.push_back(trim(line));
    return v;
}

std::string kv(const std::string& probe_out, const std::string& key) {
    for (const auto& line : lines(probe_out))
        if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    return "";
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

int listen_unix(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

}  // namespace itest
