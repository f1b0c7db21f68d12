// nook-runtime: an OCI runtime with runc's command line.
#include <cstring>
#include <string_view>

#include "base/log.h"
#include "cli/runtime/commands.h"
#include "oci/spec.h"
#include "sys/sealed_exec.h"

namespace nook::cli {

int fail(const Error& e) {
    log::error(e.what());
    return 1;
}

Status check_systemd_flag(const GlobalOptions& g) {
    if (g.systemd_cgroup)
        return invalid_input("--systemd-cgroup: the systemd cgroup driver is not supported yet");
    return {};
}

namespace {

// The verb, skipping global flags and their values.
std::string_view find_verb(int argc, char** argv) {
    static constexpr std::string_view kWithValue[] = {"--root", "--log", "--log-format", "--criu"};
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a.empty() || a[0] != '-') return a;
        for (auto f : kWithValue)
            if (a == f) ++i;
    }
    return {};
}

}  // namespace
}  // namespace nook::cli

int main(int argc, char** argv) {
    using namespace nook;
    // Verbs that put a process into a container run from a binary that
    // cannot be written through /proc/PID/exe (CVE-2019-5736): a detached
    // read-only bind of it, else a sealed copy (see sys/sealed_exec.h).
    auto verb = cli::find_verb(argc, argv);
    if ((verb == "create" || verb == "run" || verb == "exec") &&
        !sys::running_from_protected_binary()) {
        auto r = sys::exec_protected(argv);
        std::fprintf(stderr, "nook-runtime: %s\n", r.error().what().c_str());
        return 1;
    }

    CLI::App app{"nook-runtime: an OCI container runtime (runc-compatible command line)",
                 "nook-runtime"};
    app.require_subcommand(1);
    cli::GlobalOptions g;
    app.add_option("--root", g.root, "root directory for storage of container state")
        ->capture_default_str();
    app.add_option("--log", g.log, "log file (default: stderr)");
    app.add_option("--log-format", g.log_format, "log format: text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_flag("--debug", g.debug, "enable debug logging");
    app.add_flag("--systemd-cgroup", g.systemd_cgroup,
                 "use the systemd cgroup driver (not yet supported)");
    app.add_option("--criu", g.criu, "path to criu (accepted for compatibility; unused)");
    app.add_option("--rootless", g.rootless_flag, "accepted for compatibility")->expected(0, 1);
    app.set_version_flag("-v,--version",
                         std::string("nook-runtime version 0.1.0\nspec: ") + oci::kSpecVersion);
    app.parse_complete_callback([&] {
        log::init(g.log, g.log_format == "json" ? log::Format::json : log::Format::text, g.debug,
                  "nook-runtime");
    });
#define NOOK_REGISTER(v) cli::register_##v(app, g);
    NOOK_VERBS(NOOK_REGISTER)
#undef NOOK_REGISTER
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 1;
    }
    return g.exit_code;
}
