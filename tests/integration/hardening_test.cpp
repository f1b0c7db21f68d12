// Hardening against known runtime escapes, observed from the host.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "fixture.h"

namespace itest {
namespace {

using Hardening = RuntimeTest;

// CVE-2019-5736: while the init waits for `start` it is still the runtime's
// binary. It must be an anonymous, sealed copy, so a container process that
// reaches /proc/<pid>/exe cannot rewrite the runtime on the host.
TEST_F(Hardening, WaitingInitRunsFromASealedCopyOfTheRuntime) {
    if (!is_nook())
        GTEST_SKIP() << "runc 1.1 protects itself with a read-only bind mount, not a memfd";
    std::string id = create({"/probe", "pid"});
    ASSERT_FALSE(id.empty());
    std::string exe = "/proc/" + std::to_string(state_pid(id)) + "/exe";
    char target[PATH_MAX] = {};
    ASSERT_GT(::readlink(exe.c_str(), target, sizeof target - 1), 0);
    EXPECT_NE(std::string(target).find("memfd:"), std::string::npos)
        << "init executes " << target << ", not an anonymous copy";
    int fd = ::open(exe.c_str(), O_WRONLY | O_CLOEXEC);
    int err = errno;
    EXPECT_LT(fd, 0) << "the init's executable is writable";
    if (fd >= 0) ::close(fd);
    EXPECT_TRUE(err == ETXTBSY || err == EPERM || err == EACCES) << "errno " << err;
}

// The runtime binary on disk is never what a container process executes:
// its inode is not the one behind the init's /proc/<pid>/exe.
TEST_F(Hardening, RuntimeBinaryOnDiskIsNotTheInitsExecutable) {
    if (!is_nook()) GTEST_SKIP() << "checks nook's own binary path";
    std::string id = create({"/probe", "pid"});
    ASSERT_FALSE(id.empty());
    struct stat disk {
    }, init{};
    ASSERT_EQ(::stat(runtime_path().c_str(), &disk), 0);
    std::string exe = "/proc/" + std::to_string(state_pid(id)) + "/exe";
    ASSERT_EQ(::stat(exe.c_str(), &init), 0);
    EXPECT_FALSE(disk.st_dev == init.st_dev && disk.st_ino == init.st_ino);
}

}  // namespace
}  // namespace itest
