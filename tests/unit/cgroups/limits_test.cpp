// Limits that must bite: memory (OOM kill), pids (fork fails at the limit),
// cpu quota (usage measured from the cgroup's own accounting), and stats.
#include <sys/mman.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "sys/cgroupfs.h"
#include "test_util.h"

namespace nook::runtime::cgroups::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(CgroupTest, MemoryLimitOomKillsAndIsCounted) {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 16 << 20;
    r.memory->swap = 16 << 20;  // no swap: memsw == limit, v2 swap.max 0
    apply(r);
    auto efd = mgr_->oom_event_fd();
    ASSERT_TRUE(efd.ok()) << efd.error().what();
    Child c([] {
        const size_t size = 64 << 20;
        auto* p = static_cast<volatile char*>(
            ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (p == MAP_FAILED) return 2;
        for (size_t i = 0; i < size; i += 4096) p[i] = 1;
        return 0;  // survived: the limit did not work
    });
    join(c);
    int status = c.wait();
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited normally with " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    auto readable = sys::wait_readable(efd->get(), 2000);
    ASSERT_TRUE(readable.ok());
    EXPECT_TRUE(*readable) << "no OOM notification";
    auto count = mgr_->oom_kill_count();
    ASSERT_TRUE(count.ok()) << count.error().what();
    EXPECT_GE(*count, 1u);
    auto st = mgr_->stats();
    ASSERT_TRUE(st.ok()) << st.error().what();
    // The limit was reached: some kernels (6.x, v1) no longer bump failcnt
    // on the OOM path, but the high-water mark shows it.
    EXPECT_TRUE(st->memory.usage.failcnt > 0 || st->memory.usage.max >= (15u << 20))
        << "failcnt " << st->memory.usage.failcnt << " max " << st->memory.usage.max;
    EXPECT_GE(st->oom_kill_count, 1u);
    EXPECT_EQ(st->memory.usage.limit, uint64_t(16 << 20));
}

TEST_F(CgroupTest, PidsLimitStopsForkAtTheLimit) {
    oci::Resources r;
    r.pids = oci::PidsResources{5};
    apply(r);
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    Child c([wfd = p[1]] {
        int forked = 0, err = 0;
        for (int i = 0; i < 50; ++i) {
            pid_t k = ::fork();
            if (k == 0) {
                for (;;) ::pause();
            }
            if (k < 0) {
                err = errno;
                break;
            }
            ++forked;
        }
        int msg[2] = {forked, err};
        (void)!::write(wfd, msg, sizeof(msg));
        for (;;) ::pause();
        return 0;
    });
    ::close(p[1]);
    join(c);
    int msg[2] = {-1, -1};
    ASSERT_EQ(::read(p[0], msg, sizeof(msg)), ssize_t(sizeof(msg)));
    ::close(p[0]);
    EXPECT_EQ(msg[0], 4);  // the child itself is the fifth
    EXPECT_EQ(msg[1], EAGAIN);
    auto st = mgr_->stats();
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->pids.current, 5u);
    EXPECT_EQ(st->pids.limit, 5u);
}

TEST_F(CgroupTest, CpuQuotaCapsABusyLoop) {
    oci::Resources r;
    r.cpu = oci::CpuResources{};
    r.cpu->quota = 20000;
    r.cpu->period = 100000;
    apply(r);
    Child c([] {
        volatile uint64_t x = 0;
        for (;;) x = x + 1;
        return 0;
    });
    join(c);
    std::this_thread::sleep_for(200ms);  // let it settle into throttling
    auto before = mgr_->stats();
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(1000ms);
    auto after = mgr_->stats();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(before.ok() && after.ok());
    double used = double(after->cpu.total_ns - before->cpu.total_ns) / 1e9;
    double share = used / wall;
    EXPECT_LT(share, 0.35) << "used " << used << " s of CPU in " << wall << " s";
    EXPECT_GT(share, 0.02) << "the loop did not run at all";
    EXPECT_GT(after->cpu.throttled_periods, 0u);
}

TEST_F(CgroupTest, StatsJsonIsSane) {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 256 << 20;
    r.pids = oci::PidsResources{100};
    apply(r);
    Child c([] {
        // volatile: the compiler must not drop stores to memory it can see unused.
        auto* p = static_cast<volatile char*>(::malloc(8 << 20));
        for (size_t i = 0; i < (8u << 20); i += 4096) p[i] = 1;
        volatile uint64_t x = 0;
        for (uint64_t i = 0; i < 20000000; ++i) x = x + i;
        for (;;) ::pause();
        return 0;
    });
    join(c);
    std::this_thread::sleep_for(500ms);
    auto st = mgr_->stats();
    ASSERT_TRUE(st.ok()) << st.error().what();
    auto j = nlohmann::json::parse(stats_to_runc_json(*st));
    SCOPED_TRACE(j.dump());
    EXPECT_GT(j["cpu"]["usage"]["total"].get<uint64_t>(), 0u);
    EXPECT_GE(j["memory"]["usage"]["usage"].get<uint64_t>(), uint64_t(8 << 20));
    EXPECT_LT(j["memory"]["usage"]["usage"].get<uint64_t>(), uint64_t(256 << 20));
    EXPECT_EQ(j["memory"]["usage"]["limit"].get<uint64_t>(), uint64_t(256 << 20));
    EXPECT_EQ(j["pids"]["current"].get<uint64_t>(), 1u);
    EXPECT_EQ(j["pids"]["limit"].get<uint64_t>(), 100u);
    EXPECT_TRUE(j.contains("blkio"));
    EXPECT_TRUE(j.contains("hugetlb"));
}

}  // namespace
}  // namespace nook::runtime::cgroups::testing
