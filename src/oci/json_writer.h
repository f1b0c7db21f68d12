// Building JSON objects that omit what the spec marks optional (internal to
// src/oci). Keys keep insertion order so output follows the spec's field
// order, as runc's does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nook::oci::detail {

using OJson = nlohmann::ordered_json;

inline void put_str(OJson& o, const char* key, const std::string& s) {
    if (!s.empty()) o[key] = s;
}
inline void put_flag(OJson& o, const char* key, bool b) {
    if (b) o[key] = true;
}
inline void put_strs(OJson& o, const char* key, const std::vector<std::string>& v) {
    if (!v.empty()) o[key] = v;
}
inline void put_map(OJson& o, const char* key, const std::map<std::string, std::string>& m) {
    if (!m.empty()) o[key] = m;
}
// An optional scalar: written when set, even when zero.
template <typename T>
void put_opt(OJson& o, const char* key, const std::optional<T>& v) {
    if (v) o[key] = *v;
}

// Serialise without throwing on bad UTF-8 in caller-built strings.
inline std::string dump(const OJson& j, bool pretty) {
    return pretty ? j.dump(1, '\t', false, OJson::error_handler_t::replace)
                  : j.dump(-1, ' ', false, OJson::error_handler_t::replace);
}

}  // namespace nook::oci::detail
