// nook run / nook create: a container from an image (see engine/engine.h).
// A foreground run relays the container's log as it grows and exits with
// the container's exit code once its monitor reports the exit.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/nook/create_flags.h"
#include "engine/json_log.h"
#include "engine/status_pipe.h"
#include "sys/daemon.h"
#include "sys/file.h"

namespace nook::cli {

namespace {

void relay(const std::vector<engine::LogEntry>& entries) {
    for (const auto& e : entries) {
        FILE* to = e.stream == "stderr" ? stderr : stdout;
        std::fwrite(e.log.data(), 1, e.log.size(), to);
        std::fflush(to);
    }
}

// Follow the log until the monitor reports the exit; returns the exit code.
Result<int> follow_until_exit(engine::Engine& eng, const engine::ContainerRow& row, UniqueFd log_fd,
                              UniqueFd status) {
    engine::LogReader logs(log_fd.get());
    engine::StatusReader reader(std::move(status));
    // As docker's --sig-proxy: signals meant for us go to the container.
    TRY_ASSIGN(UniqueFd sigs, sys::signal_fd({SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}));
    for (;;) {
        for (;;) {
            TRY_ASSIGN(int sig, sys::read_signal(sigs.get()));
            if (sig == 0) break;
            (void)eng.kill(row.id, sig);  // it may have exited already
        }
        auto msg = reader.next(20);
        TRY_ASSIGN(auto entries, logs.read_new());
        relay(entries);
        if (!msg.ok()) {
            if (msg.error().code() == EAGAIN) continue;
            return std::move(msg).error();
        }
        if (!*msg) break;  // the monitor died without reporting: see the database
        if ((*msg)->kind == "exit") {
            TRY_ASSIGN(auto rest, logs.read_new());
            relay(rest);
            return (*msg)->code;
        }
    }
    TRY_ASSIGN(auto rest, logs.read_new());
    relay(rest);
    TRY_ASSIGN(auto now, eng.get(row.id));
    return now.status == "exited" ? now.exit_code : engine::kExitEngineError;
}

void do_run(Globals& g, RunFlags& f) {
    auto eng = open_engine(g);
    if (!eng.ok()) return fail(g, eng.error());
    auto row = create_from(*eng, f);
    if (!row.ok()) return fail(g, row.error());
    // Opened before the start so no output can be missed.
    auto log = sys::open_file(eng->paths().log(row->id), O_RDONLY);
    if (!log.ok()) return fail(g, log.error());
    auto started = eng->start(row->id, f.req.interactive && !f.detach);
    if (!started.ok()) {
        // The monitor has removed an --rm container already.
        return fail_with(g, started.error(), engine::exit_code_for_start_error(started.error()));
    }
    if (f.detach) {
        std::printf("%s\n", row->id.c_str());
        return;
    }
    auto code = follow_until_exit(*eng, *row, std::move(*log), std::move(started->status));
    if (!code.ok()) return fail(g, code.error());
    g.exit_code = *code;
}

}  // namespace

void setup_run(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<RunFlags>();
    add_create_flags(cmd, *f);
    cmd.add_flag("-d,--detach", f->detach, "Run in the background and print the container ID");
    cmd.callback([&g, f] { do_run(g, *f); });
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
