// Reading and writing cgroup control files ("knobs"). Every error names the
// file and, for writes, the value, so "kernel rejected it" is diagnosable:
//   "write "99" to /sys/fs/cgroup/cpuset/nook/x/cpuset.cpus: Invalid argument"
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"

namespace nook::runtime::cgroups {

Status write_knob(const std::string& dir, const std::string& file, const std::string& value);
Result<std::string> read_knob(const std::string& dir, const std::string& file);  // trimmed
bool knob_exists(const std::string& dir, const std::string& file);
// A number; "max" (v2) and -1/huge v1 "unlimited" values map to UINT64_MAX.
Result<uint64_t> read_u64(const std::string& dir, const std::string& file);
// Like read_u64 but 0 when the file is absent (optional statistics).
uint64_t read_u64_or0(const std::string& dir, const std::string& file);
// "key value" lines (memory.stat, cpu.stat, memory.events, oom_control).
Result<std::map<std::string, uint64_t>> read_keyed(const std::string& dir, const std::string& file);
uint64_t parse_u64_or_max(const std::string& s);
std::string join(const std::string& dir, const std::string& name);

// Knob values as the kernel expects them (decimal text).
inline std::string s(int64_t v) {
    return std::to_string(v);
}
inline std::string u(uint64_t v) {
    return std::to_string(v);
}

}  // namespace nook::runtime::cgroups
