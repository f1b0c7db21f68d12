// nook version [--format json|TEMPLATE]: client-only, like podman without a
// service: Version, API Version, compiler, build time, OS/Arch.
#include <sys/utsname.h>

#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "engine/template/go_template.h"

namespace nook::cli {

namespace {

nlohmann::json version_info() {
    utsname u{};
    ::uname(&u);
    std::string arch = u.machine;
    if (arch == "x86_64") arch = "amd64";
    if (arch == "aarch64") arch = "arm64";
    return {{"Version", "0.1.0"},
            {"ApiVersion", "1.43"},
            {"GoVersion",
             std::string("C++ ") + std::to_string(__cplusplus) + " (g++ " + __VERSION__ + ")"},
            {"GitCommit", ""},
            {"Built", std::string(__DATE__) + " " + __TIME__},
            {"Os", "linux"},
            {"Arch", arch},
            {"KernelVersion", u.release}};
}

}  // namespace

void setup_version(CLI::App& cmd, Globals& g) {
    auto format = std::make_shared<std::string>();
    cmd.add_option("-f,--format", *format, "json or a Go template ({{.Client.Version}})");
    cmd.callback([&g, format] {
        auto v = version_info();
        nlohmann::json all = {{"Client", v}};
        if (*format == "json") {
            std::printf("%s\n", all.dump().c_str());
            return;
        }
        if (!format->empty()) {
            auto out = engine::render_template(*format, all);
            if (!out.ok()) return fail(g, out.error());
            std::printf("%s\n", out->c_str());
            return;
        }
        std::printf(
            "Client:\n Version:\t%s\n API Version:\t%s\n Go version:\t%s\n Built:\t%s\n "
            "OS/Arch:\t%s/%s\n",
            v["Version"].get<std::string>().c_str(), v["ApiVersion"].get<std::string>().c_str(),
            v["GoVersion"].get<std::string>().c_str(), v["Built"].get<std::string>().c_str(),
            v["Os"].get<std::string>().c_str(), v["Arch"].get<std::string>().c_str());
    });
}

}  // namespace nook::cli
