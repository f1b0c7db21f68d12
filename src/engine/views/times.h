// Timestamps as docker prints them: RFC 3339 with nanoseconds in UTC, the
// zero time "0001-01-01T00:00:00Z" for "never", and human durations.
#pragma once

#include "base/time_format.h"

#include <cstdint>
#include <string>

#include "base/result.h"

namespace nook::engine {

inline constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

using nook::now_rfc3339_nano;  // base/time_format.h
// Seconds since the epoch (fractional), or -1 for the zero time / bad input.
double parse_rfc3339(const std::string& ts);
// docker's HumanDuration: "Less than a second", "3 seconds", "About a minute", ...
std::string human_duration(double seconds);
// Seconds elapsed since ts (0 when ts is unset).
double seconds_since(const std::string& ts);
// Seconds since the epoch, now.
double now_seconds();
// A Go duration: "10m", "1h30m", "1.5s", "250ms" (units ns us ms s m h).
Result<double> parse_go_duration(const std::string& s);
// docker's --since/--until/until= value: RFC 3339 (with or without
// fraction and zone; a date alone), unix seconds[.nanos], or a duration
// before now ("10m"). Error names the value.
Result<double> parse_time_arg(const std::string& s, double now);

}  // namespace nook::engine
