// The limits group of run/create flags (create_flags.h) is made of parts,
// one file each, applied in this order by flags_limits.cpp:
//   flags_network.cpp   --network, --add-host, --dns*, --ipc, --pid, --uts
//   flags_limits.cpp    --memory*, --cpu*, --pids-limit, --ulimit, --shm-size,
//                       --oom-score-adj, --sysctl, --group-add
//   flags_security.cpp  --cap-add/--cap-drop, --privileged, --security-opt, --userns
//   flags_meta.cpp      --label, --label-file, --env-file, --pull
// Network comes first: --sysctl net.* depends on the network mode.
#pragma once

#include <string>

#include "cli/nook/create_flags.h"

namespace nook::cli {

std::unique_ptr<FlagGroup> add_network_part(CLI::App& cmd);
std::unique_ptr<FlagGroup> add_security_part(CLI::App& cmd);
std::unique_ptr<FlagGroup> add_meta_part(CLI::App& cmd);

// docker's wording for a bad flag value:
//   invalid argument "12zz" for "-m, --memory" flag: invalid size: '12zz'
inline Error bad_flag(const std::string& flag, const std::string& value, const Error& why) {
    return invalid_input("invalid argument \"" + value + "\" for \"" + flag +
                         "\" flag: " + why.message());
}

// "-100", "5": a whole number, for the integer flags of run/create/update
// (CLI11's own parse errors would not exit 125).
Result<int64_t> parse_int(const std::string& flag, const std::string& v);

}  // namespace nook::cli
