// nook restart [-t N] CONTAINER...: stop (as `stop -t N`), then start.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

void setup_restart(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto timeout = std::make_shared<int>(engine::kDefaultStopTimeout);
    cmd.add_option("container", *names, "Containers to restart")->required();
    cmd.add_option("-t,--time", *timeout,
                   "Seconds to wait before killing (default: the container's StopTimeout or 10)");
    cmd.callback([&g, names, timeout] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& n : *names) {
            auto s = eng->restart(n, *timeout);
            if (!s.ok()) {
                fail(g, s.error());
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
    });
}

}  // namespace nook::cli
