// Lifecycle on the real cgroup tree: layout, dirs on every hierarchy, files
// written by apply, error text, freeze/thaw, kill, clone-into, destroy.
#include <fcntl.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/process.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#include "test_util.h"

namespace nook::runtime::cgroups::testing {
namespace {

using namespace std::chrono_literals;

Layout expected_layout() {
    std::ifstream in("/proc/self/mounts");
    std::string dev, mp, type, rest;
    bool unified = false;
    while (in >> dev >> mp >> type && std::getline(in, rest)) {
        if (mp == "/sys/fs/cgroup" && type == "cgroup2") return Layout::v2;
        if (mp == "/sys/fs/cgroup/unified" && type == "cgroup2") unified = true;
    }
    return unified ? Layout::hybrid : Layout::v1;
}

TEST_F(CgroupTest, DetectsLayoutAndCreatesDirsOnEveryHierarchy) {
    EXPECT_EQ(layout_, expected_layout());
    EXPECT_EQ(mgr_->layout(), layout_);
    auto paths = mgr_->paths();
    if (v2()) {
        EXPECT_EQ(paths.size(), 1u);
    } else {
        for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "pids"})
            EXPECT_TRUE(paths.count(c)) << c;
        EXPECT_EQ(paths.count("unified"), layout_ == Layout::hybrid ? 1u : 0u);
    }
    for (auto& [ctrl, d] : paths) {
        EXPECT_TRUE(sys::path_exists(d + "/cgroup.procs")) << ctrl << " " << d;
        EXPECT_NE(d.find(parent_ + "/"), std::string::npos) << d;
    }
}

TEST_F(CgroupTest, ApplyWritesEveryFile) {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 64 << 20;
    r.memory->reservation = 32 << 20;
    r.memory->swap = 128 << 20;
    if (!v2()) r.memory->swappiness = 10;
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0";
    r.cpu->mems = "0";
    r.pids = oci::PidsResources{42};
    apply(r);
    EXPECT_EQ(knob("memory", "memory.limit_in_bytes", "memory.max"), std::to_string(64 << 20));
    EXPECT_EQ(knob("memory", "memory.soft_limit_in_bytes", "memory.low"), std::to_string(32 << 20));
    if (v2()) {
        if (sys::path_exists(dir("memory") + "/memory.swap.max")) {
            EXPECT_EQ(knob("memory", "", "memory.swap.max"), std::to_string(64 << 20));
        }
        EXPECT_EQ(knob("cpu", "", "cpu.weight"), std::to_string(shares_to_weight(512)));
        EXPECT_EQ(knob("cpu", "", "cpu.max"), "50000 100000");
    } else {
        EXPECT_EQ(knob("memory", "memory.memsw.limit_in_bytes", ""), std::to_string(128 << 20));
        EXPECT_EQ(knob("memory", "memory.swappiness", ""), "10");
        EXPECT_EQ(knob("cpu", "cpu.shares", ""), "512");
        EXPECT_EQ(knob("cpu", "cpu.cfs_quota_us", ""), "50000");
        EXPECT_EQ(knob("cpu", "cpu.cfs_period_us", ""), "100000");
    }
    EXPECT_EQ(knob("cpuset", "cpuset.cpus", "cpuset.cpus"), "0");
    EXPECT_EQ(knob("cpuset", "cpuset.mems", "cpuset.mems"), "0");
    EXPECT_EQ(knob("pids", "pids.max", "pids.max"), "42");

    // update: lower the limit below the old memsw (ordering must hold), unlimit pids.
    oci::Resources u;
    u.memory = oci::MemoryResources{};
    u.memory->limit = 16 << 20;
    u.memory->swap = 16 << 20;
    u.pids = oci::PidsResources{-1};
    apply(u);
    EXPECT_EQ(knob("memory", "memory.limit_in_bytes", "memory.max"), std::to_string(16 << 20));
    if (!v2()) {
        EXPECT_EQ(knob("memory", "memory.memsw.limit_in_bytes", ""), std::to_string(16 << 20));
    }
    EXPECT_EQ(knob("pids", "pids.max", "pids.max"), "max");
}

TEST_F(CgroupTest, RejectedValueNamesFileAndValue) {
    oci::Resources r;
    r.cpu = oci::CpuResources{};
    r.cpu->cpus = "999";
    auto st = mgr_->apply(r);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().what().find("cpuset.cpus"), std::string::npos) << st.error().what();
    EXPECT_NE(st.error().what().find("\"999\""), std::string::npos) << st.error().what();
}

TEST_F(CgroupTest, UnifiedKeysOnlyOnV2) {
    oci::Resources r;
    r.unified["memory.high"] = "50000000";
    auto st = mgr_->apply(r);
    if (v2()) {
        ASSERT_TRUE(st.ok()) << st.error().what();
        EXPECT_EQ(knob("memory", "", "memory.high"), "49999872");  // rounded down to pages
    } else {
        ASSERT_FALSE(st.ok());
        EXPECT_NE(st.error().what().find("linux.resources.unified requires cgroup v2"),
                  std::string::npos)
            << st.error().what();
    }
}

TEST_F(CgroupTest, FreezeStopsACounterAndThawResumes) {
    auto* counter = static_cast<std::atomic<uint64_t>*>(
        ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(counter, MAP_FAILED);
    counter->store(0);
    Child c([counter] {
        for (;;) counter->fetch_add(1);
        return 0;
    });
    join(c);
    std::this_thread::sleep_for(100ms);
    ASSERT_GT(counter->load(), 0u);
    auto pids = mgr_->pids();
    ASSERT_TRUE(pids.ok());
    EXPECT_EQ(*pids, std::vector<pid_t>{c.pid()});

    auto st = mgr_->freeze();
    ASSERT_TRUE(st.ok()) << st.error().what();
    EXPECT_TRUE(*mgr_->is_frozen());
    uint64_t a = counter->load();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(counter->load(), a);

    st = mgr_->thaw();
    ASSERT_TRUE(st.ok()) << st.error().what();
    EXPECT_FALSE(*mgr_->is_frozen());
    std::this_thread::sleep_for(300ms);
    EXPECT_GT(counter->load(), a);
    ::munmap(counter, 4096);
}

TEST_F(CgroupTest, KillAllSignalsEveryProcessEvenWhenFrozen) {
    Child c([] {
        ::fork();  // two processes in the cgroup
        for (;;) ::pause();
        return 0;
    });
    join(c);
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(mgr_->pids()->size(), 2u);
    ASSERT_TRUE(mgr_->freeze().ok());
    auto st = mgr_->kill_all(SIGKILL);
    ASSERT_TRUE(st.ok()) << st.error().what();
    int status = c.wait();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    for (int i = 0; i < 100 && !mgr_->pids()->empty(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(mgr_->pids()->empty());
    if (!v2()) {
        ASSERT_TRUE(mgr_->thaw().ok());
    }
}

TEST_F(CgroupTest, DestroyRemovesEverythingRightAfterKill) {
    Child c([] {
        for (;;) ::pause();
        return 0;
    });
    join(c);
    // A nested cgroup, as a container with its own cgroupns might make.
    for (auto& [ctrl, d] : mgr_->paths()) ASSERT_TRUE(sys::mkdir_p(d + "/inner").ok());
    ASSERT_TRUE(mgr_->kill_all(SIGKILL).ok());
    auto st = mgr_->destroy();  // without waiting for the child: destroy retries
    ASSERT_TRUE(st.ok()) << st.error().what();
    for (auto& [ctrl, d] : mgr_->paths()) EXPECT_FALSE(sys::path_exists(d)) << d;
    c.wait();
}

TEST_F(CgroupTest, CloneIntoCgroupOnlyOnV2) {
    auto fd = mgr_->clone_into_fd();
    if (!v2()) {
        ASSERT_FALSE(fd.ok());
        EXPECT_EQ(fd.error().code(), EOPNOTSUPP);
        return;
    }
    ASSERT_TRUE(fd.ok()) << fd.error().what();
    sys::CloneArgs args;
    args.flags = CLONE_INTO_CGROUP;
    args.cgroup_fd = fd->get();
    auto cl = sys::clone3(args);
    ASSERT_TRUE(cl.ok()) << cl.error().what();
    if (cl->pid == 0) {
        ::pause();
        ::_exit(0);
    }
    OwnedPid owned(cl->pid);
    EXPECT_EQ(*mgr_->pids(), std::vector<pid_t>{cl->pid});
}

// The init joins by itself (Manager::JoinPlan): born in the cgroup where
// the kernel allows it, moving itself on v1; no parent attach is needed.
TEST_F(CgroupTest, JoinPlanPutsAChildInEveryHierarchyByItself) {
    auto plan = mgr_->join_plan(true);
    EXPECT_FALSE(plan.parent_attach);
    EXPECT_EQ(plan.self_files.empty(), v2());
    EXPECT_EQ(static_cast<bool>(plan.clone_into), layout_ != Layout::v1);
    auto ready = sys::make_pipe();
    ASSERT_TRUE(ready.ok());
    sys::CloneArgs args;
    if (plan.clone_into) {
        args.flags = CLONE_INTO_CGROUP;
        args.cgroup_fd = plan.clone_into.get();
    }
    auto cl = sys::clone3(args);
    ASSERT_TRUE(cl.ok()) << cl.error().what();
    if (cl->pid == 0) {
        for (const auto& f : plan.self_files)
            if (!sys::write_file(f, "0").ok()) ::_exit(1);
        (void)sys::write_all(ready->write.get(), "j");
        ::pause();
        ::_exit(0);
    }
    OwnedPid owned(cl->pid);
    ready->write.reset();
    char c = 0;
    ASSERT_EQ(::read(ready->read.get(), &c, 1), 1) << "the child failed to join";
    EXPECT_EQ(*mgr_->pids(), std::vector<pid_t>{cl->pid});
    // Every hierarchy's cgroup lists it (v1: each controller; the unified one).
    for (auto& [ctrl, d] : mgr_->paths()) {
        std::ifstream procs(d + "/cgroup.procs");
        pid_t p = 0;
        procs >> p;
        EXPECT_EQ(p, cl->pid) << d;
    }
    // A child in a new user namespace cannot write host cgroup files.
    auto nested = mgr_->join_plan(false);
    EXPECT_EQ(nested.parent_attach, !v2());
    EXPECT_TRUE(nested.self_files.empty());
}

TEST(CgroupRelative, RelativePathIsUnderOwnCgroup) {
    auto m = make_manager("rel-test", "x");
    ASSERT_TRUE(m.ok()) << m.error().what();
    std::ifstream in("/proc/self/cgroup");
    std::string line, own_memory, own_unified;
    while (std::getline(in, line)) {
        if (line.rfind("0::", 0) == 0) own_unified = line.substr(3);
        auto c1 = line.find(':'), c2 = line.find(':', c1 + 1);
        if (line.substr(c1 + 1, c2 - c1 - 1) == "memory") own_memory = line.substr(c2 + 1);
    }
    auto paths = (*m)->paths();
    auto norm = [](std::string s) { return s == "/" ? std::string() : s; };
    if ((*m)->layout() == Layout::v2) {
        EXPECT_EQ(paths.at("unified"), "/sys/fs/cgroup" + norm(own_unified) + "/rel-test");
    } else {
        EXPECT_EQ(paths.at("memory"), "/sys/fs/cgroup/memory" + norm(own_memory) + "/rel-test");
    }
}

}  // namespace
}  // namespace nook::runtime::cgroups::testing
