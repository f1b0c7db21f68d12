// nook-runtime's command line: runc-compatible global flags and one file per
// verb. Each verb file defines register_<verb>() which adds its subcommand.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "base/result.h"
#include "runtime/state_store.h"

namespace nook::cli {

struct GlobalOptions {
    std::string root = "/run/nook-runtime";
    std::string log;
    std::string log_format = "text";
    bool debug = false;
    bool systemd_cgroup = false;
    bool rootless_flag = false;
    std::string criu;
    int exit_code = 0;  // set by the verb that ran

    runtime::StateStore store() const { return runtime::StateStore(root); }
};

// Report a failed Status the way runc does (log line + exit 1). Returns the exit code.
int fail(const Error& e);
inline int finish(const Status& s) {
    return s.ok() ? 0 : fail(s.error());
}
// A verb that needs the systemd cgroup driver (not supported yet).
Status check_systemd_flag(const GlobalOptions& g);

#define NOOK_VERBS(X)                                                                             \
    X(create)                                                                                     \
    X(start) X(run) X(state) X(kill) X(delete) X(list) X(ps) X(exec) X(spec) X(features) X(pause) \
        X(resume) X(update) X(events)
#define NOOK_DECLARE(v) void register_##v(CLI::App& app, GlobalOptions& g);
NOOK_VERBS(NOOK_DECLARE)
#undef NOOK_DECLARE

}  // namespace nook::cli
