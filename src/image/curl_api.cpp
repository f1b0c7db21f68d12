#include "image/curl_api.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace nook::image {

namespace {

constexpr const char* kLibrary = "libcurl.so.4";

// The symbol, or a note of the first one missing.
template <typename F>
void resolve(void* lib, const char* name, F& out, std::string& missing) {
    out = reinterpret_cast<F>(::dlsym(lib, name));
    if (!out && missing.empty()) missing = name;
}

}  // namespace

Result<const CurlApi*> curl_api() {
    static CurlApi api;
    static std::string error;
    static std::once_flag once;
    std::call_once(once, [] {
        void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            const char* why = ::dlerror();
            error = std::string("load ") + kLibrary + " (package libcurl4): " + (why ? why : "");
            return;
        }
        std::string missing;
        CURLcode (*global_init)(long) = nullptr;
        resolve(lib, "curl_global_init", global_init, missing);
        resolve(lib, "curl_easy_init", api.easy_init, missing);
        resolve(lib, "curl_easy_setopt", api.easy_setopt, missing);
        resolve(lib, "curl_easy_perform", api.easy_perform, missing);
        resolve(lib, "curl_easy_getinfo", api.easy_getinfo, missing);
        resolve(lib, "curl_easy_cleanup", api.easy_cleanup, missing);
        resolve(lib, "curl_easy_strerror", api.easy_strerror, missing);
        resolve(lib, "curl_easy_escape", api.easy_escape, missing);
        resolve(lib, "curl_free", api.free, missing);
        resolve(lib, "curl_slist_append", api.slist_append, missing);
        resolve(lib, "curl_slist_free_all", api.slist_free_all, missing);
        if (!missing.empty()) {
            error = std::string(kLibrary) + " has no " + missing;
            return;
        }
        if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) error = "curl_global_init failed";
    });
    if (!error.empty()) return Error(ELIBACC, error).without_errno_text();
    return &api;
}

}  // namespace nook::image
