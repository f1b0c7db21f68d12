// nook: the engine CLI. Global flags as podman's (--root, --runroot), then one
// subcommand per verb from the table in verbs.cpp; `nook image <verb>` reaches
// the image verbs too (image ls, image rm, image prune, image inspect ...).
// argcheck.cpp checks the line with docker's rules before CLI11 parses it, and
// help.cpp prints --help as docker lays it out.
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "base/log.h"
#include "cli/nook/argcheck.h"
#include "cli/nook/help.h"
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

// docker's flags take one value per use (-e A=1 -e B=2): a list flag must not
// swallow the positionals after it.
void one_value_per_flag(CLI::App& app) {
    for (CLI::Option* o : app.get_options([](CLI::Option* o) { return !o->get_positional(); }))
        o->allow_extra_args(false);
    for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; })) one_value_per_flag(*s);
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
    CLI::App app{"A self-sufficient runtime for containers, without a daemon", "nook"};
    // Set before any subcommand exists: each copies its parent's.
    app.formatter(docker_help_formatter());
    app.set_help_flag("-h,--help", "Print usage");
    app.require_subcommand(1);
    app.set_version_flag("--version", "nook version 0.1.0");
    app.add_option("--root", g.root, "Storage root (images, containers, volumes)")
        ->capture_default_str();
    app.add_option("--runroot", g.runroot, "Runtime state directory")->capture_default_str();
    app.add_option("--log-level", g.log_level, "debug, info, warn or error")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
        ->capture_default_str();
    CLI::App* image = app.add_subcommand("image", "Manage images");
    const std::set<std::string> image_aliases[] = {{"ls", "list"}, {"rm", "remove"}};
    image->require_subcommand(1);
    // Top-level verbs except those only meaningful under `image`.
    const std::set<std::string> image_only = {"prune", "mount", "unmount"};
    for (size_t i = 0; i < kVerbCount; i++) {
        const Verb& v = kVerbs[i];
        if (!image_only.count(v.name)) v.setup(*app.add_subcommand(v.name, v.help), g);
        if (v.image_subcommand) {
            CLI::App* sub = image->add_subcommand(v.image_alias ? v.image_alias : v.name, v.help);
            if (v.image_alias) sub->alias(v.name);
            for (auto& a : image_aliases)
                if (a.count(sub->get_name()))
                    for (auto& n : a)
                        if (n != sub->get_name()) sub->alias(n);
            v.setup(*sub, g);
        }
    }
    app.parse_complete_callback(
        [&] { nook::log::init("", nook::log::Format::text, g.log_level == "debug", "nook"); });
    one_value_per_flag(app);
    CommandLine line;
    if (int rc = check_command_line(app, argc, argv, line); rc >= 0) return rc;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version come as "errors" that exit 0.
        if (e.get_exit_code() == 0) return app.exit(e);
        return report_parse_error(line, e);
    }
    return g.exit_code;
}
