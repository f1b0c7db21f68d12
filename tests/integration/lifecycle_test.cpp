// create / start / state / kill / delete / list / ps and the fd-related flags.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "fixture.h"

namespace itest {
namespace {

using Lifecycle = RuntimeTest;

bool alive(int pid) {
    return pid > 0 && kill(pid, 0) == 0;
}

TEST_F(Lifecycle, CreateWaitsForStartThenRunsAndStops) {
    std::string id = create({"/bin/sh", "-c", "touch /started; exec /probe sleep 60"});
    ASSERT_FALSE(id.empty());
    Json s = rt.state(id);
    ASSERT_TRUE(s.is_object());
    EXPECT_EQ(s["status"], "created");
    int pid = s.value("pid", 0);
    EXPECT_TRUE(alive(pid)) << "no process waiting after create";
    // The user process must not have run yet.
    std::this_thread::sleep_for(200ms);
    EXPECT_FALSE(path_exists(bundle.rootfs() + "/started")) << "process ran before start";

    CmdResult r = rt({"start", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(wait_until([&] { return path_exists(bundle.rootfs() + "/started"); }, 5s));
    EXPECT_EQ(rt.wait_status(id, "running"), "running");
    EXPECT_EQ(state_pid(id), pid) << "pid changed across start";
    // start twice is an error.
    EXPECT_NE(rt({"start", id}).exit_code, 0);

    ASSERT_EQ(rt({"kill", id, "KILL"}).exit_code, 0);
    EXPECT_EQ(rt.wait_status(id, "stopped"), "stopped");
    r = rt({"delete", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(rt.state(id).is_null());
    EXPECT_TRUE(wait_until([&] { return !alive(pid); }, 3s));
    expect_clean(id);
}

TEST_F(Lifecycle, StateHasSpecFields) {
    bundle.config()["annotations"] = {{"org.nook.test", "yes"}};
    std::string id = create({"/probe", "sleep", "60"});
    ASSERT_FALSE(id.empty());
    Json s = rt.state(id);
    ASSERT_TRUE(s.is_object());
    EXPECT_TRUE(s.contains("ociVersion"));
    EXPECT_EQ(s["id"], id);
    EXPECT_EQ(s["status"], "created");
    EXPECT_GT(s.value("pid", 0), 0);
    EXPECT_EQ(s["bundle"], bundle.dir());
    EXPECT_EQ(s["annotations"]["org.nook.test"], "yes");
}

TEST_F(Lifecycle, StoppedContainerCanBeDeleted) {
    std::string id = create({"/probe", "exit", "0"});
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(rt({"start", id}).exit_code, 0);
    EXPECT_EQ(rt.wait_status(id, "stopped"), "stopped");
    EXPECT_EQ(rt({"delete", id}).exit_code, 0);
    expect_clean(id);
}

TEST_F(Lifecycle, KillAcceptsSignalNamesAndNumbers) {
    const std::vector<std::pair<std::string, int>> cases = {{"TERM", SIGTERM},
                                                            {"SIGUSR1", SIGUSR1},
                                                            {"12", SIGUSR2},
                                                            {"hup", SIGHUP},
                                                            {"SIGINT", SIGINT}};
    for (const auto& [name, number] : cases) {
        if (name == "hup" && !is_nook()) continue;  // lower-case names are a nook extra
        SCOPED_TRACE("signal " + name);
        std::string id = start_sleeper();
        ASSERT_FALSE(id.empty());
        ASSERT_TRUE(wait_until(
            [&] { return read_file(out_file()).find("sleeping") != std::string::npos; }, 5s));
        CmdResult r = rt({"kill", id, name});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        EXPECT_EQ(rt.wait_status(id, "stopped"), "stopped");
        EXPECT_NE(read_file(out_file()).find("signal=" + std::to_string(number)), std::string::npos)
            << read_file(out_file());
        EXPECT_EQ(rt({"delete", id}).exit_code, 0);
    }
}

TEST_F(Lifecycle, KillDefaultsToSigterm) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(wait_until(
        [&] { return read_file(out_file()).find("sleeping") != std::string::npos; }, 5s));
    EXPECT_EQ(rt({"kill", id}).exit_code, 0);
    EXPECT_EQ(rt.wait_status(id, "stopped"), "stopped");
    EXPECT_NE(read_file(out_file()).find("signal=15"), std::string::npos);
}

TEST_F(Lifecycle, KillRejectsUnknownSignal) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    CmdResult r = rt({"kill", id, "SIGNOPE"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("NOPE"), std::string::npos) << r.describe();
    EXPECT_EQ(rt.wait_status(id, "running"), "running");
}

TEST_F(Lifecycle, DeleteOfRunningNeedsForce) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    int pid = state_pid(id);
    CmdResult r = rt({"delete", id});
    EXPECT_NE(r.exit_code, 0) << "deleted a running container without --force";
    EXPECT_EQ(rt.wait_status(id, "running"), "running");
    r = rt({"delete", "--force", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(rt.state(id).is_null());
    EXPECT_TRUE(wait_until([&] { return !alive(pid); }, 3s)) << "process " << pid << " survived";
    expect_clean(id);
}

TEST_F(Lifecycle, DeleteForceOfCreated) {
    std::string id = create({"/probe", "sleep", "60"});
    ASSERT_FALSE(id.empty());
    int pid = state_pid(id);
    ASSERT_TRUE(alive(pid)) << "no waiting process after create";
    EXPECT_EQ(rt({"delete", "--force", id}).exit_code, 0);
    EXPECT_TRUE(rt.state(id).is_null());
    EXPECT_TRUE(wait_until([&] { return !alive(pid); }, 3s));
    expect_clean(id);
}

TEST_F(Lifecycle, ListShowsContainers) {
    std::string a = create({"/probe", "sleep", "60"});
    std::string b = create({"/probe", "sleep", "60"});
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    CmdResult r = rt({"list"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("ID"), std::string::npos) << "no table header";
    EXPECT_NE(r.out.find(a), std::string::npos);
    EXPECT_NE(r.out.find(b), std::string::npos);

    r = rt({"list", "-q"});
    auto ids = lines(r.out);
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{std::min(a, b), std::max(a, b)}));

    r = rt({"list", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    Json j = Json::parse(r.out, nullptr, false);
    ASSERT_TRUE(j.is_array()) << r.out;
    ASSERT_EQ(j.size(), 2u);
    for (const auto& c : j) {
        EXPECT_TRUE(c["id"] == a || c["id"] == b) << c.dump();
        EXPECT_EQ(c["status"], "created");
        EXPECT_GT(c.value("pid", 0), 0);
        EXPECT_EQ(c["bundle"], bundle.dir());
    }
}

TEST_F(Lifecycle, ListOfEmptyRoot) {
    CmdResult r = rt({"list", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    Json j = Json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_null() || (j.is_array() && j.empty())) << r.out;
}

TEST_F(Lifecycle, PsListsContainerProcesses) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    int pid = state_pid(id);
    CmdResult r = rt({"ps", "--format", "json", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    Json j = Json::parse(r.out, nullptr, false);
    ASSERT_TRUE(j.is_array()) << r.out;
    EXPECT_NE(std::find(j.begin(), j.end(), Json(pid)), j.end()) << r.out;
    r = rt({"ps", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("PID"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::to_string(pid)), std::string::npos) << r.out;
}

TEST_F(Lifecycle, PidFileHoldsInitPid) {
    std::string pid_file = bundle.dir() + "/init.pid";
    std::string id = create({"/probe", "sleep", "60"}, {"--pid-file", pid_file});
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(trim(read_file(pid_file)), std::to_string(state_pid(id)));
}

TEST_F(Lifecycle, RunDetached) {
    bundle.set_args({"/probe", "sleep", "60"});
    bundle.write_config();
    std::string id = rt.new_id();
    CmdOptions o;
    o.stdout_file = out_file();
    CmdResult r = rt({"run", "-d", "--bundle", bundle.dir(), id}, o);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(rt.wait_status(id, "running"), "running");
}

TEST_F(Lifecycle, PreserveFdsPassesExactlyThoseFds) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    CmdOptions o;
    o.pass_fds = {{3, fd}, {4, fd}, {5, fd}};
    CmdResult r = run({"/probe", "fds"}, o, {"--preserve-fds", "2"});
    close(fd);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), "0,1,2,3,4");
}

TEST_F(Lifecycle, NoHostFdLeaksIntoContainer) {
    // fds the runtime inherits but was not asked to preserve must not reach the container.
    int fd = open(bundle.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    CmdOptions o;
    o.pass_fds = {{3, fd}, {7, fd}, {12, fd}};
    CmdResult r = run({"/probe", "fds"}, o);
    close(fd);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), "0,1,2");
}

TEST_F(Lifecycle, ConcurrentCreatesInOneRoot) {
    bundle.set_args({"/probe", "sleep", "60"});
    bundle.write_config();
    std::vector<std::string> ids;
    std::vector<std::unique_ptr<AsyncCmd>> cmds;
    for (int i = 0; i < 4; i++) {
        ids.push_back(rt.new_id());
        CmdOptions o;
        o.stdout_file = bundle.dir() + "/out" + std::to_string(i);
        cmds.push_back(std::make_unique<AsyncCmd>(
            rt.argv({"create", "--bundle", bundle.dir(), ids.back()}), o));
    }
    for (auto& c : cmds) {
        CmdResult r = c->wait(20s);
        EXPECT_EQ(r.exit_code, 0) << r.describe();
    }
    auto listed = lines(rt({"list", "-q"}).out);
    std::sort(listed.begin(), listed.end());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(listed, ids);
}

}  // namespace
}  // namespace itest

namespace itest {
namespace {

// The "nothing left behind" checks must be able to fail: a live container is
// exactly what they look for.
TEST_F(Lifecycle, LeftoverDetectorsSeeALiveContainer) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    EXPECT_NE(leftover_processes(bundle.rootfs()), "") << "process detector is blind";
    if (is_runc()) {
        // runc names its cgroups after the id when cgroupsPath is empty.
        EXPECT_NE(leftover_cgroups(id), "") << "cgroup detector is blind";
    }
    ASSERT_EQ(rt({"delete", "--force", id}).exit_code, 0);
    expect_clean(id);
}

}  // namespace
}  // namespace itest
