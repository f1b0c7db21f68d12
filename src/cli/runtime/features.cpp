// `features`: what this runtime supports, per the runtime-spec's features.md.
// Every list comes from the code that implements it, so it cannot drift.
#include <cstdio>

#include "cli/runtime/commands.h"
#include "oci/features.h"
#include "runtime/rootfs/mount_options.h"
#include "runtime/security/process_security.h"

namespace nook::cli {

void register_features(CLI::App& app, GlobalOptions& /*g*/) {
    auto* sub = app.add_subcommand("features", "print the features this runtime supports (JSON)");
    sub->callback([] {
        namespace sec = runtime::security;
        oci::FeatureSet f;
        f.mount_options = runtime::rootfs::supported_mount_options();
        f.capabilities = sec::known_capabilities();
        f.seccomp_actions = sec::seccomp_actions();
        f.seccomp_operators = sec::seccomp_operators();
        f.seccomp_archs = sec::seccomp_archs();
        f.seccomp_known_flags = sec::seccomp_flags();
        f.seccomp_supported_flags = sec::seccomp_flags();
        f.annotations["io.github.nook.version"] = "0.1.0";
        // SCMP_ACT_NOTIFY works through linux.seccomp.listenerPath (the spec
        // has no field for it; runc names its libseccomp support likewise).
        f.annotations["io.github.nook.seccomp.listenerPath"] = "true";
        std::printf("%s\n", oci::features_json(f, true).c_str());
    });
}

}  // namespace nook::cli
