// HostConfig.LogConfig {Type, Config}: --log-driver json-file|none and the
// json-file driver's --log-opt max-size=SIZE, max-file=N.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::engine {

struct LogSettings {
    std::string driver = "json-file";  // json-file | none
    long long max_size = -1;           // bytes; -1: unlimited
    int max_file = 1;
};

// Validate the flags; returns the LogConfig JSON to store.
Result<nlohmann::json> log_config_from_flags(const std::string& driver,
                                             const std::vector<std::string>& opts);
// Read back a stored HostConfig (no LogConfig: json-file, unlimited).
LogSettings log_settings_of(const nlohmann::json& host_config);
// docker's sizes: a number with an optional k, m or g suffix (powers of 1024).
Result<long long> parse_log_size(const std::string& s);

}  // namespace nook::engine
