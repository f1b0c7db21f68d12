// nook rm [-f] CONTAINER...: remove containers (force: kill running ones first).
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

void setup_rm(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto force = std::make_shared<bool>(false);
    cmd.add_option("container", *names, "Containers to remove")->required();
    cmd.add_flag("-f,--force", *force, "Force the removal of a running container (SIGKILL)");
    cmd.callback([&g, names, force] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& n : *names) {
            auto s = eng->remove(n, *force);
            if (!s.ok()) {
                fail(g, s.error());
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
    });
}

}  // namespace nook::cli
