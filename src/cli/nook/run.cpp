// nook run / nook create: a container from an image (see engine/engine.h).
// A foreground run hands the monitor one end of a socketpair before the
// container starts (engine/attach/attach_proto.h): output streams straight to us,
// our stdin (-i) and window size (-t) go to the container, and we exit with
// the container's exit code, or 0 when the user detaches (ctrl-p ctrl-q).
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/nook/attach_common.h"
#include "cli/nook/create_flags.h"
#include "sys/stream_io.h"

namespace nook::cli {

namespace {

struct RunOnly {
    bool detach = false;
    bool sig_proxy = true;
    std::string detach_keys = "ctrl-p,ctrl-q";
};

void do_run(Globals& g, RunFlags& f, const RunOnly& r) {
    const bool tty = f.req.tty;
    if (!r.detach && refuse_tty_without_terminal(g, tty, f.req.interactive)) return;
    auto keys = engine::parse_detach_keys(r.detach_keys);
    if (!keys.ok()) return fail(g, keys.error());
    auto eng = open_engine(g);
    if (!eng.ok()) return fail(g, eng.error());
    auto row = create_from(*eng, f);
    if (!row.ok()) return fail(g, row.error());
    if (r.detach) {
        auto started = eng->start(row->id);
        if (!started.ok())
            return fail_with(g, started.error(),
                             engine::exit_code_for_start_error(started.error()));
        std::printf("%s\n", row->id.c_str());
        return;
    }
    engine::AttachOptions o;
    o.stdin = f.req.interactive;
    o.tty = tty;
    o.sig_proxy = r.sig_proxy;
    o.detach_keys = *keys;
    start_attached(g, *eng, row->id, o);
}

}  // namespace

void setup_run(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<RunFlags>();
    auto r = std::make_shared<RunOnly>();
    add_create_flags(cmd, *f);
    cmd.add_flag("-d,--detach", r->detach, "Run in the background and print the container ID");
    cmd.add_flag("--sig-proxy", r->sig_proxy, "Proxy received signals to the process (no -t)");
    cmd.add_option("--detach-keys", r->detach_keys, "Key sequence for detaching a container")
        ->capture_default_str();
    cmd.callback([&g, f, r] { do_run(g, *f, *r); });
}

void setup_create(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<RunFlags>();
    add_create_flags(cmd, *f);
    cmd.callback([&g, f] {
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        auto row = create_from(*eng, *f);
        if (!row.ok()) return fail(g, row.error());
        std::printf("%s\n", row->id.c_str());
    });
}

}  // namespace nook::cli
