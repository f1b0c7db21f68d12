// nook login [-u USER] [-p PASS | --password-stdin] [SERVER] / nook logout [SERVER]
// Credentials are checked against the registry, then stored in docker's
// config.json format.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/nook/registry_flags.h"
#include "cli/nook/verbs.h"
#include "image/auth.h"
#include "image/registry.h"

namespace nook::cli {

namespace {
struct Opts {
    std::string server = "docker.io";
    std::string user, password;
    bool password_stdin = false;
    RegistryFlags reg;
};

std::string normalise_server(std::string s) {
    for (auto p : {"https://", "http://"})
        if (s.rfind(p, 0) == 0) s = s.substr(std::string(p).size());
    if (auto slash = s.find('/'); slash != std::string::npos) s = s.substr(0, slash);
    if (s == "index.docker.io" || s == "registry-1.docker.io") s = "docker.io";
    return s;
}
}  // namespace

void setup_login(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("server", o->server, "Registry (default docker.io)");
    cmd.add_option("-u,--username", o->user, "Username");
    cmd.add_option("-p,--password", o->password, "Password");
    cmd.add_flag("--password-stdin", o->password_stdin, "Read the password from stdin");
    add_registry_flags(cmd, o->reg);
    cmd.callback([&g, o] {
        std::string server = normalise_server(o->server);
        if (o->password_stdin) {
            std::getline(std::cin, o->password);
            while (!o->password.empty() && o->password.back() == '\r') o->password.pop_back();
        }
        if (o->user.empty() || o->password.empty())
            return fail(g, invalid_input("login: username and password are required "
                                         "(-u, -p or --password-stdin)"));
        auto ro = o->reg.options();
        ro.credentials = image::Credentials{o->user, o->password};
        image::RegistryClient client(server == "docker.io" ? "registry-1.docker.io" : server, ro);
        auto st = client.ping();
        if (!st.ok()) return fail(g, st.error());
        std::string file = o->reg.authfile.empty() ? image::default_auth_file() : o->reg.authfile;
        st = image::store_credentials(file, server, *ro.credentials);
        if (!st.ok()) return fail(g, st.error());
        std::printf("Login Succeeded\n");
    });
}

void setup_logout(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("server", o->server, "Registry (default docker.io)");
    cmd.add_option("--authfile", o->reg.authfile, "Credentials file");
    cmd.callback([&g, o] {
        std::string server = normalise_server(o->server);
        std::string file = o->reg.authfile.empty() ? image::default_auth_file() : o->reg.authfile;
        auto r = image::remove_credentials(file, server);
        if (!r.ok()) return fail(g, r.error());
        if (!*r)
            std::printf("Not logged in to %s\n", server.c_str());
        else
            std::printf("Removing login credentials for %s\n", server.c_str());
    });
}

}  // namespace nook::cli
