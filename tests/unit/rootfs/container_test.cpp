// Whole-container setup: default mounts, pivot_root / no-pivot, devices, /dev
// symlinks, rootfs propagation, and error messages.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "sys/mount.h"
#include "test_support.h"

namespace nook::test {
namespace {

bool on_fs(const char* path, int64_t magic) {
    struct statfs st = {};
    return ::statfs(path, &st) == 0 && static_cast<int64_t>(st.f_type) == magic;
}

std::string link_of(const char* path) {
    char buf[256];
    ssize_t n = ::readlink(path, buf, sizeof buf);
    return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

std::string check_char_dev(const char* path, unsigned maj, unsigned min, mode_t perm) {
    struct stat st = {};
    CHILD_CHECK(::lstat(path, &st) == 0);
    CHILD_CHECK(S_ISCHR(st.st_mode));
    CHILD_CHECK(major(st.st_rdev) == maj && minor(st.st_rdev) == min);
    CHILD_CHECK((st.st_mode & 07777) == perm);
    return "";
}

// What every correctly set up container looks like from the inside.
std::string check_standard_container(const std::string& host_base) {
    CHILD_CHECK(::getpid() == 1);
    CHILD_CHECK(on_fs("/proc", sys::kProcSuperMagic));
    CHILD_CHECK(on_fs("/sys", sys::kSysfsMagic));
    CHILD_CHECK(on_fs("/dev", sys::kTmpfsMagic));
    CHILD_CHECK(on_fs("/dev/pts", sys::kDevptsSuperMagic));
    CHILD_CHECK(on_fs("/dev/shm", sys::kTmpfsMagic));
    // sysfs was asked "ro".
    CHILD_CHECK(::mkdir("/sys/nook", 0755) < 0 && errno == EROFS);
    // The host's tree is gone: neither the temp dir nor the old root is reachable.
    struct stat st = {};
    CHILD_CHECK(::stat(host_base.c_str(), &st) < 0 && errno == ENOENT);
    CHILD_CHECK(::access("/bin/busybox", X_OK) == 0);
    char cwd[64];
    CHILD_CHECK(::getcwd(cwd, sizeof cwd) && std::string(cwd) == "/");
    for (auto [p, maj, min] : {std::tuple{"/dev/null", 1u, 3u},
                               {"/dev/zero", 1u, 5u},
                               {"/dev/full", 1u, 7u},
                               {"/dev/random", 1u, 8u},
                               {"/dev/urandom", 1u, 9u},
                               {"/dev/tty", 5u, 0u}}) {
        if (auto r = check_char_dev(p, maj, min, 0666); !r.empty())
            return std::string(p) + ": " + r;
    }
    CHILD_CHECK(link_of("/dev/ptmx") == "pts/ptmx");
    CHILD_CHECK(link_of("/dev/fd") == "/proc/self/fd");
    CHILD_CHECK(link_of("/dev/stdin") == "/proc/self/fd/0");
    CHILD_CHECK(link_of("/dev/stdout") == "/proc/self/fd/1");
    CHILD_CHECK(link_of("/dev/stderr") == "/proc/self/fd/2");
    CHILD_CHECK(link_of("/dev/core") == "/proc/kcore");
    // The rootfs is usable: busybox runs and sees its own /proc and devices.
    CHILD_CHECK(run_shell("echo hi > /dev/null && test -d /proc/1 && test -c /dev/zero") == 0);
    return "";
}

TEST_F(RootfsTest, PivotRootWithDefaultMounts) {
    std::string base = base_;
    EXPECT_EQ(run_container([&] { return check_standard_container(base); }), "OK");
}

TEST_F(RootfsTest, NoPivotMovesRootAndChroots) {
    auto o = options();
    o.no_pivot = true;
    std::string base = base_;
    EXPECT_EQ(run_container([&] { return check_standard_container(base); }, o), "OK");
}

TEST_F(RootfsTest, SpecDevicesGetTypeModeAndOwner) {
    spec_.linux_->devices = {
        {"c", "/dev/mynull", 1, 3, 0600, 1000, 1001},
        {"b", "/dev/sub/dir/myloop", 7, 200, 0640, std::nullopt, std::nullopt},
        {"p", "/dev/myfifo", 0, 0, 0620, std::nullopt, std::nullopt},
        // Overrides the default /dev/null's mode.
        {"c", "/dev/null", 1, 3, 0660, std::nullopt, std::nullopt},
    };
    EXPECT_EQ(run_container([] {
                  if (auto r = check_char_dev("/dev/mynull", 1, 3, 0600); !r.empty()) return r;
                  if (auto r = check_char_dev("/dev/null", 1, 3, 0660); !r.empty()) return r;
                  struct stat st = {};
                  CHILD_CHECK(::stat("/dev/mynull", &st) == 0);
                  CHILD_CHECK(st.st_uid == 1000 && st.st_gid == 1001);
                  CHILD_CHECK(::stat("/dev/sub/dir/myloop", &st) == 0);
                  CHILD_CHECK(S_ISBLK(st.st_mode) && major(st.st_rdev) == 7 &&
                              minor(st.st_rdev) == 200 && (st.st_mode & 07777) == 0640);
                  CHILD_CHECK(::stat("/dev/myfifo", &st) == 0);
                  CHILD_CHECK(S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 0620);
                  return std::string();
              }),
              "OK");
}

TEST_F(RootfsTest, UserNamespaceModeBindsHostDeviceNodes) {
    auto o = options();
    o.in_user_namespace = true;  // we are real root, but the code must bind instead of mknod
    EXPECT_EQ(run_container(
                  [] {
                      if (auto r = check_char_dev("/dev/null", 1, 3, 0666); !r.empty()) return r;
                      // A bind mount of the host node: /dev/null is its own mount point
                      // (its mount id differs from /dev's).
                      std::ifstream mi("/proc/self/mountinfo");
                      bool found = false;
                      for (std::string l; std::getline(mi, l);)
                          if (l.find(" /dev/null ") != std::string::npos) found = true;
                      CHILD_CHECK(found);
                      int fd = ::open("/dev/zero", O_RDONLY);
                      CHILD_CHECK(fd >= 0);
                      char c = 1;
                      CHILD_CHECK(::read(fd, &c, 1) == 1 && c == 0);
                      ::close(fd);
                      return std::string();
                  },
                  o),
              "OK");
}

std::string root_mount_optional_fields() {
    std::ifstream mi("/proc/self/mountinfo");
    for (std::string l; std::getline(mi, l);) {
        // "id parent maj:min root mountpoint opts [optional...] - ..."
        std::istringstream f(l);
        std::string id, parent, dev, root, mp, opts;
        f >> id >> parent >> dev >> root >> mp >> opts;
        if (mp != "/") continue;
        std::string out, w;
        while (f >> w && w != "-") out += w + " ";
        return out;
    }
    return "no / in mountinfo";
}

TEST_F(RootfsTest, RootfsPropagationSharedAndPrivate) {
    spec_.linux_->rootfs_propagation = "rshared";
    EXPECT_EQ(run_container([] {
                  std::string f = root_mount_optional_fields();
                  CHILD_CHECK(f.find("shared:") != std::string::npos);
                  return std::string();
              }),
              "OK");
    spec_.linux_->rootfs_propagation = "rprivate";
    EXPECT_EQ(run_container([] {
                  std::string f = root_mount_optional_fields();
                  CHILD_CHECK(f.empty());
                  return std::string();
              }),
              "OK");
}

TEST_F(RootfsTest, ErrorsNameTheDestinationAndCall) {
    spec_.mounts.push_back({"/weird", "x", "nosuchfs", {}});
    std::string r = run_container([] { return std::string(); });
    EXPECT_NE(r.find("prepare:"), std::string::npos) << r;
    EXPECT_NE(r.find("/weird"), std::string::npos) << r;
    EXPECT_NE(r.find("nosuchfs"), std::string::npos) << r;

    spec_.mounts.back() = {"/vol", base_ + "/does-not-exist", "bind", {"rbind"}};
    r = run_container([] { return std::string(); });
    EXPECT_NE(r.find("mount /vol"), std::string::npos) << r;
    EXPECT_NE(r.find("No such file"), std::string::npos) << r;

    spec_.mounts.pop_back();
    spec_.linux_->rootfs_propagation = "sideways";
    r = run_container([] { return std::string(); });
    EXPECT_NE(r.find("linux.rootfsPropagation"), std::string::npos) << r;
}

}  // namespace
}  // namespace nook::test
