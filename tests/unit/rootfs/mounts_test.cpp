// spec.mounts: bind mounts (ro/rw/file/relative/rro), containment of targets
// behind hostile symlinks, tmpcopyup and cgroup mounts.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sys/file.h"
#include "sys/mount.h"
#include "test_support.h"

namespace nook::test {
namespace {

bool on_fs(const char* path, int64_t magic) {
    struct statfs st = {};
    return ::statfs(path, &st) == 0 && static_cast<int64_t>(st.f_type) == magic;
}

int write_errno(const char* path) {
    int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return errno;
    ::close(fd);
    return 0;
}

std::string slurp(const char* path) {
    auto r = sys::read_file(path);
    return r.ok() ? *r : "<" + r.error().what() + ">";
}

class MountsTest : public RootfsTest {
  protected:
    void SetUp() override {
        RootfsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        vol_ = base_ + "/hostvol";
        ASSERT_TRUE(sys::mkdir_p(vol_ + "/sub").ok());
        ASSERT_TRUE(sys::write_file_atomic(vol_ + "/data", "hello").ok());
    }
    std::string vol_;
};

TEST_F(MountsTest, BindMountsHonourRoRwAndCreateTargets) {
    ASSERT_TRUE(sys::write_file_atomic(bundle_ + "/config.txt", "cfg").ok());
    spec_.mounts.push_back({"/ro", vol_, "bind", {"rbind", "ro", "nosuid"}});
    spec_.mounts.push_back({"/deep/rw", vol_, "none", {"bind", "rw"}});
    // Relative source: from the bundle. File source: a file target is created.
    spec_.mounts.push_back({"/etc/app/config.txt", "config.txt", "bind", {"bind", "ro"}});
    EXPECT_EQ(run_container([] {
                  CHILD_CHECK(slurp("/ro/data") == "hello");
                  CHILD_CHECK(write_errno("/ro/new") == EROFS);
                  struct statfs sf = {};
                  CHILD_CHECK(::statfs("/ro", &sf) == 0 && (sf.f_flags & ST_NOSUID));
                  CHILD_CHECK(write_errno("/deep/rw/from-container") == 0);
                  CHILD_CHECK(slurp("/etc/app/config.txt") == "cfg");
                  CHILD_CHECK(write_errno("/etc/app/config.txt") == EROFS);
                  return std::string();
              }),
              "OK");
    // The rw bind really was the host directory.
    EXPECT_TRUE(sys::path_exists(vol_ + "/from-container"));
}

TEST_F(MountsTest, RecursiveReadOnlyReachesSubmounts) {
    spec_.mounts.push_back({"/plain", vol_, "bind", {"rbind", "ro"}});
    spec_.mounts.push_back({"/rro", vol_, "bind", {"rbind", "rro"}});
    std::string sub = vol_ + "/sub";
    auto pre = [sub] {
        // A submount under the source, in the container's mount ns only.
        CHILD_CHECK(::mount("tmpfs", sub.c_str(), "tmpfs", 0, nullptr) == 0);
        return std::string();
    };
    EXPECT_EQ(run_container(
                  [] {
                      // "ro" on a bind only covers the top mount...
                      CHILD_CHECK(write_errno("/plain/x") == EROFS);
                      CHILD_CHECK(write_errno("/plain/sub/x") == 0);
                      // ..."rro" makes the whole tree read-only.
                      CHILD_CHECK(write_errno("/rro/x") == EROFS);
                      CHILD_CHECK(write_errno("/rro/sub/y") == EROFS);
                      return std::string();
                  },
                  options(), 0, pre),
              "OK");
}

TEST_F(MountsTest, SymlinksCannotRedirectMountsToTheHost) {
    std::string hostdir = base_ + "/hostdir";
    ASSERT_TRUE(sys::mkdir_p(hostdir).ok());
    // Absolute and relative symlinks pointing at a host directory, and a
    // symlink in the middle of the path.
    ASSERT_EQ(::symlink(hostdir.c_str(), (rootfs_ + "/evil").c_str()), 0);
    ASSERT_EQ(
        ::symlink(("../../../../../../../../.." + hostdir).c_str(), (rootfs_ + "/evil2").c_str()),
        0);
    ASSERT_EQ(::symlink("/../../..", (rootfs_ + "/etc/up").c_str()), 0);
    spec_.mounts.push_back({"/evil/x", "tmpfs", "tmpfs", {}});
    spec_.mounts.push_back({"/evil2/y", vol_, "bind", {"bind"}});
    spec_.mounts.push_back({"/etc/up/tmp/../z", "tmpfs", "tmpfs", {}});
    spec_.linux_->devices = {{"c", "/evil/devnull", 1, 3, 0666, std::nullopt, std::nullopt}};
    EXPECT_EQ(run_container([] {
                  CHILD_CHECK(on_fs("/evil/x", sys::kTmpfsMagic));
                  CHILD_CHECK(slurp("/evil2/y/data") == "hello");
                  CHILD_CHECK(on_fs("/z", sys::kTmpfsMagic));
                  struct stat st = {};
                  CHILD_CHECK(::stat("/evil/devnull", &st) == 0 && S_ISCHR(st.st_mode));
                  return std::string();
              }),
              "OK");
    // Everything landed inside the rootfs, nothing in the host directory.
    EXPECT_FALSE(sys::path_exists(hostdir + "/x"));
    EXPECT_FALSE(sys::path_exists(hostdir + "/y"));
    EXPECT_FALSE(sys::path_exists(hostdir + "/devnull"));
    EXPECT_TRUE(sys::path_exists(rootfs_ + hostdir + "/x"));
    EXPECT_TRUE(sys::path_exists(rootfs_ + hostdir + "/y"));
    EXPECT_TRUE(sys::path_exists(rootfs_ + hostdir + "/devnull"));
    EXPECT_TRUE(sys::path_exists(rootfs_ + "/z"));
    EXPECT_FALSE(sys::path_exists("/z"));
}

TEST_F(MountsTest, TmpCopyUpStartsWithTheImageContent) {
    ASSERT_TRUE(sys::mkdir_p(rootfs_ + "/etc/conf.d").ok());
    ASSERT_TRUE(sys::write_file_atomic(rootfs_ + "/etc/conf.d/a", "A", 0600).ok());
    ASSERT_EQ(::symlink("conf.d/a", (rootfs_ + "/etc/link").c_str()), 0);
    spec_.mounts.push_back({"/etc", "tmpfs", "tmpfs", {"tmpcopyup", "nosuid", "mode=755"}});
    EXPECT_EQ(run_container([] {
                  CHILD_CHECK(on_fs("/etc", sys::kTmpfsMagic));
                  CHILD_CHECK(slurp("/etc/hostname") == "image\n");
                  CHILD_CHECK(slurp("/etc/link") == "A");
                  struct stat st = {};
                  CHILD_CHECK(::stat("/etc/conf.d/a", &st) == 0 && (st.st_mode & 0777) == 0600);
                  CHILD_CHECK(write_errno("/etc/new") == 0);
                  return std::string();
              }),
              "OK");
    EXPECT_FALSE(sys::path_exists(rootfs_ + "/etc/new"));
}

std::string check_cgroup_tree(bool v1_host) {
    if (!v1_host) {
        CHILD_CHECK(on_fs("/sys/fs/cgroup", sys::kCgroup2SuperMagic));
        CHILD_CHECK(::access("/sys/fs/cgroup/cgroup.procs", F_OK) == 0);
        CHILD_CHECK(::mkdir("/sys/fs/cgroup/nook-test", 0755) < 0 && errno == EROFS);
        return "";
    }
    CHILD_CHECK(on_fs("/sys/fs/cgroup/unified", sys::kCgroup2SuperMagic));
    CHILD_CHECK(on_fs("/sys/fs/cgroup/systemd", sys::kCgroupSuperMagic));
    CHILD_CHECK(on_fs("/sys/fs/cgroup", sys::kTmpfsMagic));
    CHILD_CHECK(on_fs("/sys/fs/cgroup/memory", sys::kCgroupSuperMagic));
    CHILD_CHECK(on_fs("/sys/fs/cgroup/pids", sys::kCgroupSuperMagic));
    CHILD_CHECK(::access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0);
    CHILD_CHECK(::access("/sys/fs/cgroup/cpu/cpu.shares", F_OK) == 0);
    CHILD_CHECK(::mkdir("/sys/fs/cgroup/memory/nook-test", 0755) < 0 && errno == EROFS);
    CHILD_CHECK(::mkdir("/sys/fs/cgroup/nook-test", 0755) < 0 && errno == EROFS);
    return "";
}

bool host_is_v1() {
    struct statfs st = {};
    return ::statfs("/sys/fs/cgroup", &st) == 0 &&
           static_cast<int64_t>(st.f_type) != sys::kCgroup2SuperMagic;
}

TEST_F(MountsTest, CgroupMountWithoutCgroupNamespaceBindsOwnCgroup) {
    spec_.mounts.push_back(
        {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}});
    bool v1 = host_is_v1();
    EXPECT_EQ(run_container([v1] { return check_cgroup_tree(v1); }), "OK");
}

TEST_F(MountsTest, CgroupMountWithCgroupNamespace) {
    spec_.mounts.push_back(
        {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}});
    auto o = options();
    o.new_cgroup_namespace = true;
    bool v1 = host_is_v1();
    EXPECT_EQ(run_container([v1] { return check_cgroup_tree(v1); }, o, CLONE_NEWCGROUP), "OK");
}

// A v2-only host, simulated: in the container's mount ns a cgroup2 is mounted
// over /sys/fs/cgroup before prepare() looks at the host.
std::string mount_cgroup2_over_host_tree() {
    CHILD_CHECK(::mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, nullptr) == 0);
    return "";
}

TEST_F(MountsTest, CgroupMountOnV2HostBindsOwnCgroup) {
    spec_.mounts.push_back({"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"}});
    EXPECT_EQ(run_container([] { return check_cgroup_tree(false); }, options(), 0,
                            mount_cgroup2_over_host_tree),
              "OK");
}

TEST_F(MountsTest, CgroupMountOnV2HostWithCgroupNamespace) {
    spec_.mounts.push_back({"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"}});
    auto o = options();
    o.new_cgroup_namespace = true;
    EXPECT_EQ(run_container([] { return check_cgroup_tree(false); }, o, CLONE_NEWCGROUP,
                            mount_cgroup2_over_host_tree),
              "OK");
}

}  // namespace
}  // namespace nook::test
