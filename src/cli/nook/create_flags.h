// The flags of `run` and `create`. The common ones are declared in
// create_flags.cpp; the rest come in groups, one file each, that turn their
// parsed values into docker-shaped Config/HostConfig fields of the request:
//   flags_storage.cpp  -v, --mount, --tmpfs, --read-only, --device, --init
//   flags_limits.cpp   --memory, --cpus, ..., --cap-add, --security-opt,
//                      --network, --add-host, --dns, --label, --env-file, --pull, ...
//   flags_monitor.cpp  --restart, --log-opt, --stop-signal, --stop-timeout, --runtime
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <vector>

#include "cli/nook/container_common.h"

namespace nook::cli {

// One group of flags: declared on the command at setup, applied to the
// request after parsing. apply fails with a one-line error naming the flag
// and the bad value (exit 125, nothing created).
class FlagGroup {
  public:
    virtual ~FlagGroup() = default;
    virtual Status apply(engine::RunRequest& req) = 0;
};

std::unique_ptr<FlagGroup> add_storage_flags(CLI::App& cmd);
std::unique_ptr<FlagGroup> add_limits_flags(CLI::App& cmd);
std::unique_ptr<FlagGroup> add_monitor_flags(CLI::App& cmd);

struct RunFlags {
    engine::RunRequest req;
    std::string entrypoint;
    bool entrypoint_set = false;
    bool detach = false;
    std::vector<std::unique_ptr<FlagGroup>> groups;
};

// Declare every run/create flag on cmd (IMAGE and COMMAND positionals too).
void add_create_flags(CLI::App& cmd, RunFlags& f);
// Apply the parsed flags and record the container (nothing started).
Result<engine::ContainerRow> create_from(engine::Engine& eng, RunFlags& f);

}  // namespace nook::cli
