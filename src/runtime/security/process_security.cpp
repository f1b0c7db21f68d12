#include "runtime/security/process_security.h"

#include <cstdlib>

#include "runtime/security/capabilities.h"
#include "runtime/security/limits.h"
#include "runtime/security/seccomp.h"
#include "sys/file.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace nook::runtime::security {

namespace {

bool has_cap(uint64_t mask, int cap) {
    return (mask >> cap) & 1;
}

// The spec's seccomp notify: the agent at listenerPath gets the filter's fd
// and the container's state. Sent by us, the process the filter is on, at
// once: syscalls that hit a notify rule wait for that agent from now on.
Status load_notify_seccomp(const SeccompProgram& p, const SeccompListener& l) {
    if (l.sock < 0)
        return invalid_input("linux.seccomp.listenerPath: no connection to the listener");
    TRY_ASSIGN(UniqueFd fd, std::move(sys::seccomp_set_filter_listener(p.filter.data(),
                                                                       p.filter.size(), p.flags))
                                .context("load seccomp filter"));
    return std::move(sys::send_fd(l.sock, fd.get(), l.process_state))
        .context("linux.seccomp.listenerPath: send the seccomp notify fd");
}

Status load_seccomp(const SeccompProgram& p, bool no_new_privs, const SeccompListener& l) {
    if (p.notify) return load_notify_seccomp(p, l);
    auto s = sys::seccomp_set_filter(p.filter.data(), p.filter.size(), p.flags);
    if (!s.ok() && s.error().code() == EACCES && !no_new_privs)
        return std::move(s).context(
            "load seccomp filter (without no_new_privs this needs CAP_SYS_ADMIN)");
    return std::move(s).context("load seccomp filter");
}

Status apply_rlimits(const std::vector<RlimitSetting>& rlimits) {
    for (const auto& r : rlimits) {
        auto s = sys::set_rlimit(r.resource, r.soft, r.hard);
        if (s.ok()) continue;
        std::string what =
            "set " + r.name + " soft=" + std::to_string(r.soft) + " hard=" + std::to_string(r.hard);
        if (s.error().code() == EPERM) what += " (raising a hard limit needs CAP_SYS_RESOURCE)";
        return std::move(s).context(what);
    }
    return {};
}

Status drop_bounding(uint64_t keep, int last_cap) {
    for (int cap = 0; cap <= last_cap; ++cap) {
        if (has_cap(keep, cap)) continue;
        TRY(std::move(sys::cap_bound_drop(cap)).context("drop bounding set"));
    }
    return {};
}

Status switch_identity(const Identity& u) {
    if (u.set_groups) {
        TRY(sys::set_groups(u.additional_gids.data(), u.additional_gids.size()));
    }
    TRY(sys::set_res_gid(u.gid));
    TRY(sys::set_res_uid(u.uid));
    return {};
}

Status apply_caps(const CapSets& c, int last_cap) {
    sys::CapState st{c.effective, c.permitted, c.inheritable};
    auto s = sys::cap_set(st);
    if (!s.ok()) {
        return std::move(s).context(
            "set capabilities (effective and inheritable must be within "
            "permitted, and permitted within the bounding set)");
    }
    TRY(sys::cap_ambient_clear_all());
    for (int cap = 0; cap <= last_cap; ++cap) {
        if (!has_cap(c.ambient, cap)) continue;
        // The kernel only allows ambient caps that are also permitted and
        // inheritable; runc skips the others with a warning, and configs
        // written for runc rely on that.
        if (!has_cap(c.permitted, cap) || !has_cap(c.inheritable, cap)) continue;
        auto r = sys::cap_ambient_raise(cap);
        if (!r.ok()) {
            return std::move(r).context("raise ambient capability " + std::to_string(cap) +
                                        " (it must be in permitted and inheritable)");
        }
    }
    return {};
}

// Capabilities outside our own bounding set can never be granted: capset
// refuses them with EPERM, but only in the init after `start`. Found here,
// `create` fails instead, naming the capability. (A bounding list may name
// them: keeping what is not there is harmless.)
Status check_grantable(const CapSets& c, int last_cap) {
    const std::pair<const char*, uint64_t> sets[] = {
        {"process.capabilities.effective", c.effective},
        {"process.capabilities.permitted", c.permitted},
        {"process.capabilities.inheritable", c.inheritable},
        {"process.capabilities.ambient", c.ambient},
    };
    for (int cap = 0; cap <= last_cap; ++cap) {
        const uint64_t bit = uint64_t{1} << cap;
        if (!((c.effective | c.permitted | c.inheritable | c.ambient) & bit)) continue;
        TRY_ASSIGN(bool have, sys::cap_bound_has(cap));
        if (have) continue;
        for (const auto& [field, mask] : sets)
            if (mask & bit)
                return Error(EPERM, std::string(field) + ": " + capability_name(cap) +
                                        " is not in the runtime's bounding set, so the "
                                        "container cannot be given it")
                    .without_errno_text();
    }
    return {};
}

}  // namespace

Result<ProcessSecurity> prepare(const oci::Process& process,
                                const std::optional<oci::Seccomp>& seccomp,
                                const std::optional<oci::Personality>& personality) {
    ProcessSecurity sec;
    TRY_ASSIGN(sec.last_cap, sys::cap_last_cap());
    if (process.capabilities) {
        TRY_ASSIGN(sec.caps, parse_capabilities(*process.capabilities, sec.last_cap));
        TRY(check_grantable(*sec.caps, sec.last_cap));
    }
    TRY_ASSIGN(sec.rlimits, parse_rlimits(process.rlimits));
    sec.user.uid = process.user.uid;
    sec.user.gid = process.user.gid;
    sec.user.additional_gids.assign(process.user.additional_gids.begin(),
                                    process.user.additional_gids.end());
    if (process.user.umask) {
        if (*process.user.umask > 0777) {
            return invalid_input("process.user.umask: " + std::to_string(*process.user.umask) +
                                 " is not a permission mask");
        }
        sec.user.umask = static_cast<mode_t>(*process.user.umask);
    }
    sec.no_new_privs = process.no_new_privileges;
    if (seccomp) {
        TRY_ASSIGN(sec.seccomp, compile_seccomp(*seccomp));
    }
    if (process.io_priority) {
        TRY_ASSIGN(sec.io_priority, parse_io_priority(*process.io_priority));
    }
    if (process.scheduler) {
        TRY_ASSIGN(sec.scheduler, parse_scheduler(*process.scheduler));
    }
    if (personality) {
        TRY_ASSIGN(sec.personality, parse_personality(*personality));
    }
    return sec;
}

Status apply(const ProcessSecurity& sec, const SeccompListener& listener) {
    TRY(apply_rlimits(sec.rlimits));
    if (sec.personality)
        TRY(std::move(sys::set_personality(*sec.personality)).context("set personality"));
    if (sec.io_priority)
        TRY(std::move(sys::ioprio_set_self(*sec.io_priority)).context("set io priority"));
    if (sec.scheduler) {
        const auto& s = *sec.scheduler;
        sys::SchedAttr a;
        a.sched_policy = s.policy;
        a.sched_flags = s.flags;
        a.sched_nice = s.nice;
        a.sched_priority = s.priority;
        a.sched_runtime = s.runtime;
        a.sched_deadline = s.deadline;
        a.sched_period = s.period;
        TRY(std::move(sys::sched_setattr_self(a)).context("set scheduler"));
    }
    // Without no_new_privs the filter must go in while we still hold
    // CAP_SYS_ADMIN, i.e. before the capabilities are dropped.
    if (sec.seccomp && !sec.no_new_privs) TRY(load_seccomp(*sec.seccomp, false, listener));
    if (sec.caps) {
        TRY(drop_bounding(sec.caps->bounding, sec.last_cap));
        // Keep the permitted set across the switch to a non-root uid.
        TRY(std::move(sys::set_keep_caps(true)).context("switch user"));
    }
    TRY(std::move(switch_identity(sec.user)).context("switch user"));
    if (sec.caps) {
        TRY(std::move(sys::set_keep_caps(false)).context("switch user"));
        TRY(apply_caps(*sec.caps, sec.last_cap));
    }
    if (sec.user.umask) sys::set_umask(*sec.user.umask);
    if (sec.no_new_privs) {
        TRY(sys::set_no_new_privs());
        // Last, so the filter does not have to allow the setup calls above.
        if (sec.seccomp) TRY(load_seccomp(*sec.seccomp, true, listener));
    }
    return {};
}

Status set_oom_score_adj(pid_t pid, int value) {
    std::string path = "/proc/" + std::to_string(pid) + "/oom_score_adj";
    auto s = sys::write_file(path, std::to_string(value));
    if (s.ok() || s.error().code() != EACCES) return std::move(s).context("set oom_score_adj");
    std::string current = "its current value";
    if (auto cur = sys::read_file(path); cur.ok()) {
        current = *cur;
        while (!current.empty() && current.back() == '\n') current.pop_back();
    }
    return std::move(s).context("set oom_score_adj to " + std::to_string(value) +
                                ": lowering it below " + current + " needs CAP_SYS_RESOURCE");
}

}  // namespace nook::runtime::security
