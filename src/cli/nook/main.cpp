// nook: the engine CLI. Global flags as podman's (--root, --runroot), then one
// subcommand per verb from the table in verbs.cpp; `nook image <verb>` reaches
// the image verbs too (image ls, image rm, image prune, image inspect ...).
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "base/log.h"
#include "cli/nook/verbs.h"
#include "engine/engine.h"
#include "sys/sealed_exec.h"

namespace {

// The verb: the first word that is neither a global flag nor its value.
std::string verb_of(int argc, char** argv) {
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--root" || a == "--runroot" || a == "--log-level") {
            i++;
            continue;
        }
        if (a.empty() || a[0] != '-') return a == "container" && i + 1 < argc ? argv[i + 1] : a;
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace nook::cli;
    // `exec` forks the process that joins the container in-process: while it
    // runs our code there, a container process could reach this binary
    // through /proc/PID/exe. Run from a protected copy (CVE-2019-5736).
    if (verb_of(argc, argv) == "exec" && !nook::sys::running_from_protected_binary()) {
        auto r = nook::sys::exec_protected(argv);
        std::fprintf(stderr, "nook: %s\n", r.error().what().c_str());
        return 125;
    }
    Globals g;
    CLI::App app{"nook: images and containers"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "nook version 0.1.0");
    app.add_option("--root", g.root, "Storage root (images, containers, volumes)")
        ->capture_default_str();
    app.add_option("--runroot", g.runroot, "Runtime state directory")->capture_default_str();
    app.add_option("--log-level", g.log_level, "debug, info, warn or error")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
        ->capture_default_str();
    CLI::App* image = app.add_subcommand("image", "Manage images");
    image->require_subcommand(1);
    // Top-level verbs except those only meaningful under `image`.
    const std::set<std::string> image_only = {"prune", "mount", "unmount"};
    for (size_t i = 0; i < kVerbCount; i++) {
        const Verb& v = kVerbs[i];
        if (!image_only.count(v.name)) v.setup(*app.add_subcommand(v.name, v.help), g);
        if (v.image_subcommand) {
            CLI::App* sub = image->add_subcommand(v.image_alias ? v.image_alias : v.name, v.help);
            if (v.image_alias) sub->alias(v.name);
            v.setup(*sub, g);
        }
    }
    app.parse_complete_callback(
        [&] { nook::log::init("", nook::log::Format::text, g.log_level == "debug", "nook"); });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return g.exit_code;
}
