#include "image/auth.h"

#include <openssl/evp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sys/file.h"

namespace nook::image {

using nlohmann::json;

namespace {

std::string auth_key(const std::string& host) {
    if (host == "docker.io" || host == "registry-1.docker.io" || host == "index.docker.io")
        return "https://index.docker.io/v1/";
    return host;
}

std::string home_dir() {
    if (const char* h = getenv("HOME"); h && *h) return h;
    if (auto* pw = getpwuid(getuid())) return pw->pw_dir;
    return "/root";
}

Result<json> read_config(const std::string& path) {
    if (!sys::path_exists(path)) return json::object();
    TRY_ASSIGN(auto text, sys::read_file(path));
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return invalid_input(path + ": not a JSON object");
    return j;
}

std::optional<Credentials> lookup(const std::string& path, const std::string& host) {
    auto j = read_config(path);
    if (!j.ok() || !j->contains("auths") || !(*j)["auths"].is_object()) return std::nullopt;
    auto& auths = (*j)["auths"];
    for (const auto& key : {auth_key(host), host, "https://" + host, "http://" + host}) {
        if (!auths.contains(key) || !auths[key].is_object()) continue;
        std::string enc = auths[key].value("auth", "");
        auto dec = base64_decode(enc);
        if (!dec.ok()) continue;
        auto colon = dec->find(':');
        if (colon == std::string::npos) continue;
        return Credentials{dec->substr(0, colon), dec->substr(colon + 1)};
    }
    return std::nullopt;
}

}  // namespace

std::string default_auth_file() {
    if (const char* d = getenv("DOCKER_CONFIG"); d && *d) return std::string(d) + "/config.json";
    return home_dir() + "/.docker/config.json";
}

std::optional<Credentials> find_credentials(const std::string& auth_file, const std::string& host) {
    if (auto c = lookup(auth_file, host)) return c;
    if (const char* x = getenv("XDG_RUNTIME_DIR"); x && *x)
        return lookup(std::string(x) + "/containers/auth.json", host);
    return std::nullopt;
}

Status store_credentials(const std::string& auth_file, const std::string& host,
                         const Credentials& c) {
    TRY_ASSIGN(auto j, read_config(auth_file));
    if (!j.contains("auths") || !j["auths"].is_object()) j["auths"] = json::object();
    j["auths"][auth_key(host)] = {{"auth", base64_encode(c.username + ":" + c.password)}};
    auto slash = auth_file.rfind('/');
    if (slash != std::string::npos) TRY(sys::mkdir_p(auth_file.substr(0, slash), 0700));
    return sys::write_file_atomic(auth_file, j.dump(1), 0600, true);
}

Result<bool> remove_credentials(const std::string& auth_file, const std::string& host) {
    TRY_ASSIGN(auto j, read_config(auth_file));
    if (!j.contains("auths") || !j["auths"].is_object()) return false;
    bool removed = j["auths"].erase(auth_key(host)) > 0;
    removed = j["auths"].erase(host) > 0 || removed;
    if (removed) TRY(sys::write_file_atomic(auth_file, j.dump(1), 0600, true));
    return removed;
}

Result<Challenge> parse_challenge(const std::string& h) {
    Challenge c;
    size_t i = 0;
    while (i < h.size() && h[i] == ' ') i++;
    size_t s = i;
    while (i < h.size() && h[i] != ' ') i++;
    c.scheme = h.substr(s, i - s);
    for (auto& ch : c.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c.scheme.empty()) return invalid_input("empty WWW-Authenticate header");
    while (i < h.size()) {
        while (i < h.size() && (h[i] == ' ' || h[i] == ',')) i++;
        size_t ks = i;
        while (i < h.size() && h[i] != '=') i++;
        if (i >= h.size()) break;
        std::string key = h.substr(ks, i - ks);
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        i++;
        std::string val;
        if (i < h.size() && h[i] == '"') {
            i++;
            while (i < h.size() && h[i] != '"') {
                if (h[i] == '\\' && i + 1 < h.size()) i++;
                val += h[i++];
            }
            i++;
        } else {
            while (i < h.size() && h[i] != ',') val += h[i++];
        }
        c.params[key] = val;
    }
    return c;
}

std::string base64_encode(const std::string& s) {
    std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(s.data()),
                            static_cast<int>(s.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

Result<std::string> base64_decode(const std::string& s) {
    if (s.size() % 4 != 0) return invalid_input("invalid base64");
    std::string out(s.size() / 4 * 3 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(s.data()),
                            static_cast<int>(s.size()));
    if (n < 0) return invalid_input("invalid base64");
    size_t pad = 0;
    if (!s.empty() && s.back() == '=') pad++;
    if (s.size() > 1 && s[s.size() - 2] == '=') pad++;
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

}  // namespace nook::image
