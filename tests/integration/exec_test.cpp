// `exec` into a running container.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "fixture.h"

namespace itest {
namespace {

class Exec : public RuntimeTest {
  protected:
    void SetUp() override {
        bundle.config()["hostname"] = "exec-host";
        bundle.config()["process"]["env"] = {"PATH=/bin", "FROM_CONFIG=1"};
        id = start_sleeper();
        ASSERT_FALSE(id.empty());
    }
    CmdResult exec(const std::vector<std::string>& args, const CmdOptions& opts = {}) {
        std::vector<std::string> v = {"exec"};
        v.insert(v.end(), args.begin(), args.end());
        return rt(v, opts);
    }
    std::string exec_ok(const std::vector<std::string>& args) {
        CmdResult r = exec(args);
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.out;
    }
    std::string id;
};

TEST_F(Exec, JoinsContainerNamespaces) {
    std::string pid = trim(exec_ok({id, "/probe", "pid"}));
    EXPECT_NE(pid, "1");
    EXPECT_GT(std::stoi(pid), 1) << "not in the container's pid namespace";
    EXPECT_LT(std::stoi(pid), 100) << "not in the container's pid namespace";
    EXPECT_EQ(trim(exec_ok({id, "/probe", "hostname"})), "exec-host");
    EXPECT_EQ(lines(exec_ok({id, "/probe", "links"})), std::vector<std::string>{"lo"});
    EXPECT_EQ(trim(exec_ok({id, "/probe", "cwd"})), "/");
}

TEST_F(Exec, EnvFlagAddsToConfigEnv) {
    auto env = lines(exec_ok({"-e", "EXTRA=yes", id, "/probe", "env"}));
    EXPECT_NE(std::find(env.begin(), env.end(), "EXTRA=yes"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "FROM_CONFIG=1"), env.end());
}

TEST_F(Exec, CwdFlag) {
    EXPECT_EQ(trim(exec_ok({"--cwd", "/tmp", id, "/probe", "cwd"})), "/tmp");
}

TEST_F(Exec, UserFlag) {
    std::string out = exec_ok({"-u", "1000:1000", id, "/probe", "ids"});
    EXPECT_EQ(kv(out, "uid"), "1000");
    EXPECT_EQ(kv(out, "gid"), "1000");
}

TEST_F(Exec, CapFlagAddsCapability) {
    auto eff = [](const std::string& out) { return std::stoull(kv(out, "CapEff"), nullptr, 16); };
    const unsigned long long sys_admin = 1ull << 21;
    EXPECT_EQ(eff(exec_ok({id, "/probe", "caps"})) & sys_admin, 0u);
    EXPECT_NE(eff(exec_ok({"--cap", "CAP_SYS_ADMIN", id, "/probe", "caps"})) & sys_admin, 0u);
}

TEST_F(Exec, ProcessJson) {
    Json p = {{"terminal", false},
              {"user", {{"uid", 1000}, {"gid", 1000}}},
              {"args", {"/probe", "env"}},
              {"env", {"PATH=/bin", "FROM_JSON=1"}},
              {"cwd", "/tmp"}};
    bundle.write_file("process.json", p.dump());
    auto env = lines(exec_ok({"-p", bundle.dir() + "/process.json", id}));
    EXPECT_NE(std::find(env.begin(), env.end(), "FROM_JSON=1"), env.end());

    p["args"] = {"/probe", "ids"};
    bundle.write_file("process.json", p.dump());
    EXPECT_EQ(kv(exec_ok({"-p", bundle.dir() + "/process.json", id}), "uid"), "1000");

    p["args"] = {"/probe", "cwd"};
    bundle.write_file("process.json", p.dump());
    EXPECT_EQ(trim(exec_ok({"-p", bundle.dir() + "/process.json", id})), "/tmp");
}

TEST_F(Exec, ExitCodeIsPropagated) {
    EXPECT_EQ(exec({id, "/probe", "exit", "7"}).exit_code, 7);
    // The container itself is unaffected.
    EXPECT_EQ(rt.wait_status(id, "running"), "running");
}

TEST_F(Exec, NoHostFdLeak) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    CmdOptions o;
    o.pass_fds = {{3, fd}, {9, fd}};
    CmdResult r = exec({id, "/probe", "fds"}, o);
    EXPECT_EQ(trim(r.out), "0,1,2") << r.describe();
    r = exec({"--preserve-fds", "1", id, "/probe", "fds"}, o);
    EXPECT_EQ(trim(r.out), "0,1,2,3") << r.describe();
    close(fd);
}

TEST_F(Exec, DetachedWithPidFile) {
    std::string pid_file = bundle.dir() + "/exec.pid";
    CmdOptions o;
    o.stdout_file = bundle.dir() + "/exec.out";
    CmdResult r = exec({"-d", "--pid-file", pid_file, id, "/probe", "sleep", "30"}, o);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    int pid = std::stoi(trim(read_file(pid_file)));
    EXPECT_NE(pid, state_pid(id));
    EXPECT_EQ(kill(pid, 0), 0) << "exec'd process " << pid << " is not running";
    Json ps = Json::parse(rt({"ps", "--format", "json", id}).out, nullptr, false);
    ASSERT_TRUE(ps.is_array());
    EXPECT_NE(std::find(ps.begin(), ps.end(), Json(pid)), ps.end()) << ps.dump();
}

TEST_F(Exec, IntoStoppedContainerFails) {
    ASSERT_EQ(rt({"kill", id, "KILL"}).exit_code, 0);
    ASSERT_EQ(rt.wait_status(id, "stopped"), "stopped");
    CmdResult r = exec({id, "/probe", "pid"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(trim(r.err).empty());
}

}  // namespace
}  // namespace itest
