#include <unistd.h>

#include "cli/runtime/commands.h"
#include "oci/default_spec.h"
#include "oci/spec_json.h"
#include "sys/file.h"

namespace nook::cli {

void register_spec(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("spec", "write a default config.json for a new bundle");
    static std::string bundle = ".";
    static bool rootless = false;
    sub->add_option("-b,--bundle", bundle, "directory to write config.json in");
    sub->add_flag("--rootless", rootless, "a config for a container run without root");
    sub->callback([&g] {
        std::string path = bundle + "/config.json";
        if (sys::path_exists(path)) {
            g.exit_code = fail(invalid_input("file " + path + " exists; remove it first"));
            return;
        }
        oci::DefaultSpecOptions o;
        o.rootless = rootless;
        o.host_uid = ::geteuid();
        o.host_gid = ::getegid();
        g.exit_code = finish(
            sys::write_file_atomic(path, oci::to_json(oci::default_spec(o), true) + "\n", 0644));
    });
}

}  // namespace nook::cli
