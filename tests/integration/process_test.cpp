// The process section of config.json as observed by the container process.
#include <signal.h>

#include "fixture.h"

namespace itest {
namespace {

using Process = RuntimeTest;

TEST_F(Process, CapabilitySetsAreExactlyAsConfigured) {
    // CHOWN=0, KILL=5, NET_BIND_SERVICE=10 -> 0x421; KILL alone -> 0x20.
    Json three = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    bundle.config()["process"]["capabilities"] = {{"bounding", three},
                                                  {"effective", three},
                                                  {"permitted", three},
                                                  {"inheritable", {"CAP_KILL"}},
                                                  {"ambient", {"CAP_KILL"}}};
    std::string out = run_ok({"/probe", "caps"});
    EXPECT_EQ(kv(out, "CapBnd"), "0000000000000421") << out;
    EXPECT_EQ(kv(out, "CapPrm"), "0000000000000421") << out;
    EXPECT_EQ(kv(out, "CapEff"), "0000000000000421") << out;
    EXPECT_EQ(kv(out, "CapInh"), "0000000000000020") << out;
    EXPECT_EQ(kv(out, "CapAmb"), "0000000000000020") << out;
}

TEST_F(Process, NonRootUserKeepsOnlyAmbientCapabilities) {
    Json kill = {"CAP_KILL"};
    bundle.config()["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    bundle.config()["process"]["capabilities"] = {{"bounding", kill},
                                                  {"effective", kill},
                                                  {"permitted", kill},
                                                  {"inheritable", kill},
                                                  {"ambient", kill}};
    std::string out = run_ok({"/probe", "caps"});
    EXPECT_EQ(kv(out, "CapEff"), "0000000000000020") << out;
    EXPECT_EQ(kv(out, "CapAmb"), "0000000000000020") << out;
}

TEST_F(Process, SeccompDeniedSyscallFailsWithConfiguredErrno) {
    bundle.config()["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
        {"syscalls",
         {{{"names", {"getcwd"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 38}},
          {{"names", {"personality"}}, {"action", "SCMP_ACT_ERRNO"}}}}};
    EXPECT_EQ(trim(run_ok({"/probe", "syscall", "getcwd"})), "errno=38");
    // SCMP_ACT_ERRNO without errnoRet means EPERM.
    EXPECT_EQ(trim(run_ok({"/probe", "syscall", "personality"})), "errno=1");
    EXPECT_EQ(trim(run_ok({"/probe", "syscall", "uname"})), "ok");
    EXPECT_EQ(trim(run_ok({"/probe", "seccomp"})), "Seccomp=2");
}

TEST_F(Process, SeccompArgumentFilter) {
    // Deny personality() only when its first argument is 0xffffffff (a query).
    bundle.config()["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls",
         {{{"names", {"personality"}},
           {"action", "SCMP_ACT_ERRNO"},
           {"errnoRet", 22},
           {"args", {{{"index", 0}, {"value", 0xffffffffu}, {"op", "SCMP_CMP_EQ"}}}}}}}};
    EXPECT_EQ(trim(run_ok({"/probe", "syscall", "personality"})), "errno=22");
    EXPECT_EQ(trim(run_ok({"/probe", "syscall", "getcwd"})), "ok");
}

TEST_F(Process, NoSeccompWithoutConfig) {
    EXPECT_EQ(trim(run_ok({"/probe", "seccomp"})), "Seccomp=0");
}

TEST_F(Process, Rlimits) {
    bundle.config()["process"]["rlimits"] = {
        {{"type", "RLIMIT_NOFILE"}, {"soft", 321}, {"hard", 654}},
        {{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 4096}}};
    std::string out = run_ok({"/probe", "rlimit", "NOFILE"});
    EXPECT_EQ(kv(out, "soft"), "321");
    EXPECT_EQ(kv(out, "hard"), "654");
    out = run_ok({"/probe", "rlimit", "CORE"});
    EXPECT_EQ(kv(out, "soft"), "0");
    EXPECT_EQ(kv(out, "hard"), "4096");
}

TEST_F(Process, NoNewPrivileges) {
    bundle.config()["process"]["noNewPrivileges"] = true;
    EXPECT_EQ(trim(run_ok({"/probe", "nnp"})), "1");
    bundle.config()["process"]["noNewPrivileges"] = false;
    EXPECT_EQ(trim(run_ok({"/probe", "nnp"})), "0");
}

TEST_F(Process, Umask) {
    bundle.config()["process"]["user"]["umask"] = 027;
    EXPECT_EQ(trim(run_ok({"/probe", "umask"})), "0027");
}

TEST_F(Process, Cwd) {
    bundle.config()["process"]["cwd"] = "/tmp";
    EXPECT_EQ(trim(run_ok({"/probe", "cwd"})), "/tmp");
}

TEST_F(Process, CwdIsCreatedWhenMissing) {
    bundle.config()["process"]["cwd"] = "/work/dir";
    EXPECT_EQ(trim(run_ok({"/probe", "cwd"})), "/work/dir");
}

TEST_F(Process, Env) {
    bundle.config()["process"]["env"] = {"PATH=/bin", "FOO=bar baz", "EMPTY="};
    auto env = lines(run_ok({"/probe", "env"}));
    EXPECT_NE(std::find(env.begin(), env.end(), "FOO=bar baz"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "PATH=/bin"), env.end());
    EXPECT_EQ(std::find(env.begin(), env.end(), "TERM=xterm"), env.end()) << "host env leaked";
}

TEST_F(Process, UserGroupAndAdditionalGids) {
    bundle.config()["process"]["user"] = {
        {"uid", 1000}, {"gid", 1001}, {"additionalGids", {10, 20}}};
    std::string out = run_ok({"/probe", "ids"});
    EXPECT_EQ(kv(out, "uid"), "1000");
    EXPECT_EQ(kv(out, "euid"), "1000");
    EXPECT_EQ(kv(out, "gid"), "1001");
    std::string groups = "," + kv(out, "groups") + ",";
    EXPECT_NE(groups.find(",10,"), std::string::npos) << out;
    EXPECT_NE(groups.find(",20,"), std::string::npos) << out;
}

TEST_F(Process, OomScoreAdj) {
    bundle.config()["process"]["oomScoreAdj"] = 500;
    EXPECT_EQ(trim(run_ok({"/probe", "oom"})), "500");
}

TEST_F(Process, ArgsArePassedVerbatim) {
    EXPECT_EQ(run_ok({"/bin/echo", "a  b", "", "c"}), "a  b  c\n");
}

TEST_F(Process, RunPropagatesExitCode) {
    EXPECT_EQ(run({"/probe", "exit", "3"}).exit_code, 3);
    EXPECT_EQ(run({"/probe", "exit", "0"}).exit_code, 0);
    EXPECT_EQ(run({"/bin/false"}).exit_code, 1);
}

TEST_F(Process, RunReportsDeathBySignalAs128PlusSignal) {
    bundle.set_args({"/probe", "sleep", "30"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdOptions o;
    o.stdout_file = out_file();
    AsyncCmd running(rt.argv({"run", "--bundle", bundle.dir(), id}), o);
    ASSERT_EQ(rt.wait_status(id, "running"), "running");
    ASSERT_TRUE(wait_until(
        [&] { return read_file(out_file()).find("sleeping") != std::string::npos; }, 5s));
    EXPECT_EQ(rt({"kill", id, "KILL"}).exit_code, 0);
    CmdResult r = running.wait(10s);
    EXPECT_EQ(r.exit_code, 137) << r.describe();
    // run deletes the container when it ends.
    EXPECT_TRUE(rt.state(id).is_null());
    expect_clean(id);
}

TEST_F(Process, RunOfMissingExecutableFails) {
    CmdResult r = run({"/no/such/binary"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("/no/such/binary"), std::string::npos) << r.describe();
    expect_clean("");
}

}  // namespace
}  // namespace itest
