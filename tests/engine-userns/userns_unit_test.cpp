// The pure parts of --userns auto (engine/spec/userns.h): parsing the mode,
// the pool from /etc/subuid, choosing a free range, the recorded form.
#include <gtest/gtest.h>

#include "engine/spec/userns.h"

namespace nook::engine {
namespace {

TEST(Userns, ParsesModes) {
    EXPECT_FALSE(*parse_userns_mode(""));
    EXPECT_FALSE(*parse_userns_mode("host"));
    EXPECT_EQ(**parse_userns_mode("auto"), 65536u);
    EXPECT_EQ(**parse_userns_mode("auto:size=1000"), 1000u);
    for (const char* bad : {"keep-id", "auto:size=0", "auto:size=", "auto:size=x",
                            "auto:uidmapping=0:1:1", "auto:size=99999999999", "private"}) {
        auto r = parse_userns_mode(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_NE(r.error().message().find(bad), std::string::npos) << r.error().message();
    }
}

TEST(Userns, PoolFromSubuidOrDefault) {
    auto def = userns_pool("");
    EXPECT_EQ(def.host, 1u << 30);
    EXPECT_EQ(def.size, 1u << 30);
    auto own = userns_pool("alice:100000:65536\ncontainers:200000:1000000\n");
    EXPECT_EQ(own.host, 200000u);
    EXPECT_EQ(own.size, 1000000u);
    // Malformed or overflowing entries are skipped.
    auto skipped = userns_pool("containers:x:1\ncontainers:4294967295:10\n");
    EXPECT_EQ(skipped.host, 1u << 30);
}

TEST(Userns, PicksTheLowestFreeRange) {
    const sys::IdRange pool{1000, 1000};
    EXPECT_EQ(pick_range(pool, {}, 100)->host, 1000u);
    // After a taken one, in a gap that fits, never overlapping.
    EXPECT_EQ(pick_range(pool, {{1000, 100}}, 100)->host, 1100u);
    EXPECT_EQ(pick_range(pool, {{1300, 100}, {1000, 100}}, 100)->host, 1100u);
    EXPECT_EQ(pick_range(pool, {{1000, 100}, {1150, 100}}, 100)->host, 1250u);
    EXPECT_EQ(pick_range(pool, {{1000, 100}, {1150, 100}}, 50)->host, 1100u);
    // Ranges outside the pool do not matter; a full pool is an error.
    EXPECT_EQ(pick_range(pool, {{0, 500}, {5000, 10}}, 1000)->host, 1000u);
    auto full = pick_range(pool, {{1000, 950}}, 100);
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code(), ENOSPC);
}

TEST(Userns, RecordedRangeRoundTrips) {
    nlohmann::json host;
    host["IDMappings"] = idmappings_json({1073741824u, 65536u});
    EXPECT_EQ(host["IDMappings"]["UidMap"][0], "0:1073741824:65536");
    auto r = recorded_range(host);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, 1073741824u);
    EXPECT_EQ(r->size, 65536u);
    EXPECT_FALSE(recorded_range(nlohmann::json::object()));
    host["IDMappings"]["UidMap"] = {"1:5:5"};  // not ours: root must be mapped
    EXPECT_FALSE(recorded_range(host));
}

TEST(Userns, AssignRefusesHostNamespacesAndAvoidsOthers) {
    nlohmann::json cfg = {{"HostConfig", {{"UsernsMode", "auto"}, {"Privileged", true}}}};
    EXPECT_FALSE(assign_userns(cfg, {}).ok());
    cfg = {{"HostConfig", {{"UsernsMode", "auto"}, {"PidMode", "host"}}}};
    EXPECT_FALSE(assign_userns(cfg, {}).ok());
    nlohmann::json other = {{"HostConfig", {{"IDMappings", idmappings_json({1u << 30, 65536})}}}};
    cfg = {{"HostConfig", {{"UsernsMode", "auto:size=10"}}}};
    ASSERT_TRUE(assign_userns(cfg, {other.dump(), "not json"}).ok());
    auto r = recorded_range(cfg["HostConfig"]);
    ASSERT_TRUE(r);
    const uint64_t other_end = (uint64_t{1} << 30) + 65536;
    EXPECT_TRUE(r->host >= other_end || uint64_t{r->host} + r->size <= (1u << 30))
        << "overlaps the other container: " << r->host;
    EXPECT_EQ(r->size, 10u);
    // No user namespace asked: nothing recorded.
    cfg = {{"HostConfig", {{"UsernsMode", "host"}}}};
    ASSERT_TRUE(assign_userns(cfg, {}).ok());
    EXPECT_FALSE(cfg["HostConfig"].contains("IDMappings"));
}

}  // namespace
}  // namespace nook::engine
