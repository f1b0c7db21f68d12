// Restart policies and the monitor's restart backoff (restart_policy.h).
#include "engine/monitor/restart_policy.h"

#include <charconv>

namespace nook::engine {

namespace {
constexpr int kFirstDelayMs = 100;
constexpr int kMaxDelayMs = 60 * 1000;
constexpr long kResetAfterMs = 10 * 1000;
}  // namespace

Result<RestartPolicy> parse_restart_flag(const std::string& value) {
    auto bad = [&](const std::string& why) {
        return invalid_input("invalid --restart value \"" + value + "\": " + why);
    };
    RestartPolicy p;
    auto colon = value.find(':');
    p.name = value.substr(0, colon);
    if (p.name != "no" && p.name != "always" && p.name != "unless-stopped" &&
        p.name != "on-failure")
        return bad("want no, always, unless-stopped or on-failure[:max-retries]");
    if (colon == std::string::npos) return p;
    if (p.name != "on-failure")
        return bad("maximum retry count can only be used with 'on-failure'");
    std::string n = value.substr(colon + 1);
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), p.max_retries);
    if (n.empty() || ec != std::errc() || end != n.data() + n.size() || p.max_retries < 0)
        return bad("maximum retry count must be a non-negative integer");
    return p;
}

nlohmann::json restart_policy_json(const RestartPolicy& p) {
    return {{"Name", p.name}, {"MaximumRetryCount", p.max_retries}};
}

RestartPolicy restart_policy_of(const nlohmann::json& host_config) {
    RestartPolicy p;
    if (!host_config.is_object()) return p;
    auto it = host_config.find("RestartPolicy");
    if (it == host_config.end() || !it->is_object()) return p;
    std::string name = it->value("Name", "no");
    if (name == "always" || name == "unless-stopped" || name == "on-failure") p.name = name;
    auto n = it->find("MaximumRetryCount");
    if (n != it->end() && n->is_number_integer()) p.max_retries = n->get<int>();
    return p;
}

bool should_restart(const RestartPolicy& p, int exit_code, int restart_count, bool user_stopped) {
    if (user_stopped || p.name == "no") return false;
    if (p.name == "always" || p.name == "unless-stopped") return true;
    // on-failure
    if (exit_code == 0) return false;
    return p.max_retries == 0 || restart_count < p.max_retries;
}

int RestartBackoff::next_delay_ms(long ran_ms) {
    if (delay_ms_ == 0 || ran_ms >= kResetAfterMs)
        delay_ms_ = kFirstDelayMs;
    else
        delay_ms_ = std::min(delay_ms_ * 2, kMaxDelayMs);
    return delay_ms_;
}

}  // namespace nook::engine
