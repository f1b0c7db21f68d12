// Container ids (64 hex chars from the kernel's random pool) and docker-style
// random names ("adjective_surname") for containers created without --name.
#pragma once

#include <string>

#include "base/result.h"

namespace nook::engine {

Result<std::string> new_container_id();
Result<std::string> random_name();
// docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading "/" allowed).
Status validate_name(const std::string& name);

}  // namespace nook::engine
