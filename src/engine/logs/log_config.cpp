// HostConfig.LogConfig: --log-driver and --log-opt parsing and checks (log_config.h).
#include "engine/logs/log_config.h"

#include <cctype>
#include <charconv>

namespace nook::engine {

using json = nlohmann::json;

Result<long long> parse_log_size(const std::string& s) {
    long long n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end == s.data() || n < 0)
        return invalid_input("invalid size \"" + s + "\"");
    std::string unit(end, s.data() + s.size());
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    if (unit.empty()) return n;
    if (unit == "k") return n << 10;
    if (unit == "m") return n << 20;
    if (unit == "g") return n << 30;
    return invalid_input("invalid size \"" + s + "\"");
}

Result<json> log_config_from_flags(const std::string& driver,
                                   const std::vector<std::string>& opts) {
    if (driver != "json-file" && driver != "none")
        return invalid_input("--log-driver \"" + driver + "\": want json-file or none");
    json cfg = json::object();
    bool has_size = false;
    int files = 1;
    for (const auto& o : opts) {
        auto eq = o.find('=');
        if (eq == std::string::npos)
            return invalid_input("--log-opt \"" + o + "\": want KEY=VALUE");
        std::string k = o.substr(0, eq), v = o.substr(eq + 1);
        if (driver == "none")
            return invalid_input("--log-opt \"" + o + "\": the none log driver takes no options");
        if (k == "max-size") {
            auto n = parse_log_size(v);
            if (!n.ok() || *n == 0)
                return invalid_input("--log-opt max-size: invalid size \"" + v + "\"");
            has_size = true;
        } else if (k == "max-file") {
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), files);
            if (ec != std::errc() || end != v.data() + v.size() || files < 1)
                return invalid_input("--log-opt max-file: \"" + v +
                                     "\" is not a number of at least 1");
        } else {
            return invalid_input("--log-opt \"" + k +
                                 "\": unknown option for the json-file log driver");
        }
        cfg[k] = v;
    }
    if (files > 1 && !has_size)
        return invalid_input("--log-opt max-file=" + std::to_string(files) +
                             ": only valid together with max-size");
    return json{{"Type", driver}, {"Config", cfg}};
}

LogSettings log_settings_of(const json& host_config) {
    LogSettings s;
    if (!host_config.is_object()) return s;
    auto it = host_config.find("LogConfig");
    if (it == host_config.end() || !it->is_object()) return s;
    if (it->value("Type", "") == "none") s.driver = "none";
    auto cfg = it->value("Config", json::object());
    if (!cfg.is_object()) return s;
    if (cfg.contains("max-size") && cfg["max-size"].is_string()) {
        if (auto n = parse_log_size(cfg["max-size"].get<std::string>()); n.ok()) s.max_size = *n;
    }
    if (cfg.contains("max-file") && cfg["max-file"].is_string()) {
        try {
            s.max_file = std::max(1, std::stoi(cfg["max-file"].get<std::string>()));
        } catch (...) {
        }
    }
    return s;
}

}  // namespace nook::engine
