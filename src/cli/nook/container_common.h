// Helpers shared by the container verbs (run, ps, logs, stop, ...).
#pragma once

#include "cli/nook/verbs.h"
#include "engine/engine.h"
#include "sys/tty.h"

namespace nook::cli {

inline Result<engine::Engine> open_engine(const Globals& g) {
    return engine::Engine::open(g.root, g.runroot);
}

// Print "nook: <error>" and set the exit code to `code`.
inline void fail_with(Globals& g, const Error& e, int code) {
    fail(g, e);
    g.exit_code = code;
}

// docker's check for -i -t: a pty is proxied to our terminal, so stdin
// must be one (exit 1, as docker). Piped input needs -i without -t.
inline bool refuse_tty_without_terminal(Globals& g, bool tty, bool interactive) {
    if (!tty || !interactive || sys::is_terminal(0)) return false;
    fail_with(g, invalid_input("the input device is not a TTY"), 1);
    return true;
}

}  // namespace nook::cli
