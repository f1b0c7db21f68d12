// nook kill [-s SIGNAL] CONTAINER...
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "runtime/container_ops.h"

namespace nook::cli {

void setup_kill(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto sig = std::make_shared<std::string>("KILL");
    cmd.add_option("container", *names, "Containers to signal")->required();
    cmd.add_option("-s,--signal", *sig, "Signal to send")->capture_default_str();
    cmd.callback([&g, names, sig] {
        auto n = runtime::parse_signal(*sig);
        if (!n.ok()) return fail(g, n.error());
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& c : *names) {
            auto s = eng->kill(c, *n);
            if (!s.ok()) {
                fail(g, s.error());
                continue;
            }
            std::printf("%s\n", c.c_str());
        }
    });
}

}  // namespace nook::cli
