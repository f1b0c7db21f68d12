#include "test_support.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "sys/file.h"

namespace nook::test {

namespace {

const char* const kApplets[] = {"sh", "ls", "cat", "echo", "test", "mkdir", "touch", "stat"};

void must(const Status& st) {
    ASSERT_TRUE(st.ok()) << st.error().what();
}

}  // namespace

void RootfsTest::SetUp() {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    char tmpl[] = "/tmp/nook-rootfs-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    base_ = tmpl;
    bundle_ = base_ + "/bundle";
    rootfs_ = bundle_ + "/rootfs";
    for (const char* d : {"/bin", "/proc", "/sys", "/dev", "/tmp", "/etc"})
        ASSERT_NO_FATAL_FAILURE(must(sys::mkdir_p(rootfs_ + d)));
    auto bb = sys::read_file("/bin/busybox");
    ASSERT_TRUE(bb.ok()) << bb.error().what() << " (install busybox-static)";
    ASSERT_NO_FATAL_FAILURE(must(sys::write_file_atomic(rootfs_ + "/bin/busybox", *bb, 0755)));
    for (const char* a : kApplets)
        ASSERT_EQ(::symlink("busybox", (rootfs_ + "/bin/" + a).c_str()), 0) << std::strerror(errno);
    ASSERT_NO_FATAL_FAILURE(must(sys::write_file_atomic(rootfs_ + "/etc/hostname", "image\n")));
    ASSERT_EQ(mountinfo_lines_with(base_), 0);

    spec_.root = oci::Root{"rootfs", false};
    spec_.mounts = default_mounts();
    spec_.linux_ = oci::Linux{};
}

void RootfsTest::TearDown() {
    if (base_.empty()) return;
    // The namespaces died with the child: no mount may be left on the host.
    EXPECT_EQ(mountinfo_lines_with(base_), 0) << "a mount leaked to the host";
    auto st = sys::remove_tree(base_);
    EXPECT_TRUE(st.ok()) << st.error().what();
}

std::vector<oci::Mount> RootfsTest::default_mounts() {
    return {
        {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
        {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
        {"/dev/pts",
         "devpts",
         "devpts",
         {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
        {"/dev/shm", "shm", "tmpfs", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
        {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
        {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
    };
}

runtime::rootfs::Options RootfsTest::options() const {
    runtime::rootfs::Options o;
    o.rootfs = rootfs_;
    o.bundle = bundle_;
    return o;
}

namespace {

// Write a whole small file (uid_map and friends want one write).
bool put(const std::string& path, const std::string& data) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    ::close(fd);
    return ok;
}

// Fork; in the child run setup() then fork the container init, which runs
// init() and reports its string through the pipe. Returns what was reported.
std::string run_forked(const std::function<std::string()>& setup,
                       const std::function<std::string()>& init) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) return std::string("pipe: ") + std::strerror(errno);
    pid_t pid = ::fork();
    if (pid < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid == 0) {
        ::close(p[0]);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        auto report = [&](const std::string& s) {
            (void)!::write(p[1], s.data(), s.size());
            ::_exit(0);
        };
        if (auto r = setup(); !r.empty()) report(r);
        pid_t child = ::fork();
        if (child < 0) report(std::string("fork: ") + std::strerror(errno));
        if (child == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            report(init());
        }
        int status = 0;
        while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    ::close(p[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) out.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        out += " (child status " + std::to_string(status) + ")";
    return out.empty() ? "child reported nothing" : out;
}

// The container init: set up the rootfs as the runtime would, then check.
std::string container_init(const oci::Spec& spec, const runtime::rootfs::Options& opts,
                           const std::function<std::string()>& pre,
                           const std::function<std::string()>& checks) {
    namespace rf = runtime::rootfs;
    if (pre) {
        if (auto r = pre(); !r.empty()) return "pre: " + r;
    }
    if (auto st = rf::prepare(spec, opts); !st.ok()) return "prepare: " + st.error().what();
    if (auto st = rf::switch_root(opts); !st.ok()) return "switch_root: " + st.error().what();
    if (auto st = rf::finalize(spec, opts); !st.ok()) return "finalize: " + st.error().what();
    auto r = checks();
    return r.empty() ? "OK" : r;
}

}  // namespace

std::string RootfsTest::run_container(const std::function<std::string()>& checks,
                                      const runtime::rootfs::Options& opts, int extra_unshare,
                                      const std::function<std::string()>& pre) {
    return run_forked(
        [&] {
            if (::unshare(CLONE_NEWNS | CLONE_NEWPID | extra_unshare) < 0)
                return std::string("unshare: ") + std::strerror(errno);
            return std::string();
        },
        [&] { return container_init(spec_, opts, pre, checks); });
}

std::string RootfsTest::run_container_in_userns(const std::function<std::string()>& checks,
                                                const runtime::rootfs::Options& opts,
                                                const std::function<std::string()>& privileged) {
    return run_forked(
        [&] {
            // A private copy of the host mounts first, so privileged() cannot leak.
            if (::unshare(CLONE_NEWNS) < 0)
                return std::string("unshare mnt: ") + std::strerror(errno);
            if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
                return std::string("rslave: ") + std::strerror(errno);
            if (auto r = privileged(); !r.empty()) return "privileged: " + r;
            if (::unshare(CLONE_NEWUSER) < 0)
                return std::string("unshare user: ") + std::strerror(errno);
            // Only our own ids may be mapped without help from outside.
            if (!put("/proc/self/uid_map", "0 0 1") || !put("/proc/self/setgroups", "deny") ||
                !put("/proc/self/gid_map", "0 0 1"))
                return std::string("id maps: ") + std::strerror(errno);
            if (::unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) < 0)
                return std::string("unshare: ") + std::strerror(errno);
            return std::string();
        },
        [&] { return container_init(spec_, opts, {}, checks); });
}

int RootfsTest::mountinfo_lines_with(const std::string& needle) {
    std::ifstream in("/proc/self/mountinfo");
    int n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.find(needle) != std::string::npos) ++n;
    return n;
}

int run_shell(const std::string& cmd) {
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace nook::test
