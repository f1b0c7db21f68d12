// The device controller: v1 devices.allow/deny here, the eBPF program on v2.
// A mknod'd node of a denied device must fail to open with EPERM.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "test_util.h"

namespace nook::runtime::cgroups::testing {
namespace {

class DeviceTest : public CgroupTest {
  protected:
    void SetUp() override {
        CgroupTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        char tmpl[] = "/tmp/nook-devtest-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        tmp_ = tmpl;
        null_ = tmp_ + "/null";  // c 1:3
        zero_ = tmp_ + "/zero";  // c 1:5
        ASSERT_EQ(::mknod(null_.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << strerror(errno);
        ASSERT_EQ(::mknod(zero_.c_str(), S_IFCHR | 0666, makedev(1, 5)), 0) << strerror(errno);
    }
    void TearDown() override {
        if (!tmp_.empty()) {
            ::unlink(null_.c_str());
            ::unlink(zero_.c_str());
            ::rmdir(tmp_.c_str());
        }
        CgroupTest::TearDown();
    }
    // errno of open(path) from inside the cgroup (0 = opened).
    int open_errno_inside(const std::string& path) {
        Child c([path] {
            int fd = ::open(path.c_str(), O_RDONLY);
            return fd >= 0 ? 0 : errno;
        });
        join(c);
        int status = c.wait();
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string tmp_, null_, zero_;
};

TEST_F(DeviceTest, DeniedDeviceGivesEpermAllowedOpens) {
    oci::Resources r;
    r.devices = {{false, "a", std::nullopt, std::nullopt, "rwm"}, {true, "c", 1, 5, "rwm"}};
    apply(r);
    EXPECT_EQ(open_errno_inside(null_), EPERM);
    EXPECT_EQ(open_errno_inside(zero_), 0);
    if (!v2()) {
        auto list = sys::read_file(dir("devices") + "/devices.list");
        ASSERT_TRUE(list.ok());
        EXPECT_EQ(*list, "c 1:5 rwm\n");
    }

    // update replaces the rules (on v2 the old program must be detached,
    // else it would still deny 1:3).
    r.devices.push_back({true, "c", 1, 3, "r"});
    apply(r);
    EXPECT_EQ(open_errno_inside(null_), 0);
    // Only read was granted: opening for write is refused.
    Child w([p = null_] { return ::open(p.c_str(), O_WRONLY) >= 0 ? 0 : errno; });
    join(w);
    int status = w.wait();
    EXPECT_EQ(WEXITSTATUS(status), EPERM);
}

TEST_F(DeviceTest, LaterDenyOverridesEarlierAllow) {
    oci::Resources r;
    r.devices = {{true, "a", std::nullopt, std::nullopt, "rwm"}, {false, "c", 1, 3, "rwm"}};
    apply(r);
    EXPECT_EQ(open_errno_inside(null_), EPERM);
    EXPECT_EQ(open_errno_inside(zero_), 0);
}

}  // namespace
}  // namespace nook::runtime::cgroups::testing
