// Hardening against known runtime escapes, observed from the host.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <string>

#include "fixture.h"

namespace itest {
namespace {

using Hardening = RuntimeTest;

// CVE-2019-5736: while the init waits for `start` it is still the runtime's
// binary. A container process that reaches /proc/<pid>/exe must not be able
// to open it for writing: nook runs from a detached read-only bind of itself
// (EROFS), or from a sealed memfd copy (ETXTBSY/EPERM) without CAP_SYS_ADMIN.
TEST_F(Hardening, WaitingInitsExecutableCannotBeOpenedForWriting) {
    std::string id = create({"/probe", "pid"});
    ASSERT_FALSE(id.empty());
    std::string exe = "/proc/" + std::to_string(state_pid(id)) + "/exe";
    int fd = ::open(exe.c_str(), O_WRONLY | O_CLOEXEC);
    int err = errno;
    EXPECT_LT(fd, 0) << "the init's executable is writable";
    if (fd >= 0) ::close(fd);
    EXPECT_TRUE(err == EROFS || err == ETXTBSY || err == EPERM || err == EACCES) << "errno " << err;
}

// The exploit's real path: keep an O_PATH handle on the init's executable,
// wait until the runtime process is gone (no more ETXTBSY), then reopen the
// handle for writing. It must fail, or at least not reach the binary on disk.
TEST_F(Hardening, ExecutableHandleCannotBeReopenedForWritingAfterTheInitExits) {
    std::string id = create({"/probe", "pid"});
    ASSERT_FALSE(id.empty());
    std::string exe = "/proc/" + std::to_string(state_pid(id)) + "/exe";
    int handle = ::open(exe.c_str(), O_PATH | O_CLOEXEC);
    ASSERT_GE(handle, 0) << "open " << exe;
    struct stat before {};
    ASSERT_EQ(::stat(runtime_path().c_str(), &before), 0);
    ASSERT_EQ(rt({"delete", "--force", id}).exit_code, 0);
    std::string again = "/proc/self/fd/" + std::to_string(handle);
    int w = ::open(again.c_str(), O_WRONLY | O_CLOEXEC);
    if (w >= 0) {
        EXPECT_LT(::write(w, "x", 1), 0) << "wrote into the runtime's executable";
        ::close(w);
    } else {
        EXPECT_TRUE(errno == EROFS || errno == EPERM || errno == EACCES) << "errno " << errno;
    }
    ::close(handle);
    struct stat after {};
    ASSERT_EQ(::stat(runtime_path().c_str(), &after), 0);
    EXPECT_EQ(before.st_size, after.st_size);
    EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
}

// nook's way in particular: the init's executable is on a read-only mount
// that appears in no mount table (detached), so nobody can remount it.
TEST_F(Hardening, InitRunsFromADetachedReadOnlyBindOfTheRuntime) {
    if (!is_nook()) GTEST_SKIP() << "checks nook's own mechanism";
    std::string id = create({"/probe", "pid"});
    ASSERT_FALSE(id.empty());
    pid_t pid = state_pid(id);
    std::string exe = "/proc/" + std::to_string(pid) + "/exe";
    struct statvfs vfs {};
    ASSERT_EQ(::statvfs(exe.c_str(), &vfs), 0);
    EXPECT_TRUE(vfs.f_flag & ST_RDONLY) << "the init's executable is on a writable mount";
    // Same file as on disk (a bind, not a copy)...
    struct stat disk {
    }, init{};
    ASSERT_EQ(::stat(runtime_path().c_str(), &disk), 0);
    ASSERT_EQ(::stat(exe.c_str(), &init), 0);
    EXPECT_TRUE(disk.st_dev == init.st_dev && disk.st_ino == init.st_ino);
    // ...whose mount is listed nowhere: not in the host's mount table, not in
    // the container's.
    for (std::string table :
         {std::string("/proc/self/mountinfo"), "/proc/" + std::to_string(pid) + "/mountinfo"}) {
        std::ifstream in(table);
        std::string line;
        while (std::getline(in, line))
            EXPECT_EQ(line.find(runtime_path()), std::string::npos) << table << ": " << line;
    }
}

}  // namespace
}  // namespace itest
