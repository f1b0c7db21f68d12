// Flags shared by the verbs that talk to a registry.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

#include "image/registry.h"

namespace nook::cli {

struct RegistryFlags {
    bool tls_verify = true;
    std::string authfile;
    std::string creds;  // "user:password"
    image::RegistryOptions options() const {
        image::RegistryOptions o;
        o.tls_verify = tls_verify;
        o.auth_file = authfile;
        if (!creds.empty()) {
            auto c = creds.find(':');
            o.credentials = image::Credentials{creds.substr(0, c),
                                               c == std::string::npos ? "" : creds.substr(c + 1)};
        }
        return o;
    }
};

inline void add_registry_flags(CLI::App& cmd, RegistryFlags& f) {
    cmd.add_option("--tls-verify", f.tls_verify,
                   "Require HTTPS with verified certificates (false: allow plain HTTP)")
        ->default_str("true");
    cmd.add_option("--authfile", f.authfile, "Credentials file (default ~/.docker/config.json)");
    cmd.add_option("--creds", f.creds, "USER:PASSWORD for the registry");
}

}  // namespace nook::cli
