#include "runtime/security/seccomp.h"

#include <seccomp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "base/log.h"
#include "runtime/security/name_table.h"
#include "sys/security.h"

// Flags for seccomp(2) that older kernel headers may lack.
#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace nook::runtime::security {

namespace {

// SCMP_ACT_ERRNO and SCMP_ACT_TRACE take their errno from errnoRet; the
// value here is the action without it.
constexpr std::array<Named<uint32_t>, 9> kActions{{
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    // Hands the syscall to the agent at linux.seccomp.listenerPath.
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
}};

constexpr std::array<Named<scmp_compare>, 7> kOperators{{
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
}};

constexpr Named<uint32_t> kArchs[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};

constexpr std::array<Named<unsigned int>, 4> kFlags{{
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
}};

constexpr int kMaxSyscallArgs = 6;

template <typename Table>
std::vector<std::string> names_of(const Table& table) {
    std::vector<std::string> out;
    for (const auto& e : table) out.emplace_back(e.name);
    return out;
}

// An OCI action name plus its optional errnoRet to libseccomp's action value.
Result<uint32_t> to_action(const std::string& name, const std::optional<uint32_t>& errno_ret,
                           const std::string& field) {
    uint32_t action = 0;
    if (name.empty()) return invalid_input(field + ": missing");
    if (!lookup(kActions, name, &action))
        return invalid_input(field + ": unknown seccomp action \"" + name + "\"");
    bool takes_errno = action == SCMP_ACT_ERRNO(0) || action == SCMP_ACT_TRACE(0);
    if (!takes_errno) return action;
    uint32_t e = errno_ret.value_or(EPERM);
    if (e > 0xffff)
        return invalid_input(field + ": errnoRet " + std::to_string(e) + " is out of range");
    return action | e;
}

struct CtxDeleter {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

Error scmp_error(int rc, const std::string& what) {
    return Error(-rc, what);
}

Status add_rule(void* ctx, const oci::SeccompSyscall& call, uint32_t action,
                const std::string& field) {
    std::vector<scmp_arg_cmp> conds;
    int per_arg[kMaxSyscallArgs] = {};
    for (size_t i = 0; i < call.args.size(); ++i) {
        const auto& a = call.args[i];
        std::string afield = field + ".args[" + std::to_string(i) + "]";
        if (a.index >= kMaxSyscallArgs)
            return invalid_input(afield + ".index: " + std::to_string(a.index) +
                                 " is out of range (0-5)");
        scmp_compare op{};
        if (!lookup(kOperators, a.op, &op))
            return invalid_input(afield + ".op: unknown seccomp operator \"" + a.op + "\"");
        conds.push_back(scmp_arg_cmp{a.index, op, a.value, a.value_two});
        per_arg[a.index]++;
    }
    bool same_arg_twice = false;
    for (int n : per_arg) same_arg_twice = same_arg_twice || n > 1;

    for (const auto& name : call.names) {
        int nr = seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) {
            log::debug(field + ": skipping unknown syscall \"" + name + "\"");
            continue;
        }
        // Like runc: several conditions on one argument are ORed as separate
        // rules (libseccomp cannot AND them); otherwise all are ANDed in one rule.
        int rc = 0;
        if (same_arg_twice) {
            for (const auto& c : conds) {
                rc = seccomp_rule_add_array(ctx, action, nr, 1, &c);
                if (rc < 0) break;
            }
        } else {
            rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conds.size()),
                                        conds.empty() ? nullptr : conds.data());
        }
        if (rc < 0) return scmp_error(rc, field + ": add rule for syscall \"" + name + "\"");
    }
    return {};
}

}  // namespace

Result<SeccompProgram> compile_seccomp(const oci::Seccomp& spec) {
    TRY_ASSIGN(uint32_t def, to_action(spec.default_action, spec.default_errno_ret,
                                       "linux.seccomp.defaultAction"));
    // Every syscall, the ones the init still makes up to execve among them,
    // would wait for the agent (runc refuses it too).
    if (def == SCMP_ACT_NOTIFY)
        return invalid_input(
            "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    if (!spec.listener_path.empty() && spec.listener_path[0] != '/')
        return invalid_input("linux.seccomp.listenerPath: \"" + spec.listener_path +
                             "\" is not an absolute path");

    SeccompProgram prog;
    for (const auto& f : spec.flags) {
        unsigned int bit = 0;
        if (!lookup(kFlags, f, &bit))
            return invalid_input("linux.seccomp.flags: unknown seccomp flag \"" + f + "\"");
        prog.flags |= bit;
    }

    Ctx ctx(seccomp_init(def));
    if (!ctx) {
        return invalid_input("linux.seccomp.defaultAction: libseccomp rejected \"" +
                             spec.default_action + "\" (not supported by this kernel?)");
    }
    // We set no_new_privs ourselves, at the point the spec asks for.
    int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0) return scmp_error(rc, "seccomp: clear the no_new_privs attribute");

    for (const auto& name : spec.architectures) {
        uint32_t arch = 0;
        if (!lookup(kArchs, name, &arch))
            return invalid_input("linux.seccomp.architectures: unknown architecture \"" + name +
                                 "\"");
        rc = seccomp_arch_add(ctx.get(), arch);
        if (rc == -EDOM) {
            // An arch of the other endianness cannot share a filter with the
            // native one, and no such process can run on this kernel anyway.
            log::debug("linux.seccomp.architectures: skipping " + name +
                       ": cannot run on this kernel");
            continue;
        }
        if (rc < 0 && rc != -EEXIST)
            return scmp_error(rc, "linux.seccomp.architectures: add \"" + name + "\"");
    }

    for (size_t i = 0; i < spec.syscalls.size(); ++i) {
        const auto& call = spec.syscalls[i];
        std::string field = "linux.seccomp.syscalls[" + std::to_string(i) + "]";
        TRY_ASSIGN(uint32_t action, to_action(call.action, call.errno_ret, field + ".action"));
        if (action == SCMP_ACT_NOTIFY && spec.listener_path.empty())
            return invalid_input(field +
                                 ".action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
        if (action == SCMP_ACT_NOTIFY) prog.notify = true;
        if (action == def) {
            // libseccomp refuses such rules; they change nothing anyway (runc skips them too).
            log::debug(field + ": skipping rule whose action is the default action");
            continue;
        }
        TRY(add_rule(ctx.get(), call, action, field));
    }

    TRY_ASSIGN(UniqueFd out, sys::memfd("nook-seccomp-bpf"));
    rc = seccomp_export_bpf(ctx.get(), out.get());
    if (rc < 0) return scmp_error(rc, "seccomp: export the BPF program");
    TRY_ASSIGN(std::string bytes,
               std::move(sys::read_from_start(out.get())).context("seccomp: read the BPF program"));
    if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0)
        return Error(
            EIO, "seccomp: exported BPF program has a bad size " + std::to_string(bytes.size()));
    prog.filter.resize(bytes.size() / sizeof(sock_filter));
    std::memcpy(prog.filter.data(), bytes.data(), bytes.size());
    return prog;
}

std::vector<std::string> seccomp_actions() {
    return names_of(kActions);
}
std::vector<std::string> seccomp_operators() {
    return names_of(kOperators);
}
std::vector<std::string> seccomp_archs() {
    return names_of(kArchs);
}
std::vector<std::string> seccomp_flags() {
    return names_of(kFlags);
}

}  // namespace nook::runtime::security
