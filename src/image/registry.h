// An OCI distribution / Docker registry v2 client over libcurl: plain HTTP
// for localhost, 127.0.0.0/8 and --tls-verify=false registries, HTTPS with the
// system CAs otherwise. A 401 is answered once per request: Bearer challenges
// fetch a token from the realm (with basic credentials when known), Basic
// challenges send the credentials.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "image/auth.h"

namespace nook::image {

struct RegistryOptions {
    bool tls_verify = true;
    std::string auth_file;                   // empty: default_auth_file()
    std::optional<Credentials> credentials;  // overrides the auth file
};

struct HttpResponse {
    long status = 0;
    std::map<std::string, std::string> headers;  // lowercased names
    std::string body;                            // unless streamed to a sink
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
};

// Body to upload: a string, or a range of an fd.
struct UploadBody {
    const std::string* data = nullptr;
    int fd = -1;
    int64_t offset = 0;
    int64_t length = 0;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;  // absolute, or a path beginning with "/" on the registry
    std::map<std::string, std::string> headers;
    std::optional<UploadBody> body;
    // Streams a 2xx response body here instead of buffering it.
    std::function<Status(const char*, size_t)> sink;
    // Called with the status before the first byte goes to sink; an error aborts.
    std::function<Status(long)> on_start;
    std::string scope;  // token scope, e.g. "repository:library/busybox:pull"
};

bool is_insecure_host(const std::string& host);

class RegistryClient {
  public:
    RegistryClient(std::string host, RegistryOptions opts);
    ~RegistryClient();
    RegistryClient(const RegistryClient&) = delete;
    RegistryClient& operator=(const RegistryClient&) = delete;

    const std::string& host() const { return host_; }
    std::string base_url() const;
    // Perform with authentication. Network failures are errors; HTTP error
    // statuses are returned for the caller to interpret.
    Result<HttpResponse> send(const HttpRequest& req);
    // An error for an unexpected status, quoting the registry's error JSON.
    static Error status_error(const std::string& what, const HttpResponse& r);
    // Check the credentials work (GET /v2/ through the auth flow).
    Status ping();

  private:
    Result<HttpResponse> perform(const HttpRequest& req, const std::string& auth_header);
    Result<std::string> fetch_token(const Challenge& c, const std::string& scope);
    std::optional<Credentials> creds();

    std::string host_;
    RegistryOptions opts_;
    std::unique_ptr<std::mutex> mu_;
    std::map<std::string, std::string> tokens_;  // scope -> "Bearer x" / "Basic y"
};

}  // namespace nook::image
