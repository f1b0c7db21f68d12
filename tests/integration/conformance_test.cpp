// Where nook-runtime used to differ from runc on runtime-spec bundles (#11):
// no mount namespace, HOME, hook environment, cwd on a read-only root,
// /dev/console for terminals, capabilities the host lacks.
#include <linux/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fstream>

#include "fixture.h"

namespace itest {
namespace {

class Conformance : public RuntimeTest {
  protected:
    void drop_namespace(const std::string& type) {
        Json& nss = bundle.config()["linux"]["namespaces"];
        Json kept = Json::array();
        for (const auto& n : nss)
            if (n.value("type", "") != type) kept.push_back(n);
        nss = kept;
    }
    // The env lines of `/probe env` run with the current config.
    std::vector<std::string> env_of(const std::vector<std::string>& args = {"/probe", "env"}) {
        return lines(run_ok(args));
    }
    static bool has(const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    }
};

// The spec: a namespace type not listed is inherited from the runtime. runc
// runs such a container in the runtime's mount namespace, entering the root
// with chroot instead of pivot_root; nook does the same, and refuses mounts
// and masked paths then (they would be made in the host's namespace).
TEST_F(Conformance, NoMountNamespaceSharesTheRuntimesMounts) {
    if (is_runc())
        GTEST_SKIP() << "runc 1.1.5 needs /proc/self/fd in the root, which only a mount gives";
    drop_namespace("mount");
    bundle.config()["linux"].erase("maskedPaths");
    bundle.config()["linux"].erase("readonlyPaths");
    bundle.config()["mounts"] = Json::array();
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    const std::string proc = "/proc/" + std::to_string(state_pid(id));
    char mnt[64] = {}, self_mnt[64] = {}, root[4096] = {};
    ASSERT_GT(readlink((proc + "/ns/mnt").c_str(), mnt, sizeof mnt - 1), 0);
    ASSERT_GT(readlink("/proc/self/ns/mnt", self_mnt, sizeof self_mnt - 1), 0);
    EXPECT_STREQ(mnt, self_mnt) << "the container got a mount namespace of its own";
    ASSERT_GT(readlink((proc + "/root").c_str(), root, sizeof root - 1), 0);
    EXPECT_EQ(std::string(root), bundle.rootfs()) << "not chrooted into the rootfs";
}

TEST_F(Conformance, NoMountNamespaceWithMaskedPathsIsRefused) {
    drop_namespace("mount");
    bundle.config()["mounts"] = Json::array();
    bundle.set_args({"/probe", "exit", "0"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    // runc: "unable to restrict sys entries without a private MNT namespace"
    if (is_nook()) {
        EXPECT_NE(r.err.find("linux.maskedPaths"), std::string::npos) << r.err;
    }
    EXPECT_TRUE(rt.state(id).is_null());
}

// runc: HOME, when process.env has none, is the user's home directory from
// the container's /etc/passwd, else "/" (the harness's passwd has root ->
// /root and uid 1000 -> /tmp).
TEST_F(Conformance, HomeComesFromContainerPasswd) {
    bundle.config()["process"]["env"] = {"PATH=/bin"};
    EXPECT_TRUE(has(env_of(), "HOME=/root"));
    bundle.config()["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    EXPECT_TRUE(has(env_of(), "HOME=/tmp"));
    bundle.config()["process"]["user"] = {{"uid", 4321}, {"gid", 4321}};
    EXPECT_TRUE(has(env_of(), "HOME=/"));
    // An explicit HOME is left alone.
    bundle.config()["process"]["env"] = {"PATH=/bin", "HOME=/elsewhere"};
    auto env = env_of();
    EXPECT_TRUE(has(env, "HOME=/elsewhere"));
    EXPECT_EQ(std::count_if(env.begin(), env.end(), [](auto& e) { return e.starts_with("HOME="); }),
              1);
}

TEST_F(Conformance, ExecProcessGetsHomeToo) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    Json p = {{"args", {"/probe", "env"}},
              {"cwd", "/"},
              {"env", {"PATH=/bin"}},
              {"user", {{"uid", 1000}, {"gid", 1000}}}};
    bundle.write_file("process.json", p.dump());
    CmdResult r = rt({"exec", "--process", bundle.dir() + "/process.json", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(has(lines(r.out), "HOME=/tmp")) << r.out;
}

// runc and crun run a hook without "env" in the runtime's environment.
TEST_F(Conformance, HookWithoutEnvGetsTheRuntimesEnvironment) {
    const std::string log = bundle.dir() + "/hook.env";
    bundle.config()["hooks"]["createRuntime"] = {
        {{"path", "/bin/sh"},
         {"args", {"sh", "-c", "echo \"[$NOOK_ITEST_HOOKVAR]\" > \"$0\"", log}}}};
    bundle.set_args({"/probe", "exit", "0"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdOptions o;
    o.env = {"NOOK_ITEST_HOOKVAR=from-runtime"};
    o.stdout_file = out_file();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id}, o);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(read_file(log)), "[from-runtime]");
}

// A missing cwd is created before the root is made read-only (it used to
// fail with EROFS).
TEST_F(Conformance, MissingCwdOnReadOnlyRoot) {
    bundle.config()["root"]["readonly"] = true;
    bundle.config()["process"]["cwd"] = "/work/missing";
    EXPECT_EQ(trim(run_ok({"/probe", "cwd"})), "/work/missing");
}

// A capability outside the runtime's own bounding set can never be granted:
// `create` fails (runc fails there too, in its init); nook used to fail only
// after `start`, with exit 126.
TEST_F(Conformance, CapabilityMissingFromHostFailsCreate) {
    int cap = -1;
    for (int c = 0; c <= CAP_LAST_CAP && cap < 0; ++c)
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 0) cap = c;
    if (cap != CAP_SYS_RESOURCE)
        GTEST_SKIP() << "needs a host without CAP_SYS_RESOURCE in its bounding set (as the CI VM)";
    Json& caps = bundle.config()["process"]["capabilities"];
    for (const char* set : {"bounding", "effective", "permitted"})
        caps[set].push_back("CAP_SYS_RESOURCE");
    bundle.set_args({"/probe", "caps"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdOptions o;
    o.stdout_file = out_file();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id}, o);
    EXPECT_NE(r.exit_code, 0) << "create succeeded: " << r.describe();
    if (is_nook()) {
        EXPECT_NE(r.err.find("CAP_SYS_RESOURCE"), std::string::npos) << r.err;
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    }
    EXPECT_TRUE(rt.state(id).is_null()) << "failed create left container " << id;
    expect_clean(id);
}

// Both ways to set the host name at once are refused, naming both (as runc).
TEST_F(Conformance, SysctlHostnameConflictsWithHostname) {
    bundle.config()["hostname"] = "one";
    bundle.config()["linux"]["sysctl"] = {{"kernel.hostname", "two"}};
    bundle.set_args({"/probe", "hostname"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("kernel.hostname"), std::string::npos) << r.err;
    // runc: sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field
    if (is_nook()) {
        EXPECT_NE(r.err.find("hostname \"one\""), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace itest
