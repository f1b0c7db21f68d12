// A container with its own user namespace: no mknod (host nodes are bound),
// sysfs falls back to a bind of the host's, and remounts must keep the flags
// that are locked because the mount came from a more privileged namespace.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys/file.h"
#include "sys/mount.h"
#include "test_support.h"

namespace nook::test {
namespace {

int write_errno(const char* path) {
    int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    ::close(fd);
    return 0;
}

bool on_fs(const char* path, int64_t magic) {
    struct statfs st = {};
    return ::statfs(path, &st) == 0 && static_cast<int64_t>(st.f_type) == magic;
}

TEST_F(RootfsTest, UserNamespaceContainer) {
    std::string locked = base_ + "/locked";
    ASSERT_TRUE(sys::mkdir_p(locked).ok());
    auto privileged = [locked] {
        // nosuid/nodev/noexec on this mount become locked in the container's userns.
        CHILD_CHECK(::mount("tmpfs", locked.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                            "mode=755") == 0);
        CHILD_CHECK(sys::write_file_atomic(locked + "/data", "locked-data").ok());
        return std::string();
    };
    spec_.mounts.push_back({"/locked", locked, "bind", {"rbind", "ro"}});
    spec_.linux_->readonly_paths = {"/proc/sys"};
    spec_.linux_->masked_paths = {"/proc/timer_list"};
    spec_.root->readonly = true;
    auto o = options();
    o.in_user_namespace = true;
    EXPECT_EQ(run_container_in_userns(
                  [] {
                      CHILD_CHECK(::getuid() == 0 && ::getpid() == 1);
                      CHILD_CHECK(on_fs("/proc", sys::kProcSuperMagic));
                      CHILD_CHECK(on_fs("/sys", sys::kSysfsMagic));  // bound from the host
                      CHILD_CHECK(::mkdir("/sys/nook", 0755) < 0 && errno == EROFS);
                      struct stat st = {};
                      CHILD_CHECK(::stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) &&
                                  major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
                      auto data = sys::read_file("/locked/data");
                      CHILD_CHECK(data.ok() && *data == "locked-data");
                      CHILD_CHECK(write_errno("/locked/x") == EROFS);
                      struct statvfs sv = {};
                      CHILD_CHECK(::statvfs("/locked", &sv) == 0 && (sv.f_flag & ST_NOSUID) &&
                                  (sv.f_flag & ST_NOEXEC));
                      CHILD_CHECK(write_errno("/proc/sys/kernel/hostname") == EROFS);
                      CHILD_CHECK(write_errno("/rootfile") == EROFS);
                      CHILD_CHECK(write_errno("/dev/shm/ok") == 0);
                      CHILD_CHECK(run_shell("echo hi > /dev/null && test -c /dev/zero") == 0);
                      return std::string();
                  },
                  o, privileged),
              "OK");
    EXPECT_FALSE(sys::path_exists(locked + "/data"));  // the tmpfs never reached the host
}

}  // namespace
}  // namespace nook::test
