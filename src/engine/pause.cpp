// pause/unpause through the runtime, and top and stats of a running container (pause.h).
#include "engine/pause.h"
#include "engine/events/events.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "sys/daemon.h"

namespace nook::engine {

namespace {

Error not_running(const ContainerRow& r) {
    return invalid_input("Container " + r.id + " is not running");
}

}  // namespace

Status pause(Engine& eng, const std::string& name_or_id) {
    TRY_ASSIGN(auto l, eng.lock(name_or_id));
    if (l.row.status != "running") return not_running(l.row);
    if (l.row.paused) return invalid_input("Container " + l.row.id + " is already paused");
    TRY_ASSIGN(auto rt, eng.runtime_of(l.row));
    TRY(rt->pause(l.row.id).context("pause " + l.row.name));
    events::emit(eng.paths(), l.row, "pause");
    return {};
}

Status unpause(Engine& eng, const std::string& name_or_id) {
    TRY_ASSIGN(auto l, eng.lock(name_or_id));
    if (l.row.status != "running") return not_running(l.row);
    if (!l.row.paused) return invalid_input("Container " + l.row.id + " is not paused");
    TRY_ASSIGN(auto rt, eng.runtime_of(l.row));
    TRY(rt->resume(l.row.id).context("unpause " + l.row.name));
    events::emit(eng.paths(), l.row, "unpause");
    return {};
}

Result<std::vector<pid_t>> container_processes(Engine& eng, const ContainerRow& row) {
    if (row.status != "running") return not_running(row);
    TRY_ASSIGN(auto rt, eng.runtime_of(row));
    return rt->pids(row.id);
}

namespace {

struct Raw {
    bool ok = false;
    runtime::cgroups::Stats s;
};

Raw read_raw(Engine& eng, const ContainerRow& r) {
    Raw out;
    if (r.status != "running") return out;
    auto rt = eng.runtime_of(r);
    if (!rt.ok()) return out;
    auto cg = (*rt)->cgroup(r.id);
    if (!cg.ok()) return out;
    auto st = (*cg)->stats();
    if (!st.ok()) return out;
    out.ok = true;
    out.s = std::move(*st);
    return out;
}

double now_mono() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t host_memory() {
    return static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
           static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

Result<std::vector<StatsRow>> sample_stats(Engine& eng, const std::vector<ContainerRow>& rows,
                                           int interval_ms) {
    std::vector<Raw> before;
    double t0 = now_mono();
    for (auto& r : rows) before.push_back(read_raw(eng, r));
    sys::sleep_ms(interval_ms);
    double wall_ns = (now_mono() - t0) * 1e9;
    std::vector<StatsRow> out;
    for (size_t i = 0; i < rows.size(); i++) {
        StatsRow s;
        s.id = rows[i].id;
        s.name = rows[i].name;
        Raw now = read_raw(eng, rows[i]);
        if (now.ok) {
            const auto& m = now.s.memory;
            // docker: usage without the inactive page cache (reclaimable).
            uint64_t inactive = 0;
            for (const char* k : {"total_inactive_file", "inactive_file"})
                if (auto it = m.raw.find(k); it != m.raw.end()) {
                    inactive = it->second;
                    break;
                }
            s.mem_usage = m.usage.usage > inactive ? m.usage.usage - inactive : m.usage.usage;
            uint64_t host = host_memory();
            s.mem_limit = m.usage.limit == 0 || m.usage.limit > host ? host : m.usage.limit;
            s.mem_percent = s.mem_limit ? 100.0 * s.mem_usage / s.mem_limit : 0;
            s.pids = now.s.pids.current;
            for (const auto& e : now.s.blkio.io_service_bytes_recursive) {
                if (e.op == "Read" || e.op == "read") s.blk_read += e.value;
                if (e.op == "Write" || e.op == "write") s.blk_write += e.value;
            }
            if (before[i].ok && wall_ns > 0 && now.s.cpu.total_ns >= before[i].s.cpu.total_ns)
                s.cpu_percent = 100.0 * (now.s.cpu.total_ns - before[i].s.cpu.total_ns) / wall_ns;
        }
        out.push_back(s);
    }
    return out;
}

namespace {

std::string scaled(uint64_t n, double base, const char* const* units) {
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= base && units[u + 1]) {
        v /= base;
        u++;
    }
    char b[32];
    // docker (go-units): 4 significant digits, trailing zeros dropped.
    std::snprintf(b, sizeof b, "%.4g%s", v, units[u]);
    return b;
}

}  // namespace

std::string bytes_binary(uint64_t n) {
    static const char* const u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", nullptr};
    return scaled(n, 1024, u);
}

std::string bytes_decimal(uint64_t n) {
    static const char* const u[] = {"B", "kB", "MB", "GB", "TB", "PB", nullptr};
    return scaled(n, 1000, u);
}

}  // namespace nook::engine
