// nook rename CONTAINER NEW_NAME (the database's UNIQUE constraint decides
// conflicts, so two concurrent renames to one name cannot both win).
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

void setup_rename(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::pair<std::string, std::string>>();
    cmd.add_option("container", names->first, "Container")->required();
    cmd.add_option("new_name", names->second, "New name")->required();
    cmd.callback([&g, names] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        auto s = eng->rename(names->first, names->second);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
