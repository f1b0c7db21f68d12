// nook pause / unpause CONTAINER...: freeze and thaw every process of the
// containers (the cgroup freezer); prints each name as docker.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/pause.h"

namespace nook::cli {

namespace {

void setup_freeze(CLI::App& cmd, Globals& g, bool freeze) {
    auto names = std::make_shared<std::vector<std::string>>();
    cmd.add_option("container", *names, "Containers")->required();
    cmd.callback([&g, names, freeze] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& n : *names) {
            auto s = freeze ? engine::pause(*eng, n) : engine::unpause(*eng, n);
            if (!s.ok()) {
                fail(g, s.error());
                g.exit_code = 1;
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
    });
}

}  // namespace

void setup_pause(CLI::App& cmd, Globals& g) {
    setup_freeze(cmd, g, true);
}
void setup_unpause(CLI::App& cmd, Globals& g) {
    setup_freeze(cmd, g, false);
}

}  // namespace nook::cli
