#include "engine/times.h"

#include <time.h>

#include <cstdio>
#include <cstdlib>

namespace nook::engine {

double parse_rfc3339(const std::string& ts) {
    if (ts.empty() || ts.rfind("0001-", 0) == 0) return -1;
    tm t = {};
    const char* rest = strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &t);
    if (!rest) return -1;
    double frac = 0;
    if (*rest == '.') frac = std::strtod(rest, nullptr);  // ".123Z" parses as 0.123
    return static_cast<double>(timegm(&t)) + frac;
}

double seconds_since(const std::string& ts) {
    double t = parse_rfc3339(ts);
    if (t < 0) return 0;
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    double d = static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9 - t;
    return d < 0 ? 0 : d;
}

std::string human_duration(double seconds) {
    auto n = [](double v, const char* unit) {
        long x = static_cast<long>(v);
        return std::to_string(x) + " " + unit;
    };
    if (seconds < 1) return "Less than a second";
    if (seconds < 2) return "1 second";
    if (seconds < 60) return n(seconds, "seconds");
    double m = seconds / 60;
    if (m < 2) return "About a minute";
    if (m < 60) return n(m, "minutes");
    double h = m / 60;
    if (h < 2) return "About an hour";
    if (h < 48) return n(h, "hours");
    if (h < 24 * 14) return n(h / 24, "days");
    if (h < 24 * 60) return n(h / 24 / 7, "weeks");
    if (h < 24 * 365 * 2) return n(h / 24 / 30, "months");
    return n(h / 24 / 365, "years");
}

}  // namespace nook::engine
