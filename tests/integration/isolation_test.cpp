// What a container sees of its namespaces and filesystem.
#include <sys/stat.h>

#include "fixture.h"

namespace itest {
namespace {

using Isolation = RuntimeTest;

TEST_F(Isolation, ProcessIsPid1) {
    EXPECT_EQ(trim(run_ok({"/probe", "pid"})), "1");
}

TEST_F(Isolation, HostnameIsSet) {
    bundle.config()["hostname"] = "box-one";
    EXPECT_EQ(trim(run_ok({"/probe", "hostname"})), "box-one");
}

TEST_F(Isolation, DomainnameIsSet) {
    if (is_runc()) GTEST_SKIP() << "runc 1.1 predates the domainname field (runtime-spec 1.1)";
    bundle.config()["domainname"] = "example.test";
    EXPECT_EQ(trim(run_ok({"/probe", "domainname"})), "example.test");
}

TEST_F(Isolation, NewNetworkNamespaceHasOnlyLoopback) {
    EXPECT_EQ(lines(run_ok({"/probe", "links"})), std::vector<std::string>{"lo"});
}

TEST_F(Isolation, MountTableHasKernelFilesystemsInPlace) {
    std::map<std::string, std::string> fstype;  // mountpoint -> fstype (last mount wins)
    std::map<std::string, std::string> opts;
    for (const auto& line : lines(run_ok({"/probe", "mounts"}))) {
        std::istringstream f(line);
        std::string mp, type, o;
        f >> mp >> type >> o;
        fstype[mp] = type;
        opts[mp] = o;
    }
    EXPECT_EQ(fstype["/proc"], "proc");
    EXPECT_EQ(fstype["/sys"], "sysfs");
    EXPECT_EQ(fstype["/dev"], "tmpfs");
    EXPECT_EQ(fstype["/dev/pts"], "devpts");
    EXPECT_EQ(fstype["/dev/shm"], "tmpfs");
    EXPECT_EQ(fstype["/dev/mqueue"], "mqueue");
    EXPECT_TRUE(fstype.count("/")) << "no root mount";
    // /sys was asked for read-only, /dev/shm nodev+noexec.
    EXPECT_EQ(opts["/sys"].rfind("ro", 0), 0u) << opts["/sys"];
    EXPECT_NE(opts["/dev/shm"].find("noexec"), std::string::npos) << opts["/dev/shm"];
}

TEST_F(Isolation, DefaultDevicesExist) {
    std::string out = run_ok({"/probe", "stat", "/dev/null"});
    EXPECT_EQ(kv(out, "type"), "char");
    EXPECT_EQ(kv(out, "rdev"), "1:3");
    out = run_ok({"/probe", "stat", "/dev/urandom"});
    EXPECT_EQ(kv(out, "rdev"), "1:9");
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/dev/null"})), "ok");
}

TEST_F(Isolation, ConfiguredDeviceIsCreated) {
    bundle.config()["linux"]["devices"] = {{{"path", "/dev/nook-zero"},
                                            {"type", "c"},
                                            {"major", 1},
                                            {"minor", 5},
                                            {"fileMode", 0620}}};
    bundle.config()["linux"]["resources"]["devices"].push_back(
        {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 5}, {"access", "rwm"}});
    std::string out = run_ok({"/probe", "stat", "/dev/nook-zero"});
    EXPECT_EQ(kv(out, "type"), "char");
    EXPECT_EQ(kv(out, "rdev"), "1:5");
    EXPECT_EQ(kv(out, "mode"), "0620");
}

TEST_F(Isolation, UserNamespaceMapsIds) {
    auto& linux = bundle.config()["linux"];
    linux["namespaces"].push_back({{"type", "user"}});
    linux["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    linux["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    std::string out = run_ok({"/probe", "maps"});
    auto l = lines(squeeze_spaces(out));
    ASSERT_EQ(l.size(), 4u) << out;
    EXPECT_EQ(l[0], "uid_map:");
    EXPECT_EQ(l[1], "0 100000 65536") << "uid_map is not as configured";
    EXPECT_EQ(l[3], "0 100000 65536") << "gid_map is not as configured";
    // Whatever container root creates belongs to host uid/gid 100000.
    ASSERT_EQ(trim(run_ok({"/probe", "write", "/tmp/owned"})), "ok");
    struct stat st;
    ASSERT_EQ(stat((bundle.rootfs() + "/tmp/owned").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 100000u);
    EXPECT_EQ(st.st_gid, 100000u);
}

TEST_F(Isolation, MaskedPathsAreUnreadable) {
    bundle.write_file("rootfs/secret-dir/key", "hidden");
    bundle.write_file("rootfs/secret-file", "hidden");
    bundle.config()["linux"]["maskedPaths"].push_back("/secret-dir");
    bundle.config()["linux"]["maskedPaths"].push_back("/secret-file");
    // A masked file reads as empty (or not at all); a masked dir is empty.
    std::string kcore = trim(run_ok({"/probe", "read", "/proc/kcore"}));
    EXPECT_TRUE(kcore == "ok bytes=0" || kcore.rfind("errno=", 0) == 0) << kcore;
    EXPECT_EQ(trim(run_ok({"/probe", "read", "/secret-file"})), "ok bytes=0");
    EXPECT_EQ(trim(run_ok({"/probe", "read", "/secret-dir/key"})), "errno=2");
    // The host copy is untouched.
    EXPECT_EQ(read_file(bundle.rootfs() + "/secret-dir/key"), "hidden");
}

TEST_F(Isolation, ReadonlyPathsAreReadOnly) {
    bundle.write_file("rootfs/ro-dir/file", "x");
    bundle.config()["linux"]["readonlyPaths"].push_back("/ro-dir");
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/proc/sys/kernel/hostname"})), "errno=30");
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/ro-dir/new"})), "errno=30");
    EXPECT_EQ(trim(run_ok({"/probe", "read", "/ro-dir/file"})), "ok bytes=1");
    // Paths not listed stay writable.
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/tmp/new"})), "ok");
}

TEST_F(Isolation, ReadonlyRoot) {
    bundle.config()["root"]["readonly"] = true;
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/new-file"})), "errno=30");
    EXPECT_FALSE(path_exists(bundle.rootfs() + "/new-file"));
    // Mounts on top of a read-only root keep their own mode.
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/dev/shm/x"})), "ok");
}

TEST_F(Isolation, TmpfsMountWithOptions) {
    bundle.config()["mounts"].push_back({{"destination", "/scratch"},
                                         {"type", "tmpfs"},
                                         {"source", "tmpfs"},
                                         {"options", {"nosuid", "nodev", "mode=700"}}});
    std::string out = run_ok({"/probe", "stat", "/scratch"});
    EXPECT_EQ(kv(out, "type"), "dir");
    EXPECT_EQ(kv(out, "mode"), "0700");
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/scratch/f"})), "ok");
    EXPECT_FALSE(path_exists(bundle.rootfs() + "/scratch/f")) << "tmpfs write reached the rootfs";
}

TEST_F(Isolation, ReadOnlyBindMount) {
    bundle.write_file("shared/data", "from-host");
    bundle.config()["mounts"].push_back({{"destination", "/data"},
                                         {"type", "bind"},
                                         {"source", bundle.dir() + "/shared"},
                                         {"options", {"rbind", "ro"}}});
    EXPECT_EQ(trim(run_ok({"/probe", "read", "/data/data"})), "ok bytes=9");
    EXPECT_EQ(trim(run_ok({"/probe", "write", "/data/new"})), "errno=30");
}

TEST_F(Isolation, SysctlIsApplied) {
    bundle.config()["linux"]["sysctl"] = {{"net.ipv4.ip_unprivileged_port_start", "123"}};
    EXPECT_EQ(trim(run_ok({"/probe", "sysctl", "net.ipv4.ip_unprivileged_port_start"})), "123");
}

TEST_F(Isolation, CgroupNamespaceHidesHostPath) {
    bundle.config()["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    for (const auto& line : lines(run_ok({"/probe", "cgroup"}))) {
        // Every hierarchy's path is the namespace root.
        EXPECT_EQ(line.substr(line.rfind(':') + 1), "/") << line;
    }
}

}  // namespace
}  // namespace itest
