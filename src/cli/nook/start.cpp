// nook start [-a] [-i] CONTAINER...: spawn the monitor of created/exited
// containers; with -a attach to the (single) container's output, with -i
// also its stdin, and exit with its exit code.
#include <cstdio>
#include <memory>

#include "cli/nook/attach_common.h"

namespace nook::cli {

namespace {
struct StartFlags {
    std::vector<std::string> names;
    bool attach = false, interactive = false;
    std::string detach_keys = "ctrl-p,ctrl-q";
};
}  // namespace

void setup_start(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<StartFlags>();
    cmd.add_option("container", f->names, "Containers to start")->required();
    cmd.add_flag("-a,--attach", f->attach, "Attach STDOUT/STDERR and forward signals");
    cmd.add_flag("-i,--interactive", f->interactive, "Attach container's STDIN");
    cmd.add_option("--detach-keys", f->detach_keys, "Key sequence for detaching a container")
        ->capture_default_str();
    cmd.callback([&g, f] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        if (f->attach || f->interactive) {
            if (f->names.size() != 1)
                return fail(g, invalid_input("start -a/-i: exactly one container, got " +
                                             std::to_string(f->names.size())));
            auto keys = engine::parse_detach_keys(f->detach_keys);
            if (!keys.ok()) return fail(g, keys.error());
            auto row = eng->get(f->names[0]);
            if (!row.ok()) return fail(g, row.error());
            engine::AttachOptions o;
            o.tty = config_flag(*row, "Tty");
            o.stdin = f->interactive && config_flag(*row, "OpenStdin");
            o.detach_keys = *keys;
            return start_attached(g, *eng, row->id, o);
        }
        for (auto& n : f->names) {
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
