#include "image/registry.h"

#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "image/curl_api.h"

namespace nook::image {

namespace {

constexpr size_t kMaxBufferedBody = 32 << 20;  // manifests, tokens, error documents

struct CurlCtx {
    const CurlApi* api;
    const HttpRequest* req;
    CURL* curl;
    HttpResponse resp;
    Error sink_error;
    bool sink_failed = false;
    bool too_big = false;
    bool started = false;
    int64_t upload_pos = 0;
};

size_t on_header(char* p, size_t size, size_t n, void* ud) {
    auto* c = static_cast<CurlCtx*>(ud);
    std::string line(p, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        c->resp.headers.clear();  // a new response in a redirect chain
        return size * n;
    }
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string k = line.substr(0, colon), v = line.substr(colon + 1);
        for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
            v.pop_back();
        c->resp.headers[k] = v;
    }
    return size * n;
}

size_t on_body(char* p, size_t size, size_t n, void* ud) {
    auto* c = static_cast<CurlCtx*>(ud);
    size_t len = size * n;
    long code = 0;
    c->api->easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
    if (c->req->sink && code >= 200 && code < 300) {
        Status st;
        if (!c->started && c->req->on_start) st = c->req->on_start(code);
        c->started = true;
        if (st.ok()) st = c->req->sink(p, len);
        if (!st.ok()) {
            c->sink_error = std::move(st).error();
            c->sink_failed = true;
            return 0;
        }
        return len;
    }
    if (c->resp.body.size() + len > kMaxBufferedBody) {
        c->too_big = true;
        return 0;
    }
    c->resp.body.append(p, len);
    return len;
}

size_t on_read(char* buf, size_t size, size_t n, void* ud) {
    auto* c = static_cast<CurlCtx*>(ud);
    const UploadBody& b = *c->req->body;
    size_t want = size * n;
    int64_t left = (b.data ? static_cast<int64_t>(b.data->size()) : b.length) - c->upload_pos;
    if (left <= 0) return 0;
    want = std::min<size_t>(want, static_cast<size_t>(left));
    if (b.data) {
        memcpy(buf, b.data->data() + c->upload_pos, want);
    } else {
        ssize_t r;
        do {
            r = ::pread(b.fd, buf, want, b.offset + c->upload_pos);
        } while (r < 0 && errno == EINTR);
        if (r <= 0) return CURL_READFUNC_ABORT;
        want = static_cast<size_t>(r);
    }
    c->upload_pos += static_cast<int64_t>(want);
    return want;
}

std::string escape(const CurlApi& api, CURL* c, const std::string& s) {
    char* e = api.easy_escape(c, s.c_str(), static_cast<int>(s.size()));
    std::string out = e ? e : "";
    api.free(e);
    return out;
}

}  // namespace

bool is_insecure_host(const std::string& host) {
    std::string h = host.substr(0, host.rfind(':') == std::string::npos || host.back() == ']'
                                       ? host.size()
                                       : host.rfind(':'));
    return h == "localhost" || h.rfind("127.", 0) == 0 || h == "[::1]" || h == "::1";
}

RegistryClient::RegistryClient(std::string host, RegistryOptions opts)
    : host_(std::move(host)), opts_(std::move(opts)), mu_(std::make_unique<std::mutex>()) {}
RegistryClient::~RegistryClient() = default;

std::string RegistryClient::base_url() const {
    return (opts_.tls_verify && !is_insecure_host(host_) ? "https://" : "http://") + host_;
}

std::optional<Credentials> RegistryClient::creds() {
    if (opts_.credentials) return opts_.credentials;
    return find_credentials(opts_.auth_file.empty() ? default_auth_file() : opts_.auth_file, host_);
}

Result<HttpResponse> RegistryClient::perform(const HttpRequest& req,
                                             const std::string& auth_header) {
    TRY_ASSIGN(const CurlApi* api, curl_api());
    std::unique_ptr<CURL, void (*)(CURL*)> c(api->easy_init(), api->easy_cleanup);
    if (!c) return Error(ENOMEM, "curl_easy_init");
    CurlCtx ctx{api, &req, c.get(), {}, {}, false, false, false, 0};
    std::string url = req.url.rfind("/", 0) == 0 ? base_url() + req.url : req.url;
    CURL* h = c.get();
    api->easy_setopt(h, CURLOPT_URL, url.c_str());
    api->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(h, CURLOPT_USERAGENT, "nook/0.1");
    api->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    api->easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api->easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
    api->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    api->easy_setopt(h, CURLOPT_HEADERDATA, &ctx);
    api->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    api->easy_setopt(h, CURLOPT_WRITEDATA, &ctx);
    if (!opts_.tls_verify) {
        api->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        api->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    struct curl_slist* hdrs = nullptr;
    for (auto& [k, v] : req.headers) hdrs = api->slist_append(hdrs, (k + ": " + v).c_str());
    if (!auth_header.empty())
        hdrs = api->slist_append(hdrs, ("Authorization: " + auth_header).c_str());
    // libcurl adds "Expect: 100-continue" to uploads; registries do not need it.
    hdrs = api->slist_append(hdrs, "Expect:");
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> hguard(hdrs, api->slist_free_all);
    api->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

    int64_t body_len = 0;
    if (req.body)
        body_len = req.body->data ? static_cast<int64_t>(req.body->data->size()) : req.body->length;
    if (req.method == "GET" || req.method == "HEAD") {
        // Blob GETs redirect to storage; curl drops our Authorization on other hosts.
        api->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        api->easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
        if (req.method == "HEAD") api->easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (req.method == "POST" && !req.body) {
        api->easy_setopt(h, CURLOPT_POST, 1L);
        api->easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    } else {
        api->easy_setopt(h, CURLOPT_UPLOAD, 1L);
        api->easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_len));
        api->easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        api->easy_setopt(h, CURLOPT_READDATA, &ctx);
        if (!req.body) {
            static const std::string empty;
            static const UploadBody none{&empty};
            const_cast<HttpRequest&>(req).body = none;
        }
        if (req.method != "PUT") api->easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    CURLcode rc = api->easy_perform(h);
    if (ctx.sink_failed) return ctx.sink_error;
    if (ctx.too_big) return invalid_input(req.method + " " + url + ": response too large");
    if (rc != CURLE_OK)
        return Error(EIO, req.method + " " + url + ": " + api->easy_strerror(rc))
            .without_errno_text();
    api->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ctx.resp.status);
    return std::move(ctx.resp);
}

Result<std::string> RegistryClient::fetch_token(const Challenge& ch, const std::string& scope) {
    auto realm = ch.params.find("realm");
    if (realm == ch.params.end()) return invalid_input("Bearer challenge without realm");
    TRY_ASSIGN(const CurlApi* api, curl_api());
    std::unique_ptr<CURL, void (*)(CURL*)> c(api->easy_init(), api->easy_cleanup);
    if (!c) return Error(ENOMEM, "curl_easy_init");
    std::string url = realm->second;
    std::string sep = url.find('?') == std::string::npos ? "?" : "&";
    if (auto s = ch.params.find("service"); s != ch.params.end()) {
        url += sep + "service=" + escape(*api, c.get(), s->second);
        sep = "&";
    }
    std::string sc = scope.empty() && ch.params.count("scope") ? ch.params.at("scope") : scope;
    // Several scopes (e.g. push + mount source) go as repeated scope= parameters.
    size_t pos = 0;
    while (pos < sc.size()) {
        auto sp = sc.find(' ', pos);
        std::string one = sc.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
        if (!one.empty()) url += sep + "scope=" + escape(*api, c.get(), one), sep = "&";
        pos = sp == std::string::npos ? sc.size() : sp + 1;
    }
    HttpRequest tr;
    tr.url = url;
    std::string auth;
    if (auto cr = creds()) auth = "Basic " + base64_encode(cr->username + ":" + cr->password);
    TRY_ASSIGN(auto r, perform(tr, auth));
    if (r.status != 200) return status_error("token from " + realm->second, r);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return invalid_input("token response is not JSON");
    std::string tok = j.value("token", "");
    if (tok.empty()) tok = j.value("access_token", "");
    if (tok.empty()) return invalid_input("token response from " + realm->second + " has no token");
    return tok;
}

Result<HttpResponse> RegistryClient::send(const HttpRequest& req) {
    std::string auth;
    {
        std::lock_guard lk(*mu_);
        if (auto it = tokens_.find(req.scope); it != tokens_.end()) auth = it->second;
    }
    TRY_ASSIGN(auto r, perform(req, auth));
    if (r.status != 401) return r;
    std::string hdr = r.header("www-authenticate");
    if (hdr.empty()) return r;
    TRY_ASSIGN(auto ch, parse_challenge(hdr));
    if (ch.scheme == "bearer") {
        TRY_ASSIGN(auto tok, fetch_token(ch, req.scope).context("authenticate to " + host_));
        auth = "Bearer " + tok;
    } else if (ch.scheme == "basic") {
        auto cr = creds();
        if (!cr) return r;  // caller reports the 401
        auth = "Basic " + base64_encode(cr->username + ":" + cr->password);
    } else {
        return invalid_input("unsupported authentication scheme " + ch.scheme + " at " + host_);
    }
    {
        std::lock_guard lk(*mu_);
        tokens_[req.scope] = auth;
    }
    return perform(req, auth);
}

Error RegistryClient::status_error(const std::string& what, const HttpResponse& r) {
    std::string detail;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("errors") && j["errors"].is_array())
        for (auto& e : j["errors"])
            if (e.is_object())
                detail += (detail.empty() ? "" : "; ") + e.value("code", std::string()) + ": " +
                          e.value("message", std::string());
    if (detail.empty() && !j.is_discarded() && j.is_object() && j.contains("details"))
        detail = j["details"].dump();
    int code = r.status == 404 ? ENOENT : (r.status == 401 || r.status == 403) ? EACCES : EIO;
    return Error(code, what + ": HTTP " + std::to_string(r.status) +
                           (detail.empty() ? "" : " (" + detail + ")"))
        .without_errno_text();
}

Status RegistryClient::ping() {
    HttpRequest req;
    req.url = "/v2/";
    TRY_ASSIGN(auto r, send(req));
    if (r.status != 200) return status_error("login to " + host_, r);
    return {};
}

}  // namespace nook::image
