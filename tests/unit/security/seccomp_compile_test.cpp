#include <gtest/gtest.h>

#include "runtime/security/process_security.h"
#include "runtime/security/seccomp.h"

namespace nook::runtime::security {
namespace {

oci::Seccomp allow_all() {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    return s;
}

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action) {
    oci::SeccompSyscall c;
    c.names = std::move(names);
    c.action = std::move(action);
    return c;
}

std::string error_of(const oci::Seccomp& s) {
    auto r = compile_seccomp(s);
    return r.ok() ? "(compiled)" : r.error().what();
}

TEST(SeccompCompile, MinimalFilterIsBpf) {
    auto s = allow_all();
    s.syscalls = {rule({"getcwd"}, "SCMP_ACT_ERRNO")};
    auto r = compile_seccomp(s);
    ASSERT_TRUE(r.ok()) << r.error().what();
    // At least the arch check, a syscall compare, the errno return and the default.
    EXPECT_GE(r->filter.size(), 4u);
    EXPECT_EQ(r->flags, 0u);
}

TEST(SeccompCompile, RulesChangeTheProgram) {
    auto plain = compile_seccomp(allow_all());
    auto s = allow_all();
    s.syscalls = {rule({"getcwd", "uname"}, "SCMP_ACT_ERRNO")};
    auto with_rules = compile_seccomp(s);
    ASSERT_TRUE(plain.ok() && with_rules.ok());
    EXPECT_GT(with_rules->filter.size(), plain->filter.size());
}

TEST(SeccompCompile, MissingOrUnknownDefaultAction) {
    oci::Seccomp s;
    EXPECT_EQ(error_of(s), "linux.seccomp.defaultAction: missing");
    s.default_action = "SCMP_ACT_EXPLODE";
    EXPECT_EQ(error_of(s),
              "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_EXPLODE\"");
}

TEST(SeccompCompile, UnknownRuleActionNamesTheRule) {
    auto s = allow_all();
    s.syscalls = {rule({"getcwd"}, "SCMP_ACT_ERRNO"), rule({"uname"}, "SCMP_ACT_NOPE")};
    EXPECT_EQ(error_of(s),
              "linux.seccomp.syscalls[1].action: unknown seccomp action \"SCMP_ACT_NOPE\"");
}

TEST(SeccompCompile, UnknownOperatorAndBadIndex) {
    auto s = allow_all();
    auto r = rule({"personality"}, "SCMP_ACT_ERRNO");
    r.args = {{0, 1, 0, "SCMP_CMP_ALMOST"}};
    s.syscalls = {r};
    EXPECT_EQ(error_of(s),
              "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_ALMOST\"");
    s.syscalls[0].args = {{6, 1, 0, "SCMP_CMP_EQ"}};
    EXPECT_EQ(error_of(s), "linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0-5)");
}

TEST(SeccompCompile, UnknownArchAndFlag) {
    auto s = allow_all();
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"};
    EXPECT_EQ(error_of(s), "linux.seccomp.architectures: unknown architecture \"SCMP_ARCH_Z80\"");
    s.architectures.clear();
    s.flags = {"SECCOMP_FILTER_FLAG_FAST"};
    EXPECT_EQ(error_of(s),
              "linux.seccomp.flags: unknown seccomp flag \"SECCOMP_FILTER_FLAG_FAST\"");
}

TEST(SeccompCompile, NotifyNeedsAListener) {
    auto s = allow_all();
    s.syscalls = {rule({"mount"}, "SCMP_ACT_NOTIFY")};
    EXPECT_EQ(error_of(s),
              "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    s.listener_path = "run/agent.sock";
    EXPECT_EQ(error_of(s),
              "linux.seccomp.listenerPath: \"run/agent.sock\" is not an absolute path");
    s.listener_path = "/run/agent.sock";
    auto p = compile_seccomp(s);
    ASSERT_TRUE(p.ok()) << p.error().what();
    EXPECT_TRUE(p->notify);
    EXPECT_FALSE(compile_seccomp(allow_all())->notify);
    s.default_action = "SCMP_ACT_NOTIFY";
    s.syscalls.clear();
    EXPECT_EQ(error_of(s),
              "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
}

TEST(SeccompCompile, ErrnoOutOfRange) {
    auto s = allow_all();
    auto r = rule({"getcwd"}, "SCMP_ACT_ERRNO");
    r.errno_ret = 70000;
    s.syscalls = {r};
    EXPECT_EQ(error_of(s), "linux.seccomp.syscalls[0].action: errnoRet 70000 is out of range");
}

TEST(SeccompCompile, UnknownSyscallsAreSkippedAsRuncDoes) {
    auto s = allow_all();
    s.syscalls = {rule({"no_such_syscall_xyz", "getcwd"}, "SCMP_ACT_ERRNO")};
    auto with_unknown = compile_seccomp(s);
    s.syscalls = {rule({"getcwd"}, "SCMP_ACT_ERRNO")};
    auto without = compile_seccomp(s);
    ASSERT_TRUE(with_unknown.ok()) << with_unknown.error().what();
    ASSERT_TRUE(without.ok());
    EXPECT_EQ(with_unknown->filter.size(), without->filter.size());
}

TEST(SeccompCompile, RuleWithDefaultActionIsSkipped) {
    auto s = allow_all();
    s.syscalls = {rule({"getcwd"}, "SCMP_ACT_ALLOW")};
    auto r = compile_seccomp(s);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->filter.size(), compile_seccomp(allow_all())->filter.size());
}

TEST(SeccompCompile, FlagsAreCollected) {
    auto s = allow_all();
    s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
               "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    auto r = compile_seccomp(s);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->flags, 1u | 2u | 4u);
}

TEST(SeccompCompile, ExtraArchitecturesGrowTheProgram) {
    auto s = allow_all();
    s.syscalls = {rule({"getcwd"}, "SCMP_ACT_ERRNO")};
    auto native = compile_seccomp(s);
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    auto multi = compile_seccomp(s);
    ASSERT_TRUE(native.ok() && multi.ok()) << multi.error().what();
    EXPECT_GT(multi->filter.size(), native->filter.size());
}

// The `features` lists must be exactly what the compiler accepts.
TEST(SeccompCompile, FeatureListsAreAccepted) {
    for (const auto& a : seccomp_actions()) {
        oci::Seccomp s;
        s.default_action = a;
        if (a == "SCMP_ACT_NOTIFY") {  // a rule's action only, with a listener
            s = allow_all();
            s.syscalls = {rule({"mount"}, a)};
            s.listener_path = "/run/agent.sock";
        }
        EXPECT_TRUE(compile_seccomp(s).ok()) << a << ": " << error_of(s);
    }
    for (const auto& op : seccomp_operators()) {
        auto s = allow_all();
        auto r = rule({"personality"}, "SCMP_ACT_ERRNO");
        r.args = {{0, 8, 8, op}};
        s.syscalls = {r};
        EXPECT_TRUE(compile_seccomp(s).ok()) << op << ": " << error_of(s);
    }
    for (const auto& f : seccomp_flags()) {
        auto s = allow_all();
        s.flags = {f};
        EXPECT_TRUE(compile_seccomp(s).ok()) << f;
    }
    for (const auto& arch : seccomp_archs()) {
        auto s = allow_all();
        s.architectures = {arch};
        EXPECT_TRUE(compile_seccomp(s).ok()) << arch << ": " << error_of(s);
    }
    EXPECT_EQ(seccomp_operators().size(), 7u);
    EXPECT_GE(seccomp_archs().size(), 19u);
}

}  // namespace
}  // namespace nook::runtime::security
