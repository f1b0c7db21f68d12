// Tests that need no cgroup tree: conversions, path rules, the BPF device
// program's shape, rule text and the stats JSON shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/cgroups/device_filter.h"
#include "runtime/cgroups/hierarchy.h"
#include "runtime/cgroups/manager.h"

namespace nook::runtime::cgroups {
namespace {

TEST(CgroupConvert, SharesToWeightMatchesRuncFormula) {
    EXPECT_EQ(shares_to_weight(2), 1u);
    EXPECT_EQ(shares_to_weight(1024), 39u);
    EXPECT_EQ(shares_to_weight(262144), 10000u);
    EXPECT_EQ(shares_to_weight(0), 0u);  // unset stays unset
}

TEST(CgroupConvert, BlkioWeightToIoWeight) {
    EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
    EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
    EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
}

TEST(CgroupConvert, SwapIsMemoryPlusSwapOnV1AndSwapAloneOnV2) {
    EXPECT_EQ(*v2_swap_max(200, 100), "100");
    EXPECT_EQ(*v2_swap_max(100, 100), "0");
    EXPECT_EQ(*v2_swap_max(-1, 100), "max");
    EXPECT_EQ(*v2_swap_max(0, -1), "max");
    EXPECT_EQ(*v2_swap_max(0, 100), "");  // unset
    auto below = v2_swap_max(50, 100);
    ASSERT_FALSE(below.ok());
    EXPECT_NE(below.error().what().find("swap"), std::string::npos);
    EXPECT_FALSE(v2_swap_max(100, std::nullopt).ok());
}

TEST(CgroupPath, DefaultAbsoluteRelativeAndRejected) {
    auto d = parse_cgroups_path("", "c1");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->path, "/nook/c1");
    EXPECT_FALSE(d->relative);
    auto a = parse_cgroups_path("/a//b/", "c1");
    EXPECT_EQ(a->path, "/a/b");
    auto r = parse_cgroups_path("x/y", "c1");
    EXPECT_TRUE(r->relative);
    EXPECT_EQ(r->path, "/x/y");
    EXPECT_FALSE(parse_cgroups_path("/a/../b", "c1").ok());
    auto sd = parse_cgroups_path("system.slice:nook:c1", "c1");
    ASSERT_FALSE(sd.ok());
    EXPECT_NE(sd.error().what().find("systemd cgroup paths are not supported yet"),
              std::string::npos);
    auto m = make_manager("machine.slice:nook:c1", "c1");
    EXPECT_FALSE(m.ok());
}

TEST(CgroupDevices, V1RuleText) {
    oci::DeviceCgroupRule r{true, "c", 1, 3, "rw"};
    EXPECT_EQ(*v1_device_rule(r), "c 1:3 rw");
    oci::DeviceCgroupRule all{false, "", std::nullopt, std::nullopt, ""};
    EXPECT_EQ(*v1_device_rule(all), "a *:* rwm");
    oci::DeviceCgroupRule bad{true, "x", 1, 3, "rw"};
    EXPECT_FALSE(v1_device_rule(bad).ok());
    oci::DeviceCgroupRule bad_access{true, "c", 1, 3, "rwx"};
    EXPECT_FALSE(v1_device_rule(bad_access).ok());
}

TEST(CgroupDevices, FilterShape) {
    // deny all, then allow c 1:3 rw: the allow block comes first (later rule
    // wins), the deny-all block matches everything and ends the program.
    std::vector<oci::DeviceCgroupRule> rules = {{false, "a", std::nullopt, std::nullopt, "rwm"},
                                                {true, "c", 1, 3, "rw"}};
    auto prog = build_device_filter(rules);
    ASSERT_TRUE(prog.ok()) << prog.error().what();
    // 6 prologue + allow block (type, 3 access, major, minor, mov, exit = 8) + deny block (2).
    ASSERT_EQ(prog->size(), 16u);
    const bpf_insn& type_check = (*prog)[6];
    EXPECT_EQ(type_check.code, BPF_JMP | BPF_JNE | BPF_K);
    EXPECT_EQ(type_check.imm, BPF_DEVCG_DEV_CHAR);
    EXPECT_EQ(type_check.off, 7);   // skips the rest of its block
    EXPECT_EQ((*prog)[12].imm, 1);  // r0 = 1 (allow)
    EXPECT_EQ((*prog)[14].imm, 0);  // deny-all: r0 = 0
    EXPECT_EQ((*prog)[15].code, BPF_JMP | BPF_EXIT);

    // Without a catch-all rule the program ends with the default deny.
    auto only = build_device_filter({{true, "b", 8, std::nullopt, "r"}});
    ASSERT_TRUE(only.ok());
    EXPECT_EQ(only->back().code, BPF_JMP | BPF_EXIT);
    EXPECT_EQ((*only)[only->size() - 2].imm, 0);
}

TEST(CgroupStatsJson, RuncShape) {
    Stats s;
    s.cpu.total_ns = 5;
    s.cpu.user_ns = 3;
    s.cpu.system_ns = 2;
    s.cpu.percpu_ns = {4, 1};
    s.memory.usage = {100, 200, 300, 7};
    s.memory.raw["cache"] = 9;
    s.memory.cache = 9;
    s.pids = {3, 10};
    s.blkio.io_service_bytes_recursive.push_back({8, 0, "Read", 512});
    s.hugetlb["2MB"] = {0, 0, 1};
    auto j = nlohmann::json::parse(stats_to_runc_json(s));
    EXPECT_EQ(j["cpu"]["usage"]["total"], 5);
    EXPECT_EQ(j["cpu"]["usage"]["percpu"].size(), 2u);
    EXPECT_EQ(j["cpu"]["usage"]["kernel"], 2);
    EXPECT_EQ(j["memory"]["usage"]["usage"], 100);
    EXPECT_EQ(j["memory"]["usage"]["limit"], 300);
    EXPECT_EQ(j["memory"]["usage"]["failcnt"], 7);
    EXPECT_EQ(j["memory"]["cache"], 9);
    EXPECT_EQ(j["pids"]["current"], 3);
    EXPECT_EQ(j["pids"]["limit"], 10);
    EXPECT_EQ(j["blkio"]["ioServiceBytesRecursive"][0]["op"], "Read");
    EXPECT_EQ(j["hugetlb"]["2MB"]["failcnt"], 1);
    EXPECT_FALSE(j["cpu"]["throttling"].contains("periods"));  // zero: omitted like runc
}

}  // namespace
}  // namespace nook::runtime::cgroups
