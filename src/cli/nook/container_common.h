// Helpers shared by the container verbs (run, ps, logs, stop, ...).
#pragma once

#include "cli/nook/verbs.h"
#include "engine/engine.h"

namespace nook::cli {

inline Result<engine::Engine> open_engine(const Globals& g) {
    return engine::Engine::open(g.root, g.runroot);
}

// Print "nook: <error>" and set the exit code to `code`.
inline void fail_with(Globals& g, const Error& e, int code) {
    fail(g, e);
    g.exit_code = code;
}

}  // namespace nook::cli
