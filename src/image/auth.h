// Registry credentials in docker's config.json format
// ({"auths": {"host": {"auth": base64("user:pass")}}}) and the parsing of
// WWW-Authenticate challenges.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/result.h"

namespace nook::image {

struct Credentials {
    std::string username;
    std::string password;
};

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json (docker's file, so
// `docker login` and `nook login` share credentials).
std::string default_auth_file();
// Look up host (docker.io is stored as https://index.docker.io/v1/). Also
// consults $XDG_RUNTIME_DIR/containers/auth.json when the main file has none.
std::optional<Credentials> find_credentials(const std::string& auth_file, const std::string& host);
Status store_credentials(const std::string& auth_file, const std::string& host,
                         const Credentials& c);
// Returns false when there was nothing stored for host.
Result<bool> remove_credentials(const std::string& auth_file, const std::string& host);

struct Challenge {
    std::string scheme;                         // "bearer" or "basic", lowercased
    std::map<std::string, std::string> params;  // realm, service, scope
};
// Parse one WWW-Authenticate header value.
Result<Challenge> parse_challenge(const std::string& header);

std::string base64_encode(const std::string& s);
Result<std::string> base64_decode(const std::string& s);

}  // namespace nook::image
