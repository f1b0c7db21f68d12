// nook start CONTAINER...: spawn the monitor of created/exited containers.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

void setup_start(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    cmd.add_option("container", *names, "Containers to start")->required();
    cmd.callback([&g, names] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& n : *names) {
            auto s = eng->start(n);
            if (!s.ok()) {
                fail_with(g, s.error(), engine::exit_code_for_start_error(s.error()));
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
    });
}

}  // namespace nook::cli
