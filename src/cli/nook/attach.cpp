// nook attach [--detach-keys K] [--no-stdin] [--sig-proxy=false] CONTAINER:
// connect our terminal to a running container's monitor (its pty with -t).
#include <memory>

#include "cli/nook/attach_common.h"
#include "engine/events/events.h"

namespace nook::cli {

namespace {
struct AttachFlags {
    std::string container;
    std::string detach_keys = "ctrl-p,ctrl-q";
    bool no_stdin = false;
    bool sig_proxy = true;
};
}  // namespace

void setup_attach(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<AttachFlags>();
    cmd.add_option("container", f->container, "Container")->required();
    cmd.add_option("--detach-keys", f->detach_keys, "Key sequence for detaching a container")
        ->capture_default_str();
    cmd.add_flag("--no-stdin", f->no_stdin, "Do not attach STDIN");
    cmd.add_flag("--sig-proxy", f->sig_proxy, "Proxy all received signals to the process");
    cmd.callback([&g, f] {
        auto keys = engine::parse_detach_keys(f->detach_keys);
        if (!keys.ok()) return fail(g, keys.error());
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        auto row = eng->get(f->container);
        if (!row.ok()) return fail(g, row.error());
        if (row->status != "running" && row->status != "restarting")
            return fail(g, invalid_input("cannot attach to a stopped container, start it first"));
        auto sock = eng->attach_socket(row->id);
        if (!sock.ok()) return fail(g, sock.error().context("attach to " + row->id));
        engine::events::emit(eng->paths(), *row, "attach");
        engine::AttachOptions o;
        o.tty = config_flag(*row, "Tty");
        o.stdin = !f->no_stdin && config_flag(*row, "OpenStdin");
        o.sig_proxy = f->sig_proxy;
        o.detach_keys = *keys;
        attach_and_exit(g, *eng, row->id, sock->get(), o);
    });
}

}  // namespace nook::cli
