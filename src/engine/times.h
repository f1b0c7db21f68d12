// Timestamps as docker prints them: RFC 3339 with nanoseconds in UTC, the
// zero time "0001-01-01T00:00:00Z" for "never", and human durations.
#pragma once

#include "base/time_format.h"

#include <cstdint>
#include <string>

namespace nook::engine {

inline constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

using nook::now_rfc3339_nano;  // base/time_format.h
// Seconds since the epoch (fractional), or -1 for the zero time / bad input.
double parse_rfc3339(const std::string& ts);
// docker's HumanDuration: "Less than a second", "3 seconds", "About a minute", ...
std::string human_duration(double seconds);
// Seconds elapsed since ts (0 when ts is unset).
double seconds_since(const std::string& ts);

}  // namespace nook::engine
