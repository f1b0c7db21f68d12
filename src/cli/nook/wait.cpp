// nook wait CONTAINER...: block until each exits, print its exit code.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

void setup_wait(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    cmd.add_option("container", *names, "Containers to wait for")->required();
    cmd.callback([&g, names] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& n : *names) {
            auto code = eng->wait(n);
            if (!code.ok()) {
                fail(g, code.error());
                continue;
            }
            std::printf("%d\n", *code);
            std::fflush(stdout);
        }
    });
}

}  // namespace nook::cli
