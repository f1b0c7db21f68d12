#include "runtime/security/limits.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "runtime/security/process_security.h"

namespace nook::runtime::security {
namespace {

TEST(Rlimits, Parse) {
    auto r = parse_rlimits({{"RLIMIT_NOFILE", 200, 100}, {"RLIMIT_CORE", 0, 0}});
    ASSERT_TRUE(r.ok()) << r.error().what();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].resource, RLIMIT_NOFILE);
    EXPECT_EQ((*r)[0].hard, 200u);
    EXPECT_EQ((*r)[0].soft, 100u);
    EXPECT_EQ((*r)[1].resource, RLIMIT_CORE);
}

TEST(Rlimits, Errors) {
    auto unknown = parse_rlimits({{"RLIMIT_FOO", 1, 1}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().what(), "process.rlimits: unknown rlimit type \"RLIMIT_FOO\"");
    auto dup = parse_rlimits({{"RLIMIT_NOFILE", 1, 1}, {"RLIMIT_NOFILE", 2, 2}});
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().what(), "process.rlimits: duplicate rlimit type \"RLIMIT_NOFILE\"");
    auto inverted = parse_rlimits({{"RLIMIT_NOFILE", 10, 20}});
    ASSERT_FALSE(inverted.ok());
    EXPECT_EQ(inverted.error().what(),
              "process.rlimits: RLIMIT_NOFILE: soft limit 20 is above hard limit 10");
}

TEST(IoPriority, ClassAndLevel) {
    EXPECT_EQ(*parse_io_priority({"IOPRIO_CLASS_BE", 4}), (2 << 13) | 4);
    EXPECT_EQ(*parse_io_priority({"IOPRIO_CLASS_IDLE", 0}), 3 << 13);
    auto bad = parse_io_priority({"IOPRIO_CLASS_FOO", 0});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().what(), "process.ioPriority.class: unknown class \"IOPRIO_CLASS_FOO\"");
    auto range = parse_io_priority({"IOPRIO_CLASS_RT", 8});
    ASSERT_FALSE(range.ok());
    EXPECT_EQ(range.error().what(), "process.ioPriority.priority: 8 is out of range (0-7)");
}

TEST(Scheduler, Parse) {
    oci::Scheduler s;
    s.policy = "SCHED_FIFO";
    s.priority = 10;
    s.flags = {"SCHED_FLAG_RESET_ON_FORK"};
    auto r = parse_scheduler(s);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->policy, static_cast<uint32_t>(SCHED_FIFO));
    EXPECT_EQ(r->priority, 10u);
    EXPECT_EQ(r->flags, 1u);
}

TEST(Scheduler, Errors) {
    oci::Scheduler s;
    s.policy = "SCHED_ISO";
    EXPECT_EQ(parse_scheduler(s).error().what(),
              "process.scheduler.policy: unknown policy \"SCHED_ISO\"");
    s.policy = "SCHED_OTHER";
    s.priority = 5;
    EXPECT_EQ(parse_scheduler(s).error().what(),
              "process.scheduler.priority: 5 is not valid for SCHED_OTHER (must be 0)");
    s.priority.reset();
    s.nice = 20;
    EXPECT_EQ(parse_scheduler(s).error().what(),
              "process.scheduler.nice: 20 is out of range (-20-19)");
    s.nice.reset();
    s.flags = {"SCHED_FLAG_BOGUS"};
    EXPECT_EQ(parse_scheduler(s).error().what(),
              "process.scheduler.flags: unknown flag \"SCHED_FLAG_BOGUS\"");
    s.flags.clear();
    s.runtime = 1000;
    EXPECT_FALSE(parse_scheduler(s).ok());
}

TEST(Personality, Domains) {
    EXPECT_EQ(*parse_personality({"LINUX", {}}), static_cast<unsigned long>(PER_LINUX));
    EXPECT_EQ(*parse_personality({"LINUX32", {}}), static_cast<unsigned long>(PER_LINUX32));
    EXPECT_EQ(parse_personality({"WINDOWS", {}}).error().what(),
              "linux.personality.domain: unknown domain \"WINDOWS\"");
    EXPECT_FALSE(parse_personality({"LINUX", {"ADDR_NO_RANDOMIZE"}}).ok());
}

TEST(Prepare, WholeProcess) {
    oci::Process p;
    p.user.uid = 1000;
    p.user.gid = 1001;
    p.user.additional_gids = {5, 6};
    p.user.umask = 027;
    p.no_new_privileges = true;
    p.capabilities = oci::Capabilities{{"CAP_KILL"}, {"CAP_KILL"}, {}, {"CAP_KILL"}, {}};
    p.rlimits = {{"RLIMIT_NOFILE", 100, 100}};
    oci::Seccomp sc;
    sc.default_action = "SCMP_ACT_ALLOW";
    auto r = prepare(p, sc, oci::Personality{"LINUX", {}});
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->user.uid, 1000u);
    EXPECT_EQ(r->user.gid, 1001u);
    EXPECT_EQ(r->user.additional_gids, (std::vector<gid_t>{5, 6}));
    EXPECT_EQ(r->user.umask, std::optional<mode_t>(027));
    EXPECT_TRUE(r->no_new_privs);
    ASSERT_TRUE(r->caps.has_value());
    EXPECT_EQ(r->caps->bounding, 1ULL << 5);  // CAP_KILL
    ASSERT_TRUE(r->seccomp.has_value());
    EXPECT_FALSE(r->seccomp->filter.empty());
    EXPECT_EQ(r->personality, std::optional<unsigned long>(PER_LINUX));
    EXPECT_GE(r->last_cap, 37);
}

TEST(Prepare, AbsentSectionsStayAbsent) {
    oci::Process p;
    auto r = prepare(p, std::nullopt, std::nullopt);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_FALSE(r->caps.has_value());
    EXPECT_FALSE(r->seccomp.has_value());
    EXPECT_FALSE(r->personality.has_value());
    EXPECT_FALSE(r->user.umask.has_value());
}

TEST(Prepare, BadUmaskAndBadCapabilityAreNamed) {
    oci::Process p;
    p.user.umask = 01000;
    EXPECT_EQ(prepare(p, std::nullopt, std::nullopt).error().what(),
              "process.user.umask: 512 is not a permission mask");
    p.user.umask.reset();
    p.capabilities = oci::Capabilities{{"CAP_NOPE"}, {}, {}, {}, {}};
    EXPECT_EQ(prepare(p, std::nullopt, std::nullopt).error().what(),
              "process.capabilities.bounding: unknown capability \"CAP_NOPE\"");
}

// A capability missing from our own bounding set fails prepare() (so
// `create`), naming it, instead of capset failing in the init after `start`.
TEST(Prepare, CapabilityOutsideOurBoundingSetIsNamed) {
    if (::prctl(PR_CAPBSET_READ, CAP_SYS_RESOURCE, 0, 0, 0) != 0)
        GTEST_SKIP() << "this machine has CAP_SYS_RESOURCE";
    oci::Process p;
    // Only in the bounding list: harmless, the bounding set just lacks it.
    p.capabilities = oci::Capabilities{{"CAP_SYS_RESOURCE"}, {}, {}, {}, {}};
    EXPECT_TRUE(prepare(p, std::nullopt, std::nullopt).ok());
    p.capabilities = oci::Capabilities{{"CAP_SYS_RESOURCE"}, {}, {}, {"CAP_SYS_RESOURCE"}, {}};
    auto r = prepare(p, std::nullopt, std::nullopt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "process.capabilities.permitted: CAP_SYS_RESOURCE is not in the runtime's bounding "
              "set, so the container cannot be given it");
}

}  // namespace
}  // namespace nook::runtime::security
