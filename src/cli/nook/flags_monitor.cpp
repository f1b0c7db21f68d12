// run/create flags: monitor group (see create_flags.h).
#include "cli/nook/create_flags.h"

namespace nook::cli {

namespace {

class MonitorFlags : public FlagGroup {
  public:
    explicit MonitorFlags(CLI::App&) {}
    Status apply(engine::RunRequest&) override { return {}; }
};

}  // namespace

std::unique_ptr<FlagGroup> add_monitor_flags(CLI::App& cmd) {
    return std::make_unique<MonitorFlags>(cmd);
}

}  // namespace nook::cli
