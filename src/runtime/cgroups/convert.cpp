// v1 -> v2 value conversions, matching what runc and crun write so a spec
// behaves the same whichever runtime runs it.
#include <algorithm>

#include "runtime/cgroups/manager.h"

namespace nook::runtime::cgroups {

uint64_t shares_to_weight(uint64_t shares) {
    // cpu.shares spans 2..262144, cpu.weight 1..10000; map linearly.
    if (shares == 0) return 0;
    shares = std::clamp<uint64_t>(shares, 2, 262144);
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t w) {
    // blkio.weight spans 10..1000, io.weight 1..10000.
    if (w == 0) return 0;
    w = std::clamp<uint64_t>(w, 10, 1000);
    return 1 + ((w - 10) * 9999) / 990;
}

Result<std::string> v2_swap_max(int64_t swap, std::optional<int64_t> limit) {
    // OCI "swap" is memory+swap (v1 memsw); v2 limits swap alone.
    int64_t mem = limit.value_or(0);
    if (mem == -1 && swap == 0) return std::string("max");  // both unlimited
    if (swap == -1) return std::string("max");
    if (swap == 0) return std::string();  // unset: leave memory.swap.max alone
    if (mem <= 0)
        return invalid_input("linux.resources.memory.swap " + std::to_string(swap) +
                             ": a swap limit needs a memory limit");
    if (swap < mem)
        return invalid_input("linux.resources.memory.swap " + std::to_string(swap) +
                             " is below memory.limit " + std::to_string(mem) +
                             " (swap is memory+swap)");
    return std::to_string(swap - mem);
}

}  // namespace nook::runtime::cgroups
