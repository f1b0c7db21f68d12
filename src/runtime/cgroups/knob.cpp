#include "runtime/cgroups/knob.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "sys/file.h"

namespace nook::runtime::cgroups {

std::string join(const std::string& dir, const std::string& name) {
    if (!dir.empty() && dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

Status write_knob(const std::string& dir, const std::string& file, const std::string& value) {
    std::string path = join(dir, file);
    auto st = sys::write_file(path, value);
    if (!st.ok()) return Error(st.error().code(), "write \"" + value + "\" to " + path);
    return {};
}

Result<std::string> read_knob(const std::string& dir, const std::string& file) {
    TRY_ASSIGN(std::string s, sys::read_file(join(dir, file)));
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

bool knob_exists(const std::string& dir, const std::string& file) {
    return ::access(join(dir, file).c_str(), F_OK) == 0;
}

uint64_t parse_u64_or_max(const std::string& s) {
    if (s == "max" || s.empty() || s[0] == '-') return UINT64_MAX;
    return std::strtoull(s.c_str(), nullptr, 10);
}

Result<uint64_t> read_u64(const std::string& dir, const std::string& file) {
    TRY_ASSIGN(std::string s, read_knob(dir, file));
    if (s != "max" && (s.empty() || (s[0] != '-' && (s[0] < '0' || s[0] > '9'))))
        return Error(0, "unexpected content \"" + s + "\" in " + join(dir, file));
    return parse_u64_or_max(s);
}

uint64_t read_u64_or0(const std::string& dir, const std::string& file) {
    auto r = read_u64(dir, file);
    return r.ok() ? *r : 0;
}

Result<std::map<std::string, uint64_t>> read_keyed(const std::string& dir,
                                                   const std::string& file) {
    TRY_ASSIGN(std::string s, read_knob(dir, file));
    std::map<std::string, uint64_t> out;
    std::istringstream in(s);
    std::string key, val;
    while (in >> key >> val) out[key] = parse_u64_or_max(val);
    return out;
}

}  // namespace nook::runtime::cgroups
