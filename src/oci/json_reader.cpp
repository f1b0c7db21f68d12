#include "oci/json_reader.h"

#include <algorithm>

namespace nook::oci::detail {

void JsonReader::fail(const std::string& path, const std::string& msg) {
    if (error_) return;
    std::string text = file_ + ": ";
    if (!path.empty()) text += path + ": ";
    error_ = invalid_input(text + msg);
}

bool JsonReader::expect_object(const Json& v, const std::string& path) {
    if (v.is_object()) return true;
    fail(path, "expected object, got " + kind_of(v));
    return false;
}

bool JsonReader::expect_array(const Json& v, const std::string& path) {
    if (v.is_array()) return true;
    fail(path, "expected array, got " + kind_of(v));
    return false;
}

std::string kind_of(const Json& v) {
    return v.type_name();
}

void read(JsonReader& r, const Json& v, const std::string& path, std::string& out) {
    if (!v.is_string()) {
        r.fail(path, "expected string, got " + kind_of(v));
        return;
    }
    out = v.get<std::string>();
}

void read(JsonReader& r, const Json& v, const std::string& path, bool& out) {
    if (!v.is_boolean()) {
        r.fail(path, "expected boolean, got " + kind_of(v));
        return;
    }
    out = v.get<bool>();
}

namespace {

// nlohmann reports the byte offset of the failure; users want line and column.
std::pair<size_t, size_t> line_column(std::string_view text, size_t byte) {
    byte = std::min(byte, text.size());
    size_t line = 1, col = 1;
    for (size_t i = 0; i + 1 < byte; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}

// Keep only nlohmann's reason ("syntax error while parsing ...") from its
// message, which also carries an exception id and its own position text.
std::string reason_of(const std::string& what) {
    auto col = what.find("column ");
    auto sep = what.find(": ", col == std::string::npos ? 0 : col);
    std::string reason = sep == std::string::npos ? what : what.substr(sep + 2);
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    return reason;
}

}  // namespace

Result<Json> parse_document(std::string_view text, const std::string& file) {
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        auto [line, col] = line_column(text, e.byte);
        return invalid_input(file + ": invalid JSON at line " + std::to_string(line) + " column " +
                             std::to_string(col) + ": " + reason_of(e.what()));
    }
}

}  // namespace nook::oci::detail
