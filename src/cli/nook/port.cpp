// nook port CONTAINER [PRIVATE_PORT[/PROTO]]: published ports. Nothing is
// published yet (no -p), so this prints nothing for a known container.
#include <memory>

#include "cli/nook/container_common.h"

namespace nook::cli {

void setup_port(CLI::App& cmd, Globals& g) {
    auto name = std::make_shared<std::string>();
    auto port = std::make_shared<std::string>();
    cmd.add_option("container", *name, "Container")->required();
    cmd.add_option("private_port", *port, "PRIVATE_PORT[/PROTO]");
    cmd.callback([&g, name, port] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        auto row = eng->get(*name);
        if (!row.ok()) return fail(g, row.error());
        if (!port->empty())
            fail(g, invalid_input("No public port '" + *port + "' published for " + *name));
    });
}

}  // namespace nook::cli
