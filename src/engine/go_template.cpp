#include "engine/go_template.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace nook::engine {

using json = nlohmann::json;

namespace {

std::string unescape(const std::string& f) {
    std::string out;
    for (size_t i = 0; i < f.size(); i++) {
        if (f[i] == '\\' && i + 1 < f.size() && (f[i + 1] == 't' || f[i + 1] == 'n')) {
            out += f[i + 1] == 't' ? '\t' : '\n';
            i++;
        } else {
            out += f[i];
        }
    }
    return out;
}

// Words of an action: bare words, "quoted strings" (kept with their quotes
// so they are told apart from paths), and parenthesised groups are not
// supported.
Result<std::vector<std::string>> words(const std::string& action) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < action.size()) {
        if (std::isspace(static_cast<unsigned char>(action[i]))) {
            i++;
            continue;
        }
        if (action[i] == '"') {
            size_t end = action.find('"', i + 1);
            if (end == std::string::npos)
                return invalid_input("template: unterminated string in {{" + action + "}}");
            out.push_back(action.substr(i, end - i + 1));
            i = end + 1;
            continue;
        }
        size_t end = i;
        while (end < action.size() && !std::isspace(static_cast<unsigned char>(action[end]))) end++;
        out.push_back(action.substr(i, end - i));
        i = end;
    }
    return out;
}

json field(const json& data, const std::string& path) {
    if (path == ".") return data;
    json v = data;
    size_t pos = 1;
    while (pos <= path.size()) {
        size_t dot = path.find('.', pos);
        std::string key =
            path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (key.empty()) break;
        if (!v.is_object() || !v.contains(key)) return json();
        v = v[key];
        if (dot == std::string::npos) break;
        pos = dot + 1;
    }
    return v;
}

json index_of(const json& v, const std::string& key) {
    if (v.is_object()) return v.contains(key) ? v[key] : json("");
    if (v.is_array()) {
        size_t i = std::strtoul(key.c_str(), nullptr, 10);
        return i < v.size() ? v[i] : json();
    }
    return v;  // a table header: the column title itself
}

// An argument: a quoted string or a field path.
json arg_value(const json& data, const std::string& w) {
    if (w.size() >= 2 && w.front() == '"') return json(w.substr(1, w.size() - 2));
    if (!w.empty() && w[0] == '.') return field(data, w);
    return json(w);
}

Result<json> eval(const json& data, const std::vector<std::string>& w) {
    if (w.empty()) return invalid_input("template: empty action {{}}");
    const std::string& f = w[0];
    auto str_arg = [&](size_t i) -> std::string {
        json a = arg_value(data, w[i]);
        return a.is_string() ? a.get<std::string>() : go_print(a);
    };
    if (f[0] == '.') {
        json v = field(data, f);
        // {{.Label "k"}}: a method call with an argument on a map.
        if (w.size() == 2) return index_of(v, str_arg(1));
        if (w.size() > 2) return invalid_input("template: too many arguments in {{" + f + "}}");
        return v;
    }
    if (w.size() < 2) return invalid_input("template: function \"" + f + "\" needs an argument");
    std::vector<std::string> rest(w.begin() + 1, w.end());
    if (f == "json") {
        TRY_ASSIGN(json v, eval(data, rest));
        return json(v.dump());
    }
    if (f == "index" && w.size() == 3) return index_of(arg_value(data, w[1]), str_arg(2));
    if (f == "join" && w.size() == 3) {
        json v = arg_value(data, w[1]);
        std::string sep = str_arg(2), out;
        if (v.is_array())
            for (size_t i = 0; i < v.size(); i++) out += (i ? sep : "") + go_print(v[i]);
        return json(out);
    }
    if (f == "upper" || f == "lower" || f == "title" || f == "len" || f == "println") {
        TRY_ASSIGN(json v, eval(data, rest));
        if (f == "len") return json(v.is_string() ? v.get<std::string>().size() : v.size());
        std::string s = go_print(v);
        if (f == "println") return json(s + "\n");
        for (size_t i = 0; i < s.size(); i++) {
            unsigned char c = s[i];
            bool word_start = i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1]));
            if (f == "upper" || (f == "title" && word_start)) s[i] = std::toupper(c);
            if (f == "lower") s[i] = std::tolower(c);
        }
        return json(s);
    }
    return invalid_input("template: function \"" + f + "\" not defined");
}

}  // namespace

std::string go_print(const json& v) {
    if (v.is_null()) return "<no value>";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_float()) {
        std::ostringstream o;
        o << v.get<double>();
        return o.str();
    }
    if (v.is_number()) return v.dump();
    std::string out;
    if (v.is_array()) {
        for (const auto& e : v) out += (out.empty() ? "" : " ") + go_print(e);
        return "[" + out + "]";
    }
    for (auto it = v.begin(); it != v.end(); ++it)  // nlohmann keeps keys sorted, as Go prints
        out += (out.empty() ? "" : " ") + it.key() + ":" + go_print(it.value());
    return "map[" + out + "]";
}

Result<std::string> render_template(const std::string& format, const json& data) {
    const std::string f = unescape(format);
    std::string out;
    size_t pos = 0;
    while (pos < f.size()) {
        size_t open = f.find("{{", pos);
        if (open == std::string::npos) {
            out += f.substr(pos);
            break;
        }
        out += f.substr(pos, open - pos);
        size_t close = f.find("}}", open + 2);
        if (close == std::string::npos)
            return invalid_input("template: unclosed action in \"" + format + "\"");
        std::string action = f.substr(open + 2, close - open - 2);
        TRY_ASSIGN(auto w, words(action));
        // "a | b": feed a into b as its last argument (one level, as used).
        auto bar = std::find(w.begin(), w.end(), "|");
        if (bar != w.end()) {
            std::vector<std::string> lhs(w.begin(), bar), rhs(bar + 1, w.end());
            TRY_ASSIGN(json v, eval(data, lhs));
            json tmp = data.is_object() ? data : json::object();
            tmp["__pipe"] = v;
            rhs.push_back(".__pipe");
            TRY_ASSIGN(json r, eval(tmp, rhs));
            out += go_print(r);
        } else {
            TRY_ASSIGN(json v, eval(data, w));
            out += go_print(v);
        }
        pos = close + 2;
    }
    return out;
}

std::string align_table(const std::string& text) {
    auto width = [](const std::string& s) {
        size_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // UTF-8 code points
        return n;
    };
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        size_t p = 0;
        for (size_t t; (t = line.find('\t', p)) != std::string::npos; p = t + 1)
            cells.push_back(line.substr(p, t - p));
        cells.push_back(line.substr(p));
        rows.push_back(std::move(cells));
    }
    std::vector<size_t> w;
    for (auto& r : rows)
        for (size_t i = 0; i + 1 < r.size(); i++) {
            if (w.size() <= i) w.resize(i + 1, 0);
            w[i] = std::max(w[i], width(r[i]));
        }
    std::string out;
    for (auto& r : rows) {
        for (size_t i = 0; i < r.size(); i++) {
            out += r[i];
            if (i + 1 < r.size()) out += std::string(w[i] - width(r[i]) + 3, ' ');
        }
        out += "\n";
    }
    return out;
}

}  // namespace nook::engine
