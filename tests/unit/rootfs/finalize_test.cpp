// finalize(): sysctl, readonlyPaths, maskedPaths, root.readonly.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/file.h"
#include "test_support.h"

namespace nook::test {
namespace {

int open_errno(const char* path, int flags) {
    int fd = ::open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    ::close(fd);
    return 0;
}

std::string slurp(const char* path) {
    auto r = sys::read_file(path);
    return r.ok() ? *r : "<" + r.error().what() + ">";
}

TEST_F(RootfsTest, MaskedPathsHideFilesAndDirectories) {
    ASSERT_TRUE(sys::mkdir_p(rootfs_ + "/secret").ok());
    ASSERT_TRUE(sys::write_file_atomic(rootfs_ + "/secret/key", "k").ok());
    ASSERT_TRUE(sys::write_file_atomic(rootfs_ + "/etc/token", "t").ok());
    spec_.linux_->masked_paths = {"/proc/timer_list", "/proc/acpi",      "/secret",
                                  "/etc/token",       "/does/not/exist", "/proc/nook-missing"};
    EXPECT_EQ(run_container([] {
                  // Files read as /dev/null, directories as an empty read-only tmpfs.
                  CHILD_CHECK(slurp("/etc/token").empty());
                  CHILD_CHECK(slurp("/proc/timer_list").empty());
                  CHILD_CHECK(open_errno("/proc/acpi/x", O_WRONLY | O_CREAT) == EROFS);
                  CHILD_CHECK(open_errno("/secret/key", O_RDONLY) == ENOENT);
                  CHILD_CHECK(open_errno("/secret/new", O_WRONLY | O_CREAT) == EROFS);
                  struct stat st = {};
                  CHILD_CHECK(::stat("/etc/token", &st) == 0 && S_ISCHR(st.st_mode));
                  return std::string();
              }),
              "OK");
    // Masks are container-only.
    auto token = sys::read_file(rootfs_ + "/etc/token");
    ASSERT_TRUE(token.ok());
    EXPECT_EQ(*token, "t");
}

TEST_F(RootfsTest, ReadonlyPathsAndSysctl) {
    // kernel.hostname is per UTS namespace: safe to set in the test.
    spec_.linux_->sysctl = {{"kernel.hostname", "nook-sysctl"}};
    spec_.linux_->readonly_paths = {"/proc/sys", "/proc/keys", "/etc", "/nope"};
    EXPECT_EQ(run_container(
                  [] {
                      char host[64] = {};
                      CHILD_CHECK(::gethostname(host, sizeof host) == 0);
                      CHILD_CHECK(std::string(host) == "nook-sysctl");
                      CHILD_CHECK(open_errno("/proc/sys/kernel/hostname", O_WRONLY) == EROFS);
                      CHILD_CHECK(open_errno("/proc/keys", O_WRONLY) == EROFS);
                      CHILD_CHECK(open_errno("/etc/new", O_WRONLY | O_CREAT) == EROFS);
                      CHILD_CHECK(open_errno("/tmp/new", O_WRONLY | O_CREAT) == 0);
                      return std::string();
                  },
                  options(), CLONE_NEWUTS),
              "OK");
}

TEST_F(RootfsTest, SysctlErrorsNameTheKey) {
    spec_.linux_->sysctl = {{"kernel.nook_no_such_knob", "1"}};
    std::string r = run_container([] { return std::string(); }, options(), CLONE_NEWUTS);
    EXPECT_NE(r.find("finalize: linux.sysctl: kernel.nook_no_such_knob=1"), std::string::npos) << r;
}

TEST_F(RootfsTest, ReadonlyRootKeepsOtherMountsWritable) {
    spec_.root->readonly = true;
    EXPECT_EQ(run_container([] {
                  CHILD_CHECK(open_errno("/newfile", O_WRONLY | O_CREAT) == EROFS);
                  CHILD_CHECK(::mkdir("/tmp/x", 0755) < 0 && errno == EROFS);
                  CHILD_CHECK(open_errno("/dev/shm/ok", O_WRONLY | O_CREAT) == 0);
                  CHILD_CHECK(run_shell("echo ok > /dev/null") == 0);
                  return std::string();
              }),
              "OK");
}

TEST_F(RootfsTest, MissingMaskedPathsNeedNoProc) {
    // No /proc mount at all: the usual /proc masks simply do not exist.
    spec_.mounts.erase(spec_.mounts.begin());
    spec_.linux_->masked_paths = {"/proc/kcore", "/proc/keys"};
    spec_.linux_->readonly_paths = {"/proc/sys"};
    EXPECT_EQ(run_container([] { return std::string(); }), "OK");
    // But an existing path cannot be masked without procfs to mount through.
    spec_.linux_->masked_paths = {"/etc/hostname"};
    std::string r = run_container([] { return std::string(); });
    EXPECT_NE(r.find("maskedPaths /etc/hostname: /proc is not on procfs"), std::string::npos) << r;
}

}  // namespace
}  // namespace nook::test
