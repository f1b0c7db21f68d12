// Strict, path-aware reading of JSON into the OCI types (internal to src/oci).
//
// Every reader knows the JSON path of the value it reads, so a type mismatch
// becomes one line naming the file and the path:
//   config.json: process.args[1]: expected string, got number
// The first error wins; after it every reader returns at once, so parsers can
// read field after field without checking after each one. Unknown keys are
// ignored and null counts as absent, as Go's encoding/json does for runc.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace nook::oci::detail {

using Json = nlohmann::json;

class JsonReader {
  public:
    explicit JsonReader(std::string file) : file_(std::move(file)) {}

    bool failed() const { return error_.has_value(); }
    // Records the first failure only: later ones are consequences.
    void fail(const std::string& path, const std::string& msg);
    Error take_error() { return std::move(*error_); }

    // True when v has the wanted kind; otherwise records "expected <what>, got <kind>".
    bool expect_object(const Json& v, const std::string& path);
    bool expect_array(const Json& v, const std::string& path);

  private:
    std::string file_;
    std::optional<Error> error_;
};

// Parse text into a document, turning a syntax error into
// "<file>: invalid JSON at line L column C: <reason>".
Result<Json> parse_document(std::string_view text, const std::string& file);

inline std::string join_path(const std::string& path, std::string_view key) {
    if (path.empty()) return std::string(key);
    return path + "." + std::string(key);
}

// Name of a JSON value's kind, for messages.
std::string kind_of(const Json& v);

void read(JsonReader& r, const Json& v, const std::string& path, std::string& out);
void read(JsonReader& r, const Json& v, const std::string& path, bool& out);

template <typename T>
constexpr const char* int_name() {
    if constexpr (std::is_same_v<T, uint16_t>) return "uint16";
    if constexpr (std::is_same_v<T, uint32_t>) return "uint32";
    if constexpr (std::is_same_v<T, uint64_t>) return "uint64";
    if constexpr (std::is_same_v<T, int32_t>) return "int32";
    if constexpr (std::is_same_v<T, int64_t>) return "int64";
    return "integer";
}

template <typename T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) void read(JsonReader& r, const Json& v,
                                                                      const std::string& path,
                                                                      T& out) {
    using Lim = std::numeric_limits<T>;
    if (v.is_number_unsigned()) {
        auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(Lim::max())) {
            r.fail(path, std::string("value ") + v.dump() + " out of range for " + int_name<T>());
            return;
        }
        out = static_cast<T>(u);
    } else if (v.is_number_integer()) {
        auto i = v.get<int64_t>();
        if (i < static_cast<int64_t>(Lim::min())) {
            r.fail(path, std::string("value ") + v.dump() + " out of range for " + int_name<T>());
            return;
        }
        out = static_cast<T>(i);
    } else {
        r.fail(path, std::string("expected ") + int_name<T>() + ", got " + kind_of(v));
    }
}

template <typename T>
void read(JsonReader& r, const Json& v, const std::string& path, std::optional<T>& out) {
    T value{};
    read(r, v, path, value);
    if (!r.failed()) out = std::move(value);
}

template <typename T>
void read(JsonReader& r, const Json& v, const std::string& path, std::vector<T>& out) {
    if (!r.expect_array(v, path)) return;
    out.clear();
    out.reserve(v.size());
    for (size_t i = 0; i < v.size() && !r.failed(); ++i) {
        T item{};
        read(r, v[i], path + "[" + std::to_string(i) + "]", item);
        out.push_back(std::move(item));
    }
}

template <typename T>
void read(JsonReader& r, const Json& v, const std::string& path, std::map<std::string, T>& out) {
    if (!r.expect_object(v, path)) return;
    out.clear();
    for (auto it = v.begin(); it != v.end() && !r.failed(); ++it) {
        if (it->is_null()) continue;
        T item{};
        read(r, *it, join_path(path, it.key()), item);
        out.emplace(it.key(), std::move(item));
    }
}

// Read obj[key] into out when present and not null; obj must be an object.
template <typename T>
void field(JsonReader& r, const Json& obj, const std::string& path, const char* key, T& out) {
    if (r.failed()) return;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return;
    read(r, *it, join_path(path, key), out);
}

}  // namespace nook::oci::detail
