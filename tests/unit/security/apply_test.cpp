// apply() in forked children: capabilities, identity, rlimits, no_new_privs,
// umask, io priority, scheduler, personality; and set_oom_score_adj.
#include <grp.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <fstream>
#include <sstream>

#include "child.h"
#include "runtime/security/process_security.h"
#include "sys/file.h"

namespace nook::runtime::security {
namespace {

using test::check;
using test::run_in_child;

constexpr uint64_t bit(int cap) {
    return 1ULL << cap;
}

// A field of /proc/self/status, e.g. "CapEff".
std::string status_field(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            auto v = line.substr(key.size() + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    }
    return "";
}

uint64_t status_mask(const std::string& key) {
    return std::stoull(status_field(key), nullptr, 16);
}

std::string mask_check(const std::string& key, uint64_t want) {
    uint64_t got = status_mask(key);
    if (got == want) return "";
    std::ostringstream o;
    o << key << " is " << std::hex << got << ", want " << want;
    return o.str();
}

ProcessSecurity base() {
    auto r = prepare(oci::Process{}, std::nullopt, std::nullopt);
    return r.ok() ? *r : ProcessSecurity{};
}

// Whether this machine lacks CAP_SYS_RESOURCE (as the shared build VM does).
bool lacks_sys_resource() {
    return (status_mask("CapBnd") & bit(CAP_SYS_RESOURCE)) == 0;
}

TEST(Apply, CapabilitySetsAsRoot) {
    ProcessSecurity sec = base();
    CapSets caps;
    caps.bounding = bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_KILL);
    caps.permitted = bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE);
    caps.effective = bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE);
    caps.inheritable = bit(CAP_NET_BIND_SERVICE);
    caps.ambient = bit(CAP_NET_BIND_SERVICE);
    sec.caps = caps;
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        for (auto m : {mask_check("CapBnd", caps.bounding), mask_check("CapPrm", caps.permitted),
                       mask_check("CapEff", caps.effective), mask_check("CapInh", caps.inheritable),
                       mask_check("CapAmb", caps.ambient)}) {
            if (!m.empty()) return m;
        }
        return "";
    });
    EXPECT_EQ(r.message, "");
    EXPECT_EQ(r.exit_code, 0);
}

TEST(Apply, CapabilitiesSurviveSwitchToNonRoot) {
    ProcessSecurity sec = base();
    sec.user.uid = 1000;
    sec.user.gid = 1000;
    CapSets caps;
    caps.bounding = bit(CAP_CHOWN) | bit(CAP_NET_RAW);
    caps.permitted = caps.bounding;
    caps.effective = bit(CAP_NET_RAW);
    caps.inheritable = bit(CAP_NET_RAW);
    caps.ambient = bit(CAP_NET_RAW);
    sec.caps = caps;
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        if (::getuid() != 1000) return "uid not switched";
        for (auto m : {mask_check("CapPrm", caps.permitted), mask_check("CapEff", caps.effective),
                       mask_check("CapAmb", caps.ambient), mask_check("CapBnd", caps.bounding)}) {
            if (!m.empty()) return m;
        }
        return "";
    });
    EXPECT_EQ(r.message, "");
}

TEST(Apply, CapsetFailureNamesTheStep) {
    ProcessSecurity sec = base();
    CapSets caps;
    caps.bounding = bit(CAP_KILL) | bit(CAP_CHOWN);
    caps.permitted = bit(CAP_KILL);
    caps.effective = bit(CAP_KILL) | bit(CAP_CHOWN);  // effective outside permitted: EPERM
    sec.caps = caps;
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        return s.ok() ? "apply succeeded" : s.error().what();
    });
    EXPECT_NE(r.message.find("set capabilities"), std::string::npos)
        << r.message << " signal " << r.signal << " exit " << r.exit_code;
    EXPECT_NE(r.message.find("capset: Operation not permitted"), std::string::npos) << r.message;
}

TEST(Apply, IdentityWithAdditionalGroups) {
    ProcessSecurity sec = base();
    sec.user.uid = 1000;
    sec.user.gid = 1000;
    sec.user.additional_gids = {10, 20, 30};
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        ::getresuid(&ru, &eu, &su);
        ::getresgid(&rg, &eg, &sg);
        if (ru != 1000 || eu != 1000 || su != 1000) return "getresuid is not 1000 1000 1000";
        if (rg != 1000 || eg != 1000 || sg != 1000) return "getresgid is not 1000 1000 1000";
        gid_t groups[16];
        int n = ::getgroups(16, groups);
        if (n != 3 || groups[0] != 10 || groups[1] != 20 || groups[2] != 30)
            return "getgroups is not {10, 20, 30}, count " + std::to_string(n);
        // No capabilities section: the kernel clears them on the switch from root.
        return mask_check("CapEff", 0) + mask_check("CapPrm", 0);
    });
    EXPECT_EQ(r.message, "");
}

TEST(Apply, EmptyAdditionalGroupsClearsInheritedOnes) {
    ProcessSecurity sec = base();
    auto r = run_in_child([&]() -> std::string {
        gid_t g = 4242;
        if (::setgroups(1, &g) != 0) return "setup setgroups failed";
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        return check(::getgroups(0, nullptr) == 0, "supplementary groups were kept");
    });
    EXPECT_EQ(r.message, "");
}

TEST(Apply, RlimitNofileLowered) {
    ProcessSecurity sec = base();
    sec.rlimits = {{RLIMIT_NOFILE, 100, 100, "RLIMIT_NOFILE"}, {RLIMIT_CORE, 0, 0, "RLIMIT_CORE"}};
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        struct rlimit lim;
        ::getrlimit(RLIMIT_NOFILE, &lim);
        if (lim.rlim_cur != 100 || lim.rlim_max != 100) return "RLIMIT_NOFILE is not 100/100";
        ::getrlimit(RLIMIT_CORE, &lim);
        return check(lim.rlim_cur == 0 && lim.rlim_max == 0, "RLIMIT_CORE is not 0/0");
    });
    EXPECT_EQ(r.message, "");
}

TEST(Apply, RaisingHardRlimitWithoutSysResourceSaysWhy) {
    if (!lacks_sys_resource()) GTEST_SKIP() << "this machine has CAP_SYS_RESOURCE";
    struct rlimit cur;
    ::getrlimit(RLIMIT_NOFILE, &cur);
    ProcessSecurity sec = base();
    sec.rlimits = {{RLIMIT_NOFILE, cur.rlim_max, cur.rlim_max + 1, "RLIMIT_NOFILE"}};
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        return s.ok() ? "apply succeeded" : s.error().what();
    });
    EXPECT_NE(r.message.find("set RLIMIT_NOFILE"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("needs CAP_SYS_RESOURCE"), std::string::npos) << r.message;
}

TEST(Apply, NoNewPrivsAndUmask) {
    ASSERT_EQ(::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0) << "test process already has NNP";
    ProcessSecurity sec = base();
    sec.no_new_privs = true;
    sec.user.umask = 027;
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) return "no_new_privs is not set";
        return check(::umask(0) == 027, "umask is not 027");
    });
    EXPECT_EQ(r.message, "");
    sec.no_new_privs = false;
    r = run_in_child([&]() -> std::string {
        auto s = apply(sec);
        if (!s.ok()) return "apply: " + s.error().what();
        return check(::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0,
                     "no_new_privs set though not asked");
    });
    EXPECT_EQ(r.message, "");
}

TEST(Apply, IoPrioritySchedulerPersonality) {
    oci::Process p;
    p.io_priority = oci::IoPriority{"IOPRIO_CLASS_IDLE", 0};
    oci::Scheduler sched;
    sched.policy = "SCHED_BATCH";
    sched.nice = 7;
    p.scheduler = sched;
    auto prepared = prepare(p, std::nullopt, oci::Personality{"LINUX32", {}});
    ASSERT_TRUE(prepared.ok()) << prepared.error().what();
    auto r = run_in_child([&]() -> std::string {
        auto s = apply(*prepared);
        if (!s.ok()) return "apply: " + s.error().what();
        // ioprio_get(IOPRIO_WHO_PROCESS, self)
        long io = ::syscall(SYS_ioprio_get, 1, 0);
        if (io != (3 << 13)) return "ioprio is " + std::to_string(io);
        if (::sched_getscheduler(0) != SCHED_BATCH) return "policy is not SCHED_BATCH";
        errno = 0;
        if (::getpriority(PRIO_PROCESS, 0) != 7) return "nice is not 7";
        return check((::personality(0xffffffff) & PER_MASK) == PER_LINUX32,
                     "personality is not LINUX32");
    });
    EXPECT_EQ(r.message, "");
}

TEST(OomScoreAdj, RaiseWorksLowerExplains) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::pause();
        ::_exit(0);
    }
    OwnedPid child(pid);
    std::string path = "/proc/" + std::to_string(pid) + "/oom_score_adj";
    auto s = set_oom_score_adj(pid, 500);
    ASSERT_TRUE(s.ok()) << s.error().what();
    EXPECT_EQ(*sys::read_file(path), "500\n");
    if (!lacks_sys_resource()) GTEST_SKIP() << "this machine has CAP_SYS_RESOURCE";
    auto low = set_oom_score_adj(pid, -500);
    ASSERT_FALSE(low.ok());
    EXPECT_EQ(low.error().code(), EACCES);
    EXPECT_NE(low.error().what().find("set oom_score_adj to -500: lowering it below 500 needs "
                                      "CAP_SYS_RESOURCE"),
              std::string::npos)
        << low.error().what();
}

}  // namespace
}  // namespace nook::runtime::security
