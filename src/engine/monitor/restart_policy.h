// docker's restart policies (HostConfig.RestartPolicy {Name,
// MaximumRetryCount}) and the monitor's backoff between restarts: 100 ms,
// doubling per restart up to 1 min, back to 100 ms after a run of 10 s.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"

namespace nook::engine {

struct RestartPolicy {
    std::string name = "no";  // no | always | unless-stopped | on-failure
    int max_retries = 0;      // on-failure only; 0: unlimited
};

// "--restart" values: no, always, unless-stopped, on-failure[:N].
Result<RestartPolicy> parse_restart_flag(const std::string& value);
nlohmann::json restart_policy_json(const RestartPolicy& p);
// From a stored HostConfig; anything missing or unknown means "no".
RestartPolicy restart_policy_of(const nlohmann::json& host_config);

// Whether the monitor starts the container again after it exited with
// exit_code, having restarted it restart_count times already.
bool should_restart(const RestartPolicy& p, int exit_code, int restart_count, bool user_stopped);

class RestartBackoff {
  public:
    // The delay before the next restart, given how long the last run lasted.
    int next_delay_ms(long ran_ms);

  private:
    int delay_ms_ = 0;
};

}  // namespace nook::engine
