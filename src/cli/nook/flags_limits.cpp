// run/create flags: limits group (see create_flags.h).
#include "cli/nook/create_flags.h"

namespace nook::cli {

namespace {

class LimitsFlags : public FlagGroup {
  public:
    explicit LimitsFlags(CLI::App&) {}
    Status apply(engine::RunRequest&) override { return {}; }
};

}  // namespace

std::unique_ptr<FlagGroup> add_limits_flags(CLI::App& cmd) {
    return std::make_unique<LimitsFlags>(cmd);
}

}  // namespace nook::cli
