// run/create flags: storage group (see create_flags.h).
#include "cli/nook/create_flags.h"

namespace nook::cli {

namespace {

class StorageFlags : public FlagGroup {
  public:
    explicit StorageFlags(CLI::App&) {}
    Status apply(engine::RunRequest&) override { return {}; }
};

}  // namespace

std::unique_ptr<FlagGroup> add_storage_flags(CLI::App& cmd) {
    return std::make_unique<StorageFlags>(cmd);
}

}  // namespace nook::cli
