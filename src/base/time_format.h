// Timestamps as runc, containerd and docker print them: RFC 3339 in UTC with
// nanoseconds, e.g. 2026-11-26T16:55:05.336779824Z.
#pragma once

#include <time.h>

#include <cstdio>
#include <string>

namespace nook {

inline std::string rfc3339_nano(const timespec& ts) {
    tm t;
    gmtime_r(&ts.tv_sec, &t);
    char b[64];
    std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", t.tm_year + 1900,
                  t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec);
    return b;
}

inline std::string now_rfc3339_nano() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return rfc3339_nano(ts);
}

}  // namespace nook
