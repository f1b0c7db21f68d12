// libcurl, loaded on first use. Only the registry client (pull, push,
// login) needs it, and loading it at start -- with the ~20 libraries it
// depends on (TLS, Kerberos, LDAP, HTTP/2, IDN) -- cost every other nook
// command ~5 ms, a tenth of a whole `nook run`. The types and constants
// still come from <curl/curl.h>.
#pragma once

#include <curl/curl.h>

#include "base/result.h"

namespace nook::image {

struct CurlApi {
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    void (*easy_cleanup)(CURL*);
    const char* (*easy_strerror)(CURLcode);
    char* (*easy_escape)(CURL*, const char*, int);
    void (*free)(void*);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
};

// Loaded and globally initialised once (thread-safe). Fails naming the
// library when it is missing (Debian: libcurl4).
Result<const CurlApi*> curl_api();

}  // namespace nook::image
