// Spec names for rlimits, io priority, scheduler and personality to the
// numbers the kernel takes. Errors name the field and the bad value.
#pragma once

#include <optional>
#include <vector>

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/security/process_security.h"

namespace nook::runtime::security {

// Duplicate types and soft > hard are errors (the spec requires the former).
Result<std::vector<RlimitSetting>> parse_rlimits(const std::vector<oci::Rlimit>& rlimits);
Result<int> parse_io_priority(const oci::IoPriority& io);
Result<SchedulerSetting> parse_scheduler(const oci::Scheduler& sched);
Result<unsigned long> parse_personality(const oci::Personality& p);

}  // namespace nook::runtime::security
