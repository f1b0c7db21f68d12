// OCI hooks: order, state on stdin, failure semantics and timeouts.
#include <signal.h>

#include <chrono>

#include "fixture.h"

namespace itest {
namespace {

// Appends its name ($1) to the log ($2) and keeps the state from stdin in $2.<name>.
constexpr const char* kHookScript =
    "#!/bin/sh\n"
    "cat > \"$2.$1\"\n"
    "echo \"$1\" >> \"$2\"\n";

class Hooks : public RuntimeTest {
  protected:
    void SetUp() override {
        bundle.write_file("hook.sh", kHookScript, 0755);
        // startContainer runs inside the container after pivot_root, so it needs
        // its own copy of the script and a log path inside the rootfs.
        bundle.write_file("rootfs/hook.sh", kHookScript, 0755);
    }
    std::string log() const { return bundle.rootfs() + "/hooks.log"; }
    // A hook that records itself, run on the host side.
    Json host_hook(const std::string& name) const {
        return {{"path", "/bin/sh"}, {"args", {"sh", bundle.dir() + "/hook.sh", name, log()}}};
    }
    Json failing_hook() const { return {{"path", "/bin/sh"}, {"args", {"sh", "-c", "exit 1"}}}; }
    void add(const std::string& kind, const Json& hook) {
        bundle.config()["hooks"][kind].push_back(hook);
    }
};

TEST_F(Hooks, AllHooksRunInOrderWithState) {
    for (const char* kind :
         {"prestart", "createRuntime", "createContainer", "poststart", "poststop"})
        add(kind, host_hook(kind));
    add("startContainer",
        {{"path", "/bin/sh"}, {"args", {"sh", "/hook.sh", "startContainer", "/hooks.log"}}});
    std::string id = create({"/probe", "exit", "0"});
    ASSERT_FALSE(id.empty());
    // runc 1.1 runs poststart inside `create` (opencontainers/runc#4347, fixed
    // upstream by #5186); the spec puts it after the user process started.
    auto spec_order = [&](std::vector<std::string> v) {
        if (is_runc()) v.erase(std::remove(v.begin(), v.end(), "poststart"), v.end());
        return v;
    };
    EXPECT_EQ(spec_order(lines(read_file(log()))),
              (std::vector<std::string>{"prestart", "createRuntime", "createContainer"}));
    ASSERT_EQ(rt({"start", id}).exit_code, 0);
    ASSERT_EQ(rt.wait_status(id, "stopped"), "stopped");
    CmdResult r = rt({"delete", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();

    auto got = lines(read_file(log()));
    ASSERT_EQ(got.size(), 6u) << read_file(log());
    EXPECT_EQ(spec_order(got), spec_order({"prestart", "createRuntime", "createContainer",
                                           "startContainer", "poststart", "poststop"}));
    if (is_runc()) {
        EXPECT_EQ(got[3], "poststart") << "runc 1.1 runs poststart at the end of create";
    }

    for (const auto& name : got) {
        SCOPED_TRACE("hook " + name);
        Json s = Json::parse(read_file(log() + "." + name), nullptr, false);
        ASSERT_TRUE(s.is_object()) << "no state JSON on stdin: " << read_file(log() + "." + name);
        EXPECT_EQ(s["id"], id);
        EXPECT_EQ(s["bundle"], bundle.dir());
        EXPECT_TRUE(s.contains("status"));
        EXPECT_TRUE(s.contains("ociVersion"));
        if (name != "poststop") {
            EXPECT_GT(s.value("pid", 0), 0);
        }
    }
    Json created = Json::parse(read_file(log() + ".createRuntime"), nullptr, false);
    EXPECT_EQ(created["status"], "creating");
}

TEST_F(Hooks, HookArgsAndEnvArePassed) {
    add("createRuntime", {{"path", "/bin/sh"},
                          {"args", {"sh", "-c", "echo \"$0 $HOOK_VAR\" > \"$1\"", "argv0", log()}},
                          {"env", {"HOOK_VAR=from-env"}}});
    ASSERT_FALSE(create({"/probe", "exit", "0"}).empty());
    EXPECT_EQ(trim(read_file(log())), "argv0 from-env");
}

TEST_F(Hooks, FailingCreateRuntimeHookFailsCreateAndLeavesNothing) {
    add("createRuntime", failing_hook());
    add("poststop", host_hook("poststop"));
    bundle.set_args({"/probe", "exit", "0"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(trim(r.err).empty());
    EXPECT_TRUE(rt.state(id).is_null()) << "container survived a failed createRuntime hook";
    expect_clean(id);
}

TEST_F(Hooks, FailingPrestartHookFailsRun) {
    add("prestart", failing_hook());
    CmdResult r = run({"/bin/sh", "-c", "touch /ran"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(path_exists(bundle.rootfs() + "/ran"))
        << "user process ran despite the failed hook";
    expect_clean("");
}

TEST_F(Hooks, FailingPoststopHookOnlyWarns) {
    add("poststop", failing_hook());
    add("poststop", host_hook("second-poststop"));
    std::string id = create({"/probe", "exit", "0"});
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(rt({"start", id}).exit_code, 0);
    ASSERT_EQ(rt.wait_status(id, "stopped"), "stopped");
    CmdResult r = rt({"delete", id});
    if (is_runc()) {
        // runc 1.1 stops at the first failing poststop hook and reports the error
        // from delete; it still removes the container.
        EXPECT_TRUE(rt.state(id).is_null());
        return;
    }
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(rt.state(id).is_null());
    EXPECT_EQ(trim(read_file(log())), "second-poststop") << "later poststop hooks did not run";
    expect_clean(id);
}

TEST_F(Hooks, SlowHookIsKilledAtTimeout) {
    const std::string pid_file = bundle.dir() + "/hook.pid";
    add("createRuntime", {{"path", "/bin/sh"},
                          {"args", {"sh", "-c", "echo $$ > \"$0\"; exec sleep 30", pid_file}},
                          {"timeout", 1}});
    bundle.set_args({"/probe", "exit", "0"});
    bundle.write_config();
    std::string id = rt.new_id();
    auto t0 = std::chrono::steady_clock::now();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id});
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_NE(r.exit_code, 0);
    EXPECT_LT(took, 10s) << "the hook timeout was not honoured";
    int pid = std::stoi("0" + trim(read_file(pid_file)));
    ASSERT_GT(pid, 0) << "the hook never ran";
    EXPECT_TRUE(wait_until([&] { return kill(pid, 0) != 0; }, 3s))
        << "slow hook " << pid << " still alive";
    expect_clean(id);
}

}  // namespace
}  // namespace itest
