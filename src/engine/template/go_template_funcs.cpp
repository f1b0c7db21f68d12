// The template functions (see go_template_funcs.h). Values are JSON, as
// docker's templates see decoded JSON; where Go would fail on a missing
// value (nil) the text functions treat it as "" instead, which is what a
// docker user gets from its typed structs for an unset field.
#include "engine/template/go_template_funcs.h"

#include <cctype>
#include <cstdio>
#include <functional>
#include <map>

#include "engine/template/go_template.h"
#include "engine/template/go_template_parse.h"

namespace nook::engine::tmpl {

namespace {

using json = nlohmann::json;
using Args = std::vector<json>;

Error ferr(const std::string& what) {
    return invalid_input(what);
}

Status want_args(const std::string& f, const Args& a, size_t n) {
    if (a.size() == n) return {};
    return ferr("wrong number of args for " + f + ": want " + std::to_string(n) + " got " +
                std::to_string(a.size()));
}

// A string argument; nil is "" and other scalars print as Go's %v.
Result<std::string> str_arg(const std::string& f, const json& v) {
    if (v.is_null()) return std::string();
    if (v.is_string()) return v.get<std::string>();
    if (v.is_structured())
        return ferr("error calling " + f + ": wrong type for value; expected string; got " +
                    go_type(v));
    return go_print(v);
}

Result<long long> int_arg(const std::string& f, const json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_number_float() && v.get<double>() == static_cast<long long>(v.get<double>()))
        return static_cast<long long>(v.get<double>());
    return ferr("error calling " + f + ": wrong type for value; expected int; got " + go_type(v));
}

// fmt.Sprint's %v of one operand: nil is "<nil>" here, not "<no value>".
std::string sprint_one(const json& v) {
    return v.is_null() ? "<nil>" : go_print(v);
}

// Comparison of basic values as Go's eq/lt do; maps and arrays cannot be
// compared, and a string never equals a number.
Result<int> compare(const std::string& f, const json& a, const json& b, bool ordered) {
    if (a.is_structured() || b.is_structured())
        return ferr("error calling " + f + ": invalid type for comparison");
    if (a.is_number() && b.is_number()) {
        if (a.is_number_integer() && b.is_number_integer()) {
            long long x = a.get<long long>(), y = b.get<long long>();
            return x < y ? -1 : x > y;
        }
        double x = a.get<double>(), y = b.get<double>();
        return x < y ? -1 : x > y;
    }
    if (a.is_string() && b.is_string()) {
        int c = a.get<std::string>().compare(b.get<std::string>());
        return c < 0 ? -1 : c > 0;
    }
    if (!ordered && a.is_boolean() && b.is_boolean()) return a == b ? 0 : 1;
    if (!ordered && (a.is_null() || b.is_null())) return a.is_null() && b.is_null() ? 0 : 1;
    return ferr("error calling " + f + ": incompatible types for comparison");
}

Result<json> f_index(const Args& a) {
    if (a.empty()) return ferr("wrong number of args for index: want at least 1 got 0");
    json v = a[0];
    for (size_t i = 1; i < a.size(); i++) {
        const json& k = a[i];
        if (v.is_object()) {
            if (!k.is_string())
                return ferr("error calling index: value has type " + go_type(k) +
                            "; should be string");
            auto it = v.find(k.get<std::string>());
            // A missing label reads as "", as from docker's map[string]string.
            v = it == v.end() ? json("") : json(*it);
        } else if (v.is_array()) {
            long long n = -1;
            if (k.is_number_integer())
                n = k.get<long long>();
            else if (k.is_string() && !k.get<std::string>().empty() &&
                     k.get<std::string>().find_first_not_of("0123456789") == std::string::npos)
                n = std::stoll(k.get<std::string>());
            else
                return ferr("error calling index: cannot index slice/array with type " +
                            go_type(k));
            if (n < 0 || n >= static_cast<long long>(v.size()))
                return ferr("error calling index: index out of range: " + std::to_string(n));
            v = json(v[static_cast<size_t>(n)]);
        } else {
            // nil stays nil; a table header's title stays itself.
            return v;
        }
    }
    return v;
}

Result<json> f_len(const Args& a) {
    TRY(want_args("len", a, 1));
    const json& v = a[0];
    if (v.is_string()) return json(v.get<std::string>().size());
    if (v.is_structured() || v.is_null()) return json(v.size());
    return ferr("error calling len: len of type " + go_type(v));
}

// Go's strings.Title: upper-case each letter that follows a separator
// (anything but an ASCII letter, digit or underscore; non-ASCII letters are
// left as they are).
std::string title(std::string s) {
    bool sep = true;
    for (auto& ch : s) {
        unsigned char c = ch;
        if (sep && std::islower(c)) ch = static_cast<char>(std::toupper(c));
        sep = c < 0x80 && !std::isalnum(c) && c != '_';
    }
    return s;
}

Result<json> f_split(const Args& a) {
    TRY(want_args("split", a, 2));
    TRY_ASSIGN(auto s, str_arg("split", a[0]));
    TRY_ASSIGN(auto sep, str_arg("split", a[1]));
    json out = json::array();
    if (sep.empty()) {  // one element per UTF-8 character, as Go's
        for (size_t i = 0; i < s.size();) {
            size_t n = 1;
            while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) n++;
            out.push_back(s.substr(i, n));
            i += n;
        }
        return out;
    }
    size_t p = 0;
    for (size_t q; (q = s.find(sep, p)) != std::string::npos; p = q + sep.size())
        out.push_back(s.substr(p, q - p));
    out.push_back(s.substr(p));
    return out;
}

Result<json> f_join(const Args& a) {
    TRY(want_args("join", a, 2));
    if (!a[0].is_array() && !a[0].is_null())
        return ferr("error calling join: wrong type for value; expected []string; got " +
                    go_type(a[0]));
    TRY_ASSIGN(auto sep, str_arg("join", a[1]));
    if (a[0].is_null()) return json("");
    std::string out;
    for (size_t i = 0; i < a[0].size(); i++) out += (i ? sep : "") + go_print(a[0][i]);
    return json(out);
}

// fmt.Sprintf for the verbs templates use: %v %s %d %q %t %f %g %e %x %X %%,
// with flags, width and precision.
std::string sprintf_go(const std::string& fmt, const Args& a, size_t first) {
    std::string out;
    size_t arg = first;
    for (size_t i = 0; i < fmt.size(); i++) {
        if (fmt[i] != '%') {
            out += fmt[i];
            continue;
        }
        size_t s = i++;
        while (i < fmt.size() && std::string("-+# 0").find(fmt[i]) != std::string::npos) i++;
        while (i < fmt.size() &&
               (std::isdigit(static_cast<unsigned char>(fmt[i])) || fmt[i] == '.'))
            i++;
        if (i >= fmt.size()) {
            out += "%!(NOVERB)";
            break;
        }
        char verb = fmt[i];
        std::string spec = fmt.substr(s, i - s);  // "%-5" etc., without the verb
        if (verb == '%') {
            out += '%';
            continue;
        }
        if (arg >= a.size()) {
            out += std::string("%!") + verb + "(MISSING)";
            continue;
        }
        const json& v = a[arg++];
        char b[512];
        if ((verb == 'd' || verb == 'x' || verb == 'X') && v.is_number()) {
            long long n = v.is_number_integer() ? v.get<long long>()
                                                : static_cast<long long>(v.get<double>());
            std::snprintf(b, sizeof b, (spec + "ll" + verb).c_str(), n);
        } else if ((verb == 'f' || verb == 'g' || verb == 'e') && v.is_number()) {
            std::snprintf(b, sizeof b, (spec + verb).c_str(), v.get<double>());
        } else if (verb == 'q' && v.is_string()) {
            std::snprintf(b, sizeof b, (spec + "s").c_str(), json(v).dump().c_str());
        } else if (verb == 'v' || verb == 's' || (verb == 't' && v.is_boolean())) {
            std::snprintf(b, sizeof b, (spec + "s").c_str(), sprint_one(v).c_str());
        } else {
            std::snprintf(b, sizeof b, "%%!%c(%s=%s)", verb, go_type(v).c_str(),
                          sprint_one(v).c_str());
        }
        out += b;
    }
    for (; arg < a.size(); arg++)
        out += "%!(EXTRA " + go_type(a[arg]) + "=" + sprint_one(a[arg]) + ")";
    return out;
}

using Fn = std::function<Result<json>(const Args&)>;

const std::map<std::string, Fn>& table() {
    static const std::map<std::string, Fn> t = {
        {"and",
         [](const Args& a) -> Result<json> {
             if (a.empty()) return ferr("wrong number of args for and: want at least 1 got 0");
             for (auto& v : a)
                 if (!truthy(v)) return v;
             return a.back();
         }},
        {"or",
         [](const Args& a) -> Result<json> {
             if (a.empty()) return ferr("wrong number of args for or: want at least 1 got 0");
             for (auto& v : a)
                 if (truthy(v)) return v;
             return a.back();
         }},
        {"not",
         [](const Args& a) -> Result<json> {
             TRY(want_args("not", a, 1));
             return json(!truthy(a[0]));
         }},
        {"len", f_len},
        {"index", f_index},
        {"eq",
         [](const Args& a) -> Result<json> {
             if (a.size() < 2) return ferr("error calling eq: missing argument for comparison");
             for (size_t i = 1; i < a.size(); i++) {
                 TRY_ASSIGN(int c, compare("eq", a[0], a[i], false));
                 if (c == 0) return json(true);
             }
             return json(false);
         }},
        {"ne",
         [](const Args& a) -> Result<json> {
             TRY(want_args("ne", a, 2));
             TRY_ASSIGN(int c, compare("ne", a[0], a[1], false));
             return json(c != 0);
         }},
        {"lt",
         [](const Args& a) -> Result<json> {
             TRY(want_args("lt", a, 2));
             TRY_ASSIGN(int c, compare("lt", a[0], a[1], true));
             return json(c < 0);
         }},
        {"le",
         [](const Args& a) -> Result<json> {
             TRY(want_args("le", a, 2));
             TRY_ASSIGN(int c, compare("le", a[0], a[1], true));
             return json(c <= 0);
         }},
        {"gt",
         [](const Args& a) -> Result<json> {
             TRY(want_args("gt", a, 2));
             TRY_ASSIGN(int c, compare("gt", a[0], a[1], true));
             return json(c > 0);
         }},
        {"ge",
         [](const Args& a) -> Result<json> {
             TRY(want_args("ge", a, 2));
             TRY_ASSIGN(int c, compare("ge", a[0], a[1], true));
             return json(c >= 0);
         }},
        {"print",
         [](const Args& a) -> Result<json> {
             // Sprint: a space between operands when neither is a string.
             std::string out;
             for (size_t i = 0; i < a.size(); i++) {
                 if (i && !a[i].is_string() && !a[i - 1].is_string()) out += ' ';
                 out += sprint_one(a[i]);
             }
             return json(out);
         }},
        {"println",
         [](const Args& a) -> Result<json> {
             std::string out;
             for (size_t i = 0; i < a.size(); i++) out += (i ? " " : "") + sprint_one(a[i]);
             return json(out + "\n");
         }},
        {"printf",
         [](const Args& a) -> Result<json> {
             if (a.empty()) return ferr("wrong number of args for printf: want at least 1 got 0");
             TRY_ASSIGN(auto f, str_arg("printf", a[0]));
             return json(sprintf_go(f, a, 1));
         }},
        {"json",
         [](const Args& a) -> Result<json> {
             TRY(want_args("json", a, 1));
             return json(a[0].dump());
         }},
        {"split", f_split},
        {"join", f_join},
        {"lower",
         [](const Args& a) -> Result<json> {
             TRY(want_args("lower", a, 1));
             TRY_ASSIGN(auto s, str_arg("lower", a[0]));
             for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
             return json(s);
         }},
        {"upper",
         [](const Args& a) -> Result<json> {
             TRY(want_args("upper", a, 1));
             TRY_ASSIGN(auto s, str_arg("upper", a[0]));
             for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
             return json(s);
         }},
        {"title",
         [](const Args& a) -> Result<json> {
             TRY(want_args("title", a, 1));
             TRY_ASSIGN(auto s, str_arg("title", a[0]));
             return json(title(s));
         }},
        {"pad",
         [](const Args& a) -> Result<json> {
             // docker's pad: spaces around a non-empty string.
             TRY(want_args("pad", a, 3));
             TRY_ASSIGN(auto s, str_arg("pad", a[0]));
             TRY_ASSIGN(long long pre, int_arg("pad", a[1]));
             TRY_ASSIGN(long long post, int_arg("pad", a[2]));
             if (s.empty()) return json(s);
             if (pre < 0 || post < 0) return ferr("error calling pad: negative count");
             return json(std::string(pre, ' ') + s + std::string(post, ' '));
         }},
        {"truncate",
         [](const Args& a) -> Result<json> {
             TRY(want_args("truncate", a, 2));
             TRY_ASSIGN(auto s, str_arg("truncate", a[0]));
             TRY_ASSIGN(long long n, int_arg("truncate", a[1]));
             if (n < 0) return ferr("error calling truncate: negative length");
             return json(static_cast<long long>(s.size()) < n ? s : s.substr(0, n));
         }},
    };
    return t;
}

}  // namespace

bool is_template_func(const std::string& name) {
    return table().count(name) != 0;
}

bool truthy(const json& v) {
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>() != 0;
    if (v.is_string()) return !v.get<std::string>().empty();
    return !v.empty();
}

std::string go_type(const json& v) {
    if (v.is_null()) return "<nil>";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "bool";
    if (v.is_number_integer()) return "int";
    if (v.is_number()) return "float64";
    if (v.is_array()) return "[]interface {}";
    return "map[string]interface {}";
}

Result<json> call_func(const std::string& name, const Args& args, bool header) {
    static const char* kHeaderIdentity[] = {"json",  "split", "join",    "title",
                                            "lower", "upper", "truncate"};
    if (header && !args.empty() && args[0].is_string())
        for (const char* f : kHeaderIdentity)
            if (name == f) return args[0];
    auto it = table().find(name);
    if (it == table().end()) return ferr("function \"" + name + "\" not defined");
    return it->second(args);
}

}  // namespace nook::engine::tmpl
