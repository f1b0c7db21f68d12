// nook rm [-f] [-v] CONTAINER...: remove containers (force: kill running
// ones first; -v: their anonymous volumes too). Each holds the container's lock.
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

namespace {

struct RmFlags {
    std::vector<std::string> names;
    bool force = false;
    bool volumes = false;
};

}  // namespace

void setup_rm(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<RmFlags>();
    cmd.add_option("container", f->names, "Containers to remove")->required();
    cmd.add_flag("-f,--force", f->force, "Force the removal of a running container (SIGKILL)");
    cmd.add_flag("-v,--volumes", f->volumes,
                 "Remove anonymous volumes associated with the container");
    cmd.callback([&g, f] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        for (auto& n : f->names) {
            auto s = eng->remove(n, f->force, f->volumes);
            if (!s.ok()) {
                fail(g, s.error());
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
    });
}

}  // namespace nook::cli
