// Unit tests of the run/create option parsers (engine/spec/host_options.h) and
// the seccomp profile conversion (engine/spec/seccomp_default.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "engine/config.h"
#include "engine/spec/host_options.h"
#include "engine/spec/seccomp_default.h"

namespace nook::engine {
namespace {

using json = nlohmann::json;

TEST(Sizes, DockerUnits) {
    EXPECT_EQ(*opts::parse_size("512"), 512);
    EXPECT_EQ(*opts::parse_size("1b"), 1);
    EXPECT_EQ(*opts::parse_size("4k"), 4096);
    EXPECT_EQ(*opts::parse_size("64m"), 64 << 20);
    EXPECT_EQ(*opts::parse_size("64M"), 64 << 20);
    EXPECT_EQ(*opts::parse_size("1g"), int64_t{1} << 30);
    EXPECT_EQ(*opts::parse_size("1.5g"), int64_t{3} << 29);
    EXPECT_EQ(*opts::parse_size("2GiB"), int64_t{2} << 30);
    EXPECT_EQ(*opts::parse_size("2gb"), int64_t{2} << 30);
    EXPECT_EQ(*opts::parse_size("1t"), int64_t{1} << 40);
}

TEST(Sizes, Refused) {
    for (const char* bad : {"", "12zz", "-1", "m", "1.2.3m", "1x", "1mbb", "1e3"}) {
        auto r = opts::parse_size(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_NE(r.error().message().find(std::string("'") + bad + "'"), std::string::npos);
    }
    EXPECT_EQ(*opts::parse_swap("-1"), -1);
    EXPECT_FALSE(opts::parse_swap("-2").ok());
}

TEST(Cpus, NanoCpus) {
    EXPECT_EQ(*opts::parse_nano_cpus("1"), 1000000000);
    EXPECT_EQ(*opts::parse_nano_cpus("0.5"), 500000000);
    EXPECT_EQ(*opts::parse_nano_cpus("1.25"), 1250000000);
    EXPECT_EQ(*opts::parse_nano_cpus("0.000000001"), 1);
    for (const char* bad : {"", "abc", "-1", "1.", "1.0000000001", "1,5"})
        EXPECT_FALSE(opts::parse_nano_cpus(bad).ok()) << bad;
}

TEST(Ulimits, Parse) {
    EXPECT_EQ(*opts::parse_ulimit("nofile=512:1024"),
              (json{{"Name", "nofile"}, {"Soft", 512}, {"Hard", 1024}}));
    EXPECT_EQ(*opts::parse_ulimit("core=0"), (json{{"Name", "core"}, {"Soft", 0}, {"Hard", 0}}));
    EXPECT_EQ(*opts::parse_ulimit("memlock=-1:-1"),
              (json{{"Name", "memlock"}, {"Soft", -1}, {"Hard", -1}}));
    EXPECT_EQ(opts::rlimit_type("nproc"), "RLIMIT_NPROC");
    EXPECT_EQ(opts::rlimit_type("bogus"), "");
    EXPECT_NE(opts::parse_ulimit("foo=1").error().message().find("invalid ulimit type: foo"),
              std::string::npos);
    EXPECT_NE(opts::parse_ulimit("nofile=2:1").error().message().find("2 > 1"), std::string::npos);
    EXPECT_FALSE(opts::parse_ulimit("nofile").ok());
    EXPECT_FALSE(opts::parse_ulimit("nofile=x").ok());
    EXPECT_FALSE(opts::parse_ulimit("nofile=-1:5").ok());  // unlimited soft above a hard limit
}

TEST(Cpuset, Lists) {
    EXPECT_EQ(*opts::parse_cpuset("0"), (std::vector<int>{0}));
    EXPECT_EQ(*opts::parse_cpuset("0-2,5"), (std::vector<int>{0, 1, 2, 5}));
    for (const char* bad : {"", "a", "2-1", "1,", "1-", "-1"})
        EXPECT_FALSE(opts::parse_cpuset(bad).ok()) << bad;
}

TEST(Capabilities, Names) {
    EXPECT_EQ(*opts::normalize_capability("net_admin"), "CAP_NET_ADMIN");
    EXPECT_EQ(*opts::normalize_capability("CAP_SYS_ADMIN"), "CAP_SYS_ADMIN");
    EXPECT_EQ(*opts::normalize_capability("Chown"), "CAP_CHOWN");
    EXPECT_EQ(*opts::normalize_capability("all"), "ALL");
    EXPECT_FALSE(opts::normalize_capability("CAP_FOO").ok());
    EXPECT_FALSE(opts::normalize_capability("").ok());
}

TEST(Capabilities, Merge) {
    const std::vector<std::string> def = {"CAP_CHOWN", "CAP_KILL"};
    EXPECT_EQ(opts::merge_capabilities(def, {"CAP_NET_ADMIN"}, {"CAP_CHOWN"}),
              (std::vector<std::string>{"CAP_KILL", "CAP_NET_ADMIN"}));
    EXPECT_EQ(opts::merge_capabilities(def, {"CAP_KILL"}, {"ALL"}),
              (std::vector<std::string>{"CAP_KILL"}));
    auto all = opts::merge_capabilities(def, {"ALL"}, {"CAP_CHOWN"});
    EXPECT_EQ(std::count(all.begin(), all.end(), "CAP_CHOWN"), 0);
    EXPECT_EQ(std::count(all.begin(), all.end(), "CAP_SYS_ADMIN"), 1);
    EXPECT_GT(all.size(), 30u);
}

TEST(Sysctls, AllowList) {
    EXPECT_TRUE(opts::check_sysctl("kernel.shmmax", false).ok());
    EXPECT_TRUE(opts::check_sysctl("fs.mqueue.msg_max", false).ok());
    EXPECT_TRUE(opts::check_sysctl("net.ipv4.ip_forward", true).ok());
    EXPECT_FALSE(opts::check_sysctl("net.ipv4.ip_forward", false).ok());
    EXPECT_FALSE(opts::check_sysctl("kernel.hostname", true).ok());
    EXPECT_FALSE(opts::check_sysctl("vm.swappiness", true).ok());
}

TEST(EnvFile, Format) {
    ::setenv("NOOK_LIMITS_TEST_VAR", "ours", 1);
    ::unsetenv("NOOK_LIMITS_TEST_UNSET");
    auto r = opts::parse_env_file_text(
        "# comment\nA=1\n\n  B=two words\nNOOK_LIMITS_TEST_VAR\nNOOK_LIMITS_TEST_UNSET\nC=\r\n",
        "env");
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(*r,
              (std::vector<std::string>{"A=1", "B=two words", "NOOK_LIMITS_TEST_VAR=ours", "C="}));
    auto bad = opts::parse_env_file_text("OK=1\nBAD NAME=1\n", "f.env");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message().find("f.env:2"), std::string::npos);
    EXPECT_FALSE(opts::parse_env_file_text("=x\n", "f").ok());
}

TEST(LabelFile, Format) {
    auto r = opts::parse_label_file_text("a=1\n#x=2\nb\na=3\n", "l");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (std::map<std::string, std::string>{{"a", "3"}, {"b", ""}}));
}

TEST(Ips, Check) {
    EXPECT_TRUE(opts::is_ip("1.2.3.4"));
    EXPECT_TRUE(opts::is_ip("::1"));
    EXPECT_FALSE(opts::is_ip("1.2.3"));
    EXPECT_FALSE(opts::is_ip("x.y"));
}

// --- seccomp ---------------------------------------------------------------

const oci::SeccompSyscall* rule_for(const oci::Seccomp& s, const std::string& name,
                                    const std::string& action = "") {
    for (const auto& r : s.syscalls)
        if (std::count(r.names.begin(), r.names.end(), name) &&
            (action.empty() || r.action == action))
            return &r;
    return nullptr;
}

TEST(Seccomp, DefaultProfileWithDefaultCaps) {
    auto s = seccomp_from_profile(default_seccomp_profile(), default_capabilities());
    ASSERT_TRUE(s.ok()) << s.error().what();
    EXPECT_EQ(s->default_action, "SCMP_ACT_ERRNO");
    EXPECT_EQ(s->default_errno_ret, 1u);
    ASSERT_FALSE(s->architectures.empty());
    for (const char* allowed : {"read", "write", "execve", "ptrace", "socket", "chroot"})
        EXPECT_NE(rule_for(*s, allowed, "SCMP_ACT_ALLOW"), nullptr) << allowed;
    for (const char* denied :
         {"unshare", "setns", "mount", "keyctl", "add_key", "bpf", "perf_event_open", "kexec_load",
          "init_module", "reboot", "clock_settime", "userfaultfd", "io_uring_setup"})
        EXPECT_EQ(rule_for(*s, denied, "SCMP_ACT_ALLOW"), nullptr) << denied;
    // clone only without namespace flags; clone3 answers ENOSYS.
    auto clone = rule_for(*s, "clone", "SCMP_ACT_ALLOW");
    ASSERT_NE(clone, nullptr);
    ASSERT_EQ(clone->args.size(), 1u);
    EXPECT_EQ(clone->args[0].op, "SCMP_CMP_MASKED_EQ");
    EXPECT_EQ(clone->args[0].value & 0x10000000u, 0x10000000u);  // CLONE_NEWUSER in the mask
    auto clone3 = rule_for(*s, "clone3");
    ASSERT_NE(clone3, nullptr);
    EXPECT_EQ(clone3->action, "SCMP_ACT_ERRNO");
    EXPECT_EQ(clone3->errno_ret, 38u);
    auto pers = std::count_if(s->syscalls.begin(), s->syscalls.end(), [](auto& r) {
        return std::count(r.names.begin(), r.names.end(), "personality") && !r.args.empty();
    });
    EXPECT_GE(pers, 3);
}

TEST(Seccomp, CapabilitiesOpenGatedRules) {
    auto caps = default_capabilities();
    caps.push_back("CAP_SYS_ADMIN");
    caps.push_back("CAP_SYS_TIME");
    auto s = seccomp_from_profile(default_seccomp_profile(), caps);
    ASSERT_TRUE(s.ok());
    for (const char* allowed : {"unshare", "setns", "mount", "clock_settime", "clone3"})
        EXPECT_NE(rule_for(*s, allowed, "SCMP_ACT_ALLOW"), nullptr) << allowed;
    EXPECT_EQ(rule_for(*s, "clone3", "SCMP_ACT_ERRNO"), nullptr);
    EXPECT_EQ(rule_for(*s, "reboot", "SCMP_ACT_ALLOW"), nullptr);
    EXPECT_EQ(rule_for(*s, "keyctl"), nullptr);
}

TEST(Seccomp, CustomProfileFormat) {
    json p = json::parse(R"({
      "defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
        {"name": "personality", "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
        {"names": ["reboot"], "action": "SCMP_ACT_KILL", "includes": {"caps": ["CAP_SYS_BOOT"]}},
        {"names": ["sync"], "action": "SCMP_ACT_KILL", "excludes": {"caps": ["CAP_CHOWN"]}},
        {"names": ["acct"], "action": "SCMP_ACT_KILL", "includes": {"arches": ["no-such-arch"]}},
        {"names": ["iopl"], "action": "SCMP_ACT_KILL", "includes": {"minKernel": "99.0"}}
      ]})");
    auto s = seccomp_from_profile(p, {"CAP_CHOWN"});
    ASSERT_TRUE(s.ok()) << s.error().what();
    EXPECT_EQ(s->default_action, "SCMP_ACT_ALLOW");
    EXPECT_EQ(s->architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64"}));
    ASSERT_EQ(s->syscalls.size(), 2u);  // reboot, sync, acct and iopl filtered out
    EXPECT_EQ(s->syscalls[0].names, (std::vector<std::string>{"mkdir"}));
    EXPECT_EQ(s->syscalls[0].errno_ret, 13u);
    EXPECT_EQ(s->syscalls[1].names, (std::vector<std::string>{"personality"}));
    ASSERT_EQ(s->syscalls[1].args.size(), 1u);
    EXPECT_EQ(s->syscalls[1].args[0].value, 8u);
    EXPECT_EQ(s->syscalls[1].args[0].op, "SCMP_CMP_EQ");
}

TEST(Seccomp, MalformedProfilesNameTheField) {
    auto err = [](const char* text) {
        auto r = seccomp_from_profile(json::parse(text), {});
        return r.ok() ? std::string("ok") : r.error().message();
    };
    EXPECT_NE(err("{}").find("defaultAction"), std::string::npos);
    EXPECT_NE(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"]}]})")
                  .find("syscalls[0]: action"),
              std::string::npos);
    EXPECT_NE(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_KILL"}]})")
                  .find("no syscall names"),
              std::string::npos);
    EXPECT_NE(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],
                "action":"SCMP_ACT_KILL","args":[{"index":9,"value":1,"op":"SCMP_CMP_EQ"}]}]})")
                  .find("args[0].index"),
              std::string::npos);
    EXPECT_NE(err(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["A"],"archMap":[]})")
                  .find("not both"),
              std::string::npos);
}

}  // namespace
}  // namespace nook::engine
