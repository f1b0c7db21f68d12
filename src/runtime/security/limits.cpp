#include "runtime/security/limits.h"

#include <sched.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include <string>

#include "runtime/security/name_table.h"

namespace nook::runtime::security {

namespace {

constexpr Named<int> kRlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

// ioprio classes (linux/ioprio.h); the value is class << 13 | level.
constexpr Named<int> kIoClasses[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};
constexpr int kIoprioClassShift = 13;

// SCHED_DEADLINE is missing from older glibc headers.
constexpr Named<uint32_t> kPolicies[] = {
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_IDLE", SCHED_IDLE}, {"SCHED_DEADLINE", 6},
};
constexpr uint32_t kSchedDeadline = 6;

// sched_setattr flags (linux/sched.h SCHED_FLAG_*).
constexpr Named<uint64_t> kSchedFlags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

constexpr Named<unsigned long> kDomains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

}  // namespace

Result<std::vector<RlimitSetting>> parse_rlimits(const std::vector<oci::Rlimit>& rlimits) {
    std::vector<RlimitSetting> out;
    for (const auto& r : rlimits) {
        RlimitSetting s;
        if (!lookup(kRlimits, r.type, &s.resource))
            return invalid_input("process.rlimits: unknown rlimit type " + quoted(r.type));
        for (const auto& prev : out) {
            if (prev.resource == s.resource)
                return invalid_input("process.rlimits: duplicate rlimit type " + quoted(r.type));
        }
        if (r.soft > r.hard) {
            return invalid_input("process.rlimits: " + r.type + ": soft limit " +
                                 std::to_string(r.soft) + " is above hard limit " +
                                 std::to_string(r.hard));
        }
        s.soft = r.soft;
        s.hard = r.hard;
        s.name = r.type;
        out.push_back(std::move(s));
    }
    return out;
}

Result<int> parse_io_priority(const oci::IoPriority& io) {
    int cls = 0;
    if (!lookup(kIoClasses, io.io_class, &cls))
        return invalid_input("process.ioPriority.class: unknown class " + quoted(io.io_class));
    if (io.priority < 0 || io.priority > 7) {
        return invalid_input("process.ioPriority.priority: " + std::to_string(io.priority) +
                             " is out of range (0-7)");
    }
    return (cls << kIoprioClassShift) | io.priority;
}

Result<SchedulerSetting> parse_scheduler(const oci::Scheduler& sched) {
    SchedulerSetting s;
    if (!lookup(kPolicies, sched.policy, &s.policy))
        return invalid_input("process.scheduler.policy: unknown policy " + quoted(sched.policy));
    for (const auto& f : sched.flags) {
        uint64_t bit = 0;
        if (!lookup(kSchedFlags, f, &bit))
            return invalid_input("process.scheduler.flags: unknown flag " + quoted(f));
        s.flags |= bit;
    }
    s.nice = sched.nice.value_or(0);
    if (s.nice < -20 || s.nice > 19)
        return invalid_input("process.scheduler.nice: " + std::to_string(s.nice) +
                             " is out of range (-20-19)");
    int32_t prio = sched.priority.value_or(0);
    bool realtime = s.policy == SCHED_FIFO || s.policy == SCHED_RR;
    if (realtime ? (prio < 1 || prio > 99) : prio != 0) {
        return invalid_input("process.scheduler.priority: " + std::to_string(prio) +
                             " is not valid for " + sched.policy +
                             (realtime ? " (1-99)" : " (must be 0)"));
    }
    s.priority = static_cast<uint32_t>(prio);
    bool has_dl = sched.runtime || sched.deadline || sched.period;
    if (has_dl && s.policy != kSchedDeadline) {
        return invalid_input(
            "process.scheduler: runtime/deadline/period are only valid with SCHED_DEADLINE, not " +
            sched.policy);
    }
    s.runtime = sched.runtime.value_or(0);
    s.deadline = sched.deadline.value_or(0);
    s.period = sched.period.value_or(0);
    return s;
}

Result<unsigned long> parse_personality(const oci::Personality& p) {
    unsigned long persona = 0;
    if (!lookup(kDomains, p.domain, &persona))
        return invalid_input("linux.personality.domain: unknown domain " + quoted(p.domain));
    // The spec defines no flag values yet.
    if (!p.flags.empty())
        return invalid_input("linux.personality.flags: unsupported flag " +
                             quoted(p.flags.front()));
    return persona;
}

}  // namespace nook::runtime::security
