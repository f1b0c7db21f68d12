// Namespaces that take the runtime's middle stage (time offsets, a user
// namespace created together with them), observed from inside.
#include <time.h>

#include "fixture.h"

namespace itest {
namespace {

using Namespaces = RuntimeTest;

double host_uptime() {
    timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<double>(ts.tv_sec);
}

// The container's boot clock runs a day ahead and its monotonic clock an
// hour ahead: /proc/uptime and timens_offsets show it.
TEST_F(Namespaces, TimeNamespaceAppliesOffsets) {
    if (is_runc()) GTEST_SKIP() << "runc 1.1 predates time namespaces";
    auto& linux = bundle.config()["linux"];
    linux["namespaces"].push_back({{"type", "time"}});
    linux["timeOffsets"] = {{"boottime", {{"secs", 86400}, {"nanosecs", 0}}},
                            {"monotonic", {{"secs", 3600}, {"nanosecs", 0}}}};
    std::string out = run_ok({"/bin/sh", "-c", "cat /proc/uptime; cat /proc/self/timens_offsets"});
    auto l = lines(squeeze_spaces(out));
    ASSERT_EQ(l.size(), 3u) << out;
    double inside = std::stod(l[0]);
    EXPECT_GT(inside, host_uptime() + 86000) << "boot clock not offset: " << out;
    EXPECT_LT(inside, host_uptime() + 86400 + 600) << out;
    EXPECT_EQ(l[1], "monotonic 3600 0");
    EXPECT_EQ(l[2], "boottime 86400 0");
}

// A new user namespace with a time namespace goes through the middle stage
// (the maps are written for the child that unshared): both must hold.
TEST_F(Namespaces, UserAndTimeNamespacesTogether) {
    if (is_runc()) GTEST_SKIP() << "runc 1.1 predates time namespaces";
    auto& linux = bundle.config()["linux"];
    linux["namespaces"].push_back({{"type", "user"}});
    linux["namespaces"].push_back({{"type", "time"}});
    linux["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    linux["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    linux["timeOffsets"] = {{"boottime", {{"secs", 7200}, {"nanosecs", 0}}}};
    std::string out = run_ok(
        {"/bin/sh", "-c", "cat /proc/self/uid_map; cat /proc/self/timens_offsets; /probe pid"});
    auto l = lines(squeeze_spaces(out));
    ASSERT_EQ(l.size(), 4u) << out;
    EXPECT_EQ(l[0], "0 100000 65536");
    EXPECT_EQ(l[2], "boottime 7200 0");
    EXPECT_EQ(l[3], "1") << "not PID 1 in its own pid namespace";
}

}  // namespace
}  // namespace itest
