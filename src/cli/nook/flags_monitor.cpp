// run/create flags: monitor group (see create_flags.h): --restart,
// --log-driver, --log-opt, --stop-signal, --stop-timeout, --runtime.
#include "cli/nook/create_flags.h"
#include "engine/logs/log_config.h"
#include "engine/monitor/restart_policy.h"
#include "engine/runtimes/oci_runtime.h"
#include "runtime/container_ops.h"

namespace nook::cli {

namespace {

class MonitorFlags : public FlagGroup {
  public:
    explicit MonitorFlags(CLI::App& cmd) {
        cmd.add_option("--restart", restart_,
                       "Restart policy: no, on-failure[:max-retries], always, unless-stopped");
        cmd.add_option("--log-driver", log_driver_, "Logging driver: json-file or none");
        cmd.add_option("--log-opt", log_opts_, "Log driver options (max-size=10m, max-file=3)")
            ->allow_extra_args(false);
        cmd.add_option("--stop-signal", stop_signal_, "Signal to stop the container");
        cmd.add_option("--stop-timeout", stop_timeout_, "Timeout (in seconds) to stop a container");
        cmd.add_option("--runtime", runtime_,
                       "OCI runtime: nook (built-in), or a runtime binary's name or path (runc, "
                       "crun, ...)");
    }

    Status apply(engine::RunRequest& req) override {
        if (!restart_.empty()) {
            TRY_ASSIGN(auto p, engine::parse_restart_flag(restart_));
            if (p.name != "no" && req.auto_remove)
                return invalid_input("conflicting options: --restart " + restart_ + " and --rm");
            req.host_config["RestartPolicy"] = engine::restart_policy_json(p);
        }
        if (!log_driver_.empty() || !log_opts_.empty()) {
            TRY_ASSIGN(req.host_config["LogConfig"],
                       engine::log_config_from_flags(
                           log_driver_.empty() ? "json-file" : log_driver_, log_opts_));
        }
        if (!stop_signal_.empty()) {
            if (!runtime::parse_signal(stop_signal_).ok())
                return invalid_input("--stop-signal \"" + stop_signal_ + "\": invalid signal");
            req.config_extra["StopSignal"] = stop_signal_;
        }
        if (stop_timeout_) req.config_extra["StopTimeout"] = *stop_timeout_;
        if (!runtime_.empty()) {
            TRY(engine::check_runtime_name(runtime_));
            req.host_config["Runtime"] = runtime_;
        }
        return {};
    }

  private:
    std::string restart_, log_driver_, stop_signal_, runtime_;
    std::vector<std::string> log_opts_;
    std::optional<int> stop_timeout_;
};

}  // namespace

std::unique_ptr<FlagGroup> add_monitor_flags(CLI::App& cmd) {
    return std::make_unique<MonitorFlags>(cmd);
}

}  // namespace nook::cli
