// docker's timestamps and human durations (times.h).
#include "engine/views/times.h"

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

double now_seconds() {
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9;
}

Result<double> parse_go_duration(const std::string& s) {
    auto bad = [&] { return invalid_input("invalid duration \"" + s + "\""); };
    if (s.empty()) return bad();
    double total = 0;
    const char* p = s.c_str();
    while (*p) {
        char* end = nullptr;
        double v = std::strtod(p, &end);
        if (end == p || v < 0) return bad();
        p = end;
        std::string unit;
        while (*p && (*p < '0' || *p > '9') && *p != '.') unit += *p++;
        if (unit == "h")
            v *= 3600;
        else if (unit == "m")
            v *= 60;
        else if (unit == "s") {
        } else if (unit == "ms")
            v /= 1e3;
        else if (unit == "us" || unit == "µs")
            v /= 1e6;
        else if (unit == "ns")
            v /= 1e9;
        else
            return bad();
        total += v;
    }
    return total;
}

Result<double> parse_time_arg(const std::string& s, double now) {
    if (s.empty()) return invalid_input("invalid time value \"\"");
    // Unix seconds, optionally with a fraction.
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == 0 && s.find_first_not_of("0123456789.") == std::string::npos)
        return v;
    if (auto d = parse_go_duration(s); d.ok()) return now - *d;
    tm t = {};
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &t);
    if (!rest) {
        t = {};
        rest = strptime(s.c_str(), "%Y-%m-%d", &t);
        if (!rest || *rest)
            return invalid_input("invalid time value \"" + s +
                                 "\" (want RFC 3339, unix seconds or a duration like 10m)");
    }
    double frac = 0;
    if (*rest == '.') frac = std::strtod(rest, const_cast<char**>(&rest));
    double out = static_cast<double>(timegm(&t)) + frac;
    if (*rest == 'Z' || *rest == 0) return out;
    int hh = 0, mm = 0;
    if ((*rest == '+' || *rest == '-') && std::sscanf(rest + 1, "%d:%d", &hh, &mm) == 2)
        return out - (*rest == '+' ? 1 : -1) * (hh * 3600.0 + mm * 60.0);
    return invalid_input("invalid time value \"" + s + "\"");
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
