// Seccomp filters compiled by prepare() and loaded by apply() in forked children.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "child.h"
#include "runtime/security/process_security.h"

namespace nook::runtime::security {
namespace {

using test::check;
using test::run_in_child;

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                         std::optional<uint32_t> errno_ret = std::nullopt,
                         std::vector<oci::SeccompArg> args = {}) {
    oci::SeccompSyscall c;
    c.names = std::move(names);
    c.action = std::move(action);
    c.errno_ret = errno_ret;
    c.args = std::move(args);
    return c;
}

ProcessSecurity prepared(const oci::Seccomp& s, bool no_new_privs = true) {
    oci::Process p;
    p.no_new_privileges = no_new_privs;
    auto r = prepare(p, s, std::nullopt);
    EXPECT_TRUE(r.ok()) << r.error().what();
    return r.ok() ? *r : ProcessSecurity{};
}

// "" when `ret` is -1 with errno `want`.
std::string fails_with(long ret, int want, const std::string& call) {
    if (ret == -1 && errno == want) return "";
    return call + " returned " + std::to_string(ret) + " errno " + std::to_string(errno) +
           ", want errno " + std::to_string(want);
}

std::string succeeds(long ret, const std::string& call) {
    return ret >= 0 ? "" : call + " failed with errno " + std::to_string(errno);
}

std::string first_failure(std::initializer_list<std::string> checks) {
    for (const auto& c : checks) {
        if (!c.empty()) return c;
    }
    return "";
}

oci::Seccomp errno_profile() {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.syscalls = {rule({"getcwd"}, "SCMP_ACT_ERRNO", 38),
                  rule({"mkdirat", "uname"}, "SCMP_ACT_ERRNO")};
    return s;
}

std::string errno_profile_checks(const ProcessSecurity& sec) {
    auto st = apply(sec);
    if (!st.ok()) return "apply: " + st.error().what();
    char buf[256];
    struct utsname u;
    return first_failure({
        fails_with(::syscall(SYS_getcwd, buf, sizeof buf), ENOSYS, "getcwd"),
        fails_with(::syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-dir/x", 0700), EPERM, "mkdirat"),
        fails_with(::syscall(SYS_uname, &u), EPERM, "uname"),
        succeeds(::syscall(SYS_getpid), "getpid"),
        succeeds(::syscall(SYS_getppid), "getppid"),
    });
}

TEST(SeccompApply, ErrnoRulesWithNoNewPrivs) {
    auto sec = prepared(errno_profile(), true);
    auto r = run_in_child([&] { return errno_profile_checks(sec); });
    EXPECT_EQ(r.message, "");
    EXPECT_EQ(r.exit_code, 0);
}

TEST(SeccompApply, ErrnoRulesWithoutNoNewPrivsUseCapSysAdmin) {
    auto sec = prepared(errno_profile(), false);
    auto r = run_in_child([&]() -> std::string {
        auto m = errno_profile_checks(sec);
        if (!m.empty()) return m;
        return check(::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "no_new_privs got set");
    });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, DefaultErrnoRet) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.default_errno_ret = 38;
    // Everything fails with ENOSYS except what the child needs to report back and exit.
    s.syscalls = {rule({"write", "exit", "exit_group", "getpid", "brk", "mmap", "munmap", "mremap",
                        "madvise", "futex", "close"},
                       "SCMP_ACT_ALLOW")};
    auto sec = prepared(s);
    auto r = run_in_child([&]() -> std::string {
        auto st = apply(sec);
        if (!st.ok()) return "apply: " + st.error().what();
        return first_failure({fails_with(::syscall(SYS_getppid), ENOSYS, "getppid"),
                              succeeds(::syscall(SYS_getpid), "getpid")});
    });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, ArgumentFilterDeniesOnlyTheMatchingValue) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.syscalls = {
        rule({"personality"}, "SCMP_ACT_ERRNO", EACCES, {{0, 0xffffffff, 0, "SCMP_CMP_EQ"}})};
    auto sec = prepared(s);
    auto r = run_in_child([&]() -> std::string {
        auto st = apply(sec);
        if (!st.ok()) return "apply: " + st.error().what();
        return first_failure(
            {fails_with(::syscall(SYS_personality, 0xffffffffUL), EACCES, "personality(query)"),
             succeeds(::syscall(SYS_personality, 0UL), "personality(PER_LINUX)")});
    });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, ConditionsOnDifferentArgsAreAnded) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    // getpriority(which, who): only which == PRIO_USER AND who == 0x7777 is denied.
    s.syscalls = {rule({"getpriority"}, "SCMP_ACT_ERRNO", EACCES,
                       {{0, PRIO_USER, 0, "SCMP_CMP_EQ"}, {1, 0x7777, 0, "SCMP_CMP_EQ"}})};
    auto sec = prepared(s);
    auto r = run_in_child([&]() -> std::string {
        auto st = apply(sec);
        if (!st.ok()) return "apply: " + st.error().what();
        errno = 0;
        long other = ::syscall(SYS_getpriority, PRIO_PROCESS, 0x7777);
        if (other == -1 && errno == EACCES) return "getpriority(PRIO_PROCESS, 0x7777) was denied";
        return first_failure(
            {fails_with(::syscall(SYS_getpriority, PRIO_USER, 0x7777), EACCES,
                        "getpriority(PRIO_USER, 0x7777)"),
             succeeds(::syscall(SYS_getpriority, PRIO_USER, 0), "getpriority(PRIO_USER, 0)")});
    });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, ConditionsOnTheSameArgAreOred) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    // getpriority(which, who): which 100 or 200 (both invalid, normally EINVAL) -> EACCES.
    s.syscalls = {rule({"getpriority"}, "SCMP_ACT_ERRNO", EACCES,
                       {{0, 100, 0, "SCMP_CMP_EQ"}, {0, 200, 0, "SCMP_CMP_EQ"}})};
    auto sec = prepared(s);
    auto r = run_in_child([&]() -> std::string {
        auto st = apply(sec);
        if (!st.ok()) return "apply: " + st.error().what();
        return first_failure(
            {fails_with(::syscall(SYS_getpriority, 100, 0), EACCES, "getpriority(100)"),
             fails_with(::syscall(SYS_getpriority, 200, 0), EACCES, "getpriority(200)"),
             fails_with(::syscall(SYS_getpriority, 300, 0), EINVAL, "getpriority(300)"),
             succeeds(::syscall(SYS_getpriority, PRIO_PROCESS, 0), "getpriority(self)")});
    });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, MaskedEqAndOrderedOperators) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.syscalls = {
        // who & 0xf000 == 0x7000
        rule({"getpriority"}, "SCMP_ACT_ERRNO", EACCES,
             {{1, 0xf000, 0x7000, "SCMP_CMP_MASKED_EQ"}}),
        // setpgid(pid, pgid) with pgid > 5000000 (beyond any real pid) -> ENOSYS
        rule({"setpgid"}, "SCMP_ACT_ERRNO", ENOSYS, {{1, 5000000, 0, "SCMP_CMP_GT"}}),
    };
    auto sec = prepared(s);
    auto r = run_in_child([&]() -> std::string {
        auto st = apply(sec);
        if (!st.ok()) return "apply: " + st.error().what();
        errno = 0;
        long other = ::syscall(SYS_getpriority, PRIO_PROCESS, 0x6123);
        if (other == -1 && errno == EACCES) return "getpriority(0x6123) was denied";
        return first_failure(
            {fails_with(::syscall(SYS_getpriority, PRIO_PROCESS, 0x7123), EACCES,
                        "getpriority(0x7123)"),
             fails_with(::syscall(SYS_setpgid, 0, 5000001), ENOSYS, "setpgid(0, 5000001)"),
             succeeds(::syscall(SYS_setpgid, 0, 0), "setpgid(0, 0)")});
    });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, KillProcessAndTrapEndWithSigsys) {
    for (const char* action : {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP"}) {
        oci::Seccomp s;
        s.default_action = "SCMP_ACT_ALLOW";
        s.syscalls = {rule({"uname"}, action)};
        auto sec = prepared(s);
        auto r = run_in_child([&]() -> std::string {
            auto st = apply(sec);
            if (!st.ok()) return "apply: " + st.error().what();
            struct utsname u;
            ::syscall(SYS_uname, &u);
            return "uname returned";
        });
        EXPECT_EQ(r.message, "") << action;
        EXPECT_EQ(r.signal, SIGSYS) << action;
    }
}

TEST(SeccompApply, MultiArchAndFlags) {
    auto s = errno_profile();
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
               "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    s.syscalls.push_back(rule({"no_such_syscall_xyz"}, "SCMP_ACT_KILL"));
    auto sec = prepared(s);
    auto r = run_in_child([&] { return errno_profile_checks(sec); });
    EXPECT_EQ(r.message, "");
}

TEST(SeccompApply, LoadFailureNamesTheStep) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    auto sec = prepared(s, false);
    // Without no_new_privs, loading needs CAP_SYS_ADMIN; drop it from a root child first.
    auto r = run_in_child([&]() -> std::string {
        if (::prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) != 0) return "setup drop failed";
        __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct d[2] = {};
        ::syscall(SYS_capget, &h, d);
        d[0].effective &= ~(1u << CAP_SYS_ADMIN);
        d[0].permitted &= ~(1u << CAP_SYS_ADMIN);
        if (::syscall(SYS_capset, &h, d) != 0) return "setup capset failed";
        auto st = apply(sec);
        return st.ok() ? "apply succeeded" : st.error().what();
    });
    EXPECT_NE(r.message.find("load seccomp filter (without no_new_privs this needs CAP_SYS_ADMIN)"),
              std::string::npos)
        << r.message;
}

}  // namespace
}  // namespace nook::runtime::security
