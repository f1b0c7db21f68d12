// Cgroup limits seen end to end: each test sets linux.resources in a busybox
// bundle, runs the container, and checks the limit from inside (what the
// process can do) and from outside (the cgroup files of the container's
// hierarchy, found through /proc/<pid>/cgroup so runc and nook-runtime are
// judged alike). Written for v1/hybrid hosts; the pure-v2 path runs in the
// qemu lane (tests/cgroup-v2).
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "cgroup_support.h"
#include "fixture.h"

namespace itest {
namespace {

constexpr long long kMiB = 1024 * 1024;

class Cgroups : public RuntimeTest {
  protected:
    void SetUp() override {
        for (const char* c : {"memory", "pids", "cpu", "cpuacct", "freezer", "devices"})
            if (!cg::has_v1(c)) GTEST_SKIP() << "host has no v1 " << c << " hierarchy";
        cg::add_applets(bundle, {"mv"});
    }
    Json& resources() { return bundle.config()["linux"]["resources"]; }

    // create + start `args`; returns the id ("" after recording a failure).
    std::string start(const std::vector<std::string>& args) {
        std::string id = create(args);
        if (id.empty()) return id;
        CmdResult r = rt({"start", id});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.exit_code == 0 ? id : "";
    }

    // `events --stats` parsed; null after recording a failure.
    Json stats(const std::string& id) {
        CmdResult r = rt({"events", "--stats", id});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        Json j = Json::parse(r.out, nullptr, false);
        EXPECT_TRUE(j.is_object()) << "events --stats is not a JSON object: " << r.out;
        return j.is_object() ? j : Json(nullptr);
    }

    // The integer in a file the container rewrites; -1 while it is absent or mid-write.
    long long counter() { return cg::read_num(bundle.rootfs() + "/cnt"); }
};

// A shell doubling a string grows its heap fast; capped at 256 MiB (exit 3)
// so a runtime that ignores the limit fails the test instead of the host.
const char* const kHog =
    "x=0123456789abcdef; i=0; while [ $i -lt 24 ]; do x=$x$x; i=$((i+1)); done; exit 3";

TEST_F(Cgroups, MemoryLimitOomKillsInit) {
    resources()["memory"] = {{"limit", 32 * kMiB}};
    CmdResult r = run({"/bin/sh", "-c", kHog}, {.timeout = 30s});
    EXPECT_FALSE(r.timed_out) << "the hog was never stopped: " << r.describe();
    EXPECT_EQ(r.exit_code, 137) << r.describe();
}

TEST_F(Cgroups, MemoryLimitOomIsCountedAndReported) {
    // The hog is a child so the container (and its cgroup) outlives the kill.
    resources()["memory"] = {{"limit", 32 * kMiB}};
    std::string script =
        std::string("sh -c '") + kHog + "'; echo hog_exit=$? > /hog; exec sleep 60";
    std::string id = start({"/bin/sh", "-c", script});
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(wait_until([&] { return path_exists(bundle.rootfs() + "/hog"); }, 20s))
        << "the hog was never killed";
    EXPECT_EQ(trim(read_file(bundle.rootfs() + "/hog")), "hog_exit=137");

    const std::string mem = cg::v1_dir(state_pid(id), "memory");
    ASSERT_FALSE(mem.empty());
    EXPECT_EQ(cg::read_num(mem + "/memory.limit_in_bytes"), 32 * kMiB);
    // v1 failcnt may stay 0 on this kernel; the OOM kill itself is counted here.
    EXPECT_GE(cg::keyed(mem + "/memory.oom_control", "oom_kill"), 1);
    EXPECT_GT(cg::read_num(mem + "/memory.max_usage_in_bytes"), 16 * kMiB);

    Json s = stats(id);
    ASSERT_FALSE(s.is_null());
    EXPECT_EQ(s["data"]["memory"]["usage"].value("limit", 0LL), 32 * kMiB) << s.dump();
    EXPECT_GT(s["data"]["memory"]["usage"].value("max", 0LL), 16 * kMiB) << s.dump();
}

TEST_F(Cgroups, PidsLimitStopsForkBomb) {
    // ash aborts at the first failed fork, so the number of `started` lines
    // is exactly how many forks the limit allowed (the shell itself is one).
    resources()["pids"] = {{"limit", 8}};
    CmdResult r = run({"/bin/sh", "-c",
                       "i=0; while [ $i -lt 40 ]; do sleep 30 & echo started=$!; i=$((i+1)); done"},
                      {.timeout = 30s});
    EXPECT_FALSE(r.timed_out) << r.describe();
    EXPECT_NE(r.exit_code, 0) << "all 40 forks succeeded: " << r.describe();
    size_t started = 0;
    for (const auto& l : lines(r.out)) started += l.rfind("started=", 0) == 0;
    EXPECT_EQ(started, 7u) << r.describe();
    EXPECT_NE(r.err.find("can't fork"), std::string::npos) << r.describe();
}

TEST_F(Cgroups, CpuQuotaCapsBusyLoop) {
    resources()["cpu"] = {{"quota", 20000}, {"period", 100000}};
    std::string id = start({"/bin/sh", "-c", "while :; do :; done"});
    ASSERT_FALSE(id.empty());
    const int pid = state_pid(id);
    const std::string cpu = cg::v1_dir(pid, "cpu"), acct = cg::v1_dir(pid, "cpuacct");
    ASSERT_FALSE(acct.empty());
    EXPECT_EQ(cg::read_num(cpu + "/cpu.cfs_quota_us"), 20000);
    EXPECT_EQ(cg::read_num(cpu + "/cpu.cfs_period_us"), 100000);

    std::this_thread::sleep_for(200ms);  // past start-up
    const long long u0 = cg::read_num(acct + "/cpuacct.usage");
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(1500ms);
    const long long u1 = cg::read_num(acct + "/cpuacct.usage");
    const double wall_ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_GE(u0, 0);
    const double share = double(u1 - u0) / wall_ns;
    EXPECT_LT(share, 0.5) << "a 20% quota let the loop use " << share * 100 << "% of a CPU";
    // The loop did run (the measurement is not of an idle cgroup).
    EXPECT_GT(share, 0.03) << "busy loop got only " << share * 100 << "% of a CPU";
    EXPECT_GT(cg::keyed(cpu + "/cpu.stat", "nr_throttled"), 0);
    ASSERT_EQ(rt({"kill", id, "KILL"}).exit_code, 0);
}

TEST_F(Cgroups, PauseFreezesAndResumeContinues) {
    std::string id = start(
        {"/bin/sh", "-c",
         "i=0; while :; do i=$((i+1)); echo $i > /cnt.new; mv /cnt.new /cnt; sleep 0.05; done"});
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(wait_until([&] { return counter() >= 3; }, 10s)) << "the counter never advanced";
    const std::string freezer = cg::v1_dir(state_pid(id), "freezer");

    CmdResult r = rt({"pause", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(rt.wait_status(id, "paused", 1s), "paused");
    EXPECT_EQ(trim(read_file(freezer + "/freezer.state")), "FROZEN");
    const long long frozen_at = counter();
    std::this_thread::sleep_for(600ms);
    EXPECT_EQ(counter(), frozen_at) << "the counter advanced while paused";

    r = rt({"resume", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(rt.wait_status(id, "running", 1s), "running");
    EXPECT_EQ(trim(read_file(freezer + "/freezer.state")), "THAWED");
    EXPECT_TRUE(wait_until([&] { return counter() > frozen_at + 2; }, 5s))
        << "the counter did not advance after resume (at " << counter() << ")";
}

TEST_F(Cgroups, UpdateChangesLimitsOfRunningContainer) {
    resources()["memory"] = {{"limit", 64 * kMiB}};
    resources()["pids"] = {{"limit", 20}};
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    const int pid = state_pid(id);
    const std::string mem = cg::v1_dir(pid, "memory"), pids = cg::v1_dir(pid, "pids"),
                      cpu = cg::v1_dir(pid, "cpu");
    EXPECT_EQ(cg::read_num(mem + "/memory.limit_in_bytes"), 64 * kMiB);
    EXPECT_EQ(trim(read_file(pids + "/pids.max")), "20");

    CmdResult r = rt({"update", "--memory", std::to_string(96 * kMiB), "--pids-limit", "42", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(cg::read_num(mem + "/memory.limit_in_bytes"), 96 * kMiB);
    EXPECT_EQ(trim(read_file(pids + "/pids.max")), "42");

    // The same through a resources file, as containerd sends it.
    bundle.write_file("res.json", R"({"cpu": {"quota": 30000, "period": 100000}})");
    r = rt({"update", "-r", bundle.dir() + "/res.json", id});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(cg::read_num(cpu + "/cpu.cfs_quota_us"), 30000);
    EXPECT_EQ(cg::read_num(mem + "/memory.limit_in_bytes"), 96 * kMiB) << "update -r reset memory";
    EXPECT_EQ(rt.wait_status(id, "running", 1s), "running");
}

TEST_F(Cgroups, EventsStatsHasSaneValues) {
    resources()["memory"] = {{"limit", 64 * kMiB}};
    resources()["pids"] = {{"limit", 20}};
    std::string id = start({"/bin/sh", "-c", "sleep 60 & sleep 60 & exec sleep 60"});
    ASSERT_FALSE(id.empty());
    const std::string pids = cg::v1_dir(state_pid(id), "pids");
    ASSERT_TRUE(wait_until([&] { return cg::read_num(pids + "/pids.current") == 3; }, 5s));

    Json s = stats(id);
    ASSERT_FALSE(s.is_null());
    EXPECT_EQ(s.value("type", ""), "stats");
    EXPECT_EQ(s.value("id", ""), id);
    const Json& d = s["data"];
    ASSERT_TRUE(d.is_object()) << s.dump();
    EXPECT_GT(d["memory"]["usage"].value("usage", 0LL), 0) << s.dump();
    EXPECT_EQ(d["memory"]["usage"].value("limit", 0LL), 64 * kMiB) << s.dump();
    EXPECT_EQ(d["pids"].value("current", 0), 3) << s.dump();
    EXPECT_EQ(d["pids"].value("limit", 0), 20) << s.dump();
    EXPECT_GT(d["cpu"]["usage"].value("total", 0LL), 0) << s.dump();
}

TEST_F(Cgroups, ExecJoinsTheContainerCgroups) {
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    const std::string init_cg = read_file("/proc/" + std::to_string(state_pid(id)) + "/cgroup");
    CmdResult r = rt({"exec", id, "/probe", "cgroup"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    // No cgroup namespace in this config: both show full paths.
    EXPECT_EQ(r.out, init_cg);
}

TEST_F(Cgroups, DeviceNodeNotAllowedGetsEperm) {
    // An sda-like node in the rootfs, made from outside: existing is not enough,
    // the devices cgroup (default: deny all but the standard set) must refuse it.
    ASSERT_EQ(mknod((bundle.rootfs() + "/sdx").c_str(), S_IFBLK | 0600, makedev(8, 0)), 0)
        << std::strerror(errno);
    std::string out = run_ok({"/probe", "read", "/sdx"});
    EXPECT_EQ(trim(out), "errno=" + std::to_string(EPERM));
    // The standard set stays allowed.
    EXPECT_EQ(trim(run_ok({"/probe", "read", "/dev/null"})).rfind("ok", 0), 0u);

    // Control: once allowed, open gets past the cgroup (no such disk: ENXIO).
    resources()["devices"].push_back(
        {{"allow", true}, {"type", "b"}, {"major", 8}, {"minor", 0}, {"access", "r"}});
    out = run_ok({"/probe", "read", "/sdx"});
    EXPECT_NE(trim(out), "errno=" + std::to_string(EPERM)) << "allowed node still denied";
}

TEST_F(Cgroups, ExplicitCgroupsPathIsUsed) {
    const std::string parent = "nook-cgtest-" + std::to_string(getpid());
    bundle.config()["linux"]["cgroupsPath"] = "/" + parent + "/inner";
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    const std::string mem = cg::v1_dir(state_pid(id), "memory");
    EXPECT_EQ(mem, "/sys/fs/cgroup/memory/" + parent + "/inner");
    ASSERT_EQ(rt({"delete", "--force", id}).exit_code, 0);
    EXPECT_FALSE(path_exists(mem));
    // The parent the runtime created may stay (runc leaves it); remove it for cleanliness.
    for (const char* c :
         {"memory", "pids", "cpu", "cpuacct", "cpuset", "devices", "freezer", "blkio", "net_cls",
          "net_prio", "perf_event", "hugetlb", "rdma", "misc", "systemd", "unified"})
        rmdir(("/sys/fs/cgroup/" + std::string(c) + "/" + parent).c_str());
}

TEST_F(Cgroups, DefaultCgroupsPathIsNookSlashId) {
    if (!is_nook()) GTEST_SKIP() << "the default path is nook's own choice";
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(cg::v1_dir(state_pid(id), "memory"), "/sys/fs/cgroup/memory/nook/" + id);
}

TEST_F(Cgroups, NoCgroupLeftAfterKill9OfInitAndDelete) {
    resources()["memory"] = {{"limit", 64 * kMiB}};
    std::string id = start({"/bin/sh", "-c", "sleep 100 & exec sleep 100"});
    ASSERT_FALSE(id.empty());
    const int pid = state_pid(id);
    const auto dirs = cg::cgroup_dirs(pid);
    ASSERT_FALSE(dirs.empty());
    ASSERT_EQ(cg::existing(dirs).empty(), false);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    EXPECT_EQ(rt.wait_status(id, "stopped"), "stopped");
    CmdResult r = rt({"delete", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    // Every hierarchy, not only the controllers a limit was set on.
    EXPECT_TRUE(wait_until([&] { return cg::existing(dirs).empty(); }, 2s))
        << "left after delete:\n"
        << cg::existing(dirs);
    expect_clean(id);
}

TEST_F(Cgroups, NoCgroupLeftAfterForceDeleteOfRunning) {
    std::string id = start({"/bin/sh", "-c", "sleep 100 & exec sleep 100"});
    ASSERT_FALSE(id.empty());
    const auto dirs = cg::cgroup_dirs(state_pid(id));
    CmdResult r = rt({"delete", "--force", id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(wait_until([&] { return cg::existing(dirs).empty(); }, 2s))
        << "left after delete -f:\n"
        << cg::existing(dirs);
    expect_clean(id);
}

TEST_F(Cgroups, FailedCreateNamesFileAndValueAndLeavesNothing) {
    // The kernel refuses a CFS quota below 1 ms.
    resources()["cpu"] = {{"quota", 500}, {"period", 100000}};
    bundle.set_args({"/probe", "sleep", "60"});
    bundle.write_config();
    const std::string id = rt.new_id();
    CmdResult r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_NE(r.exit_code, 0) << "create succeeded: " << r.describe();
    EXPECT_NE(r.err.find("cpu.cfs_quota_us"), std::string::npos) << r.describe();
    EXPECT_NE(r.err.find("500"), std::string::npos) << r.describe();
    if (is_nook()) {
        EXPECT_EQ(lines(r.err).size(), 1u) << "error is not one line: " << r.err;
    }
    EXPECT_TRUE(rt.state(id).is_null()) << "failed create left a container";
    expect_clean(id);
    // Whatever a failing runtime left (empty dirs, no processes) must not outlive the test.
    for (const auto& dir : lines(leftover_cgroups(id))) rmdir(dir.c_str());
}

// A limit for a controller that is not mounted is refused, naming the
// controller, rather than silently skipped (runc: "cannot set net_cls limit").
TEST_F(Cgroups, LimitForUnmountedControllerFailsCreate) {
    for (const char* ctrl : {"net_cls", "net_prio"}) {
        SCOPED_TRACE(ctrl);
        if (cg::has_v1(ctrl)) continue;  // mounted here: nothing to refuse
        Json net = std::string(ctrl) == "net_cls"
                       ? Json{{"classID", 0x100001}}
                       : Json{{"priorities", {{{"name", "lo"}, {"priority", 3}}}}};
        resources() = {{"network", net}};
        bundle.set_args({"/probe", "exit", "0"});
        bundle.write_config();
        const std::string id = rt.new_id();
        CmdResult r = rt({"create", "--bundle", bundle.dir(), id});
        EXPECT_NE(r.exit_code, 0) << "create succeeded: " << r.describe();
        EXPECT_NE(r.err.find(ctrl), std::string::npos) << r.describe();
        EXPECT_TRUE(rt.state(id).is_null()) << "failed create left a container";
        expect_clean(id);
        for (const auto& dir : lines(leftover_cgroups(id))) rmdir(dir.c_str());
    }
}

}  // namespace
}  // namespace itest
