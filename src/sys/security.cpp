#include "sys/security.h"

#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "sys/file.h"

namespace nook::sys {

namespace {

// ioprio_set(2) "which" for a single process; not in glibc headers.
constexpr int kIoprioWhoProcess = 1;

std::string num(long long v) {
    return std::to_string(v);
}

}  // namespace

Result<CapState> cap_get() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &hdr, data) < 0) return Error::from_errno("capget");
    CapState s;
    s.effective = data[0].effective | (uint64_t{data[1].effective} << 32);
    s.permitted = data[0].permitted | (uint64_t{data[1].permitted} << 32);
    s.inheritable = data[0].inheritable | (uint64_t{data[1].inheritable} << 32);
    return s;
}

Status cap_set(const CapState& c) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    data[0].effective = static_cast<uint32_t>(c.effective);
    data[1].effective = static_cast<uint32_t>(c.effective >> 32);
    data[0].permitted = static_cast<uint32_t>(c.permitted);
    data[1].permitted = static_cast<uint32_t>(c.permitted >> 32);
    data[0].inheritable = static_cast<uint32_t>(c.inheritable);
    data[1].inheritable = static_cast<uint32_t>(c.inheritable >> 32);
    if (::syscall(SYS_capset, &hdr, data) < 0) return Error::from_errno("capset");
    return {};
}

Status cap_bound_drop(int cap) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
        return Error::from_errno("prctl PR_CAPBSET_DROP " + num(cap));
    return {};
}

Result<bool> cap_bound_has(int cap) {
    int r = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (r < 0) return Error::from_errno("prctl PR_CAPBSET_READ " + num(cap));
    return r == 1;
}

Status cap_ambient_clear_all() {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        return Error::from_errno("prctl PR_CAP_AMBIENT_CLEAR_ALL");
    return {};
}

Status cap_ambient_raise(int cap) {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
        return Error::from_errno("prctl PR_CAP_AMBIENT_RAISE " + num(cap));
    return {};
}

Status set_keep_caps(bool keep) {
    if (::prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) < 0)
        return Error::from_errno(std::string("prctl PR_SET_KEEPCAPS ") + (keep ? "1" : "0"));
    return {};
}

Status set_no_new_privs() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return Error::from_errno("prctl PR_SET_NO_NEW_PRIVS");
    return {};
}

Result<bool> get_no_new_privs() {
    int r = ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (r < 0) return Error::from_errno("prctl PR_GET_NO_NEW_PRIVS");
    return r == 1;
}

Status seccomp_set_filter(const sock_filter* filter, size_t count, unsigned int flags) {
    if (count > 0xffff) return Error(E2BIG, "seccomp filter of " + num(count) + " instructions");
    sock_fprog prog{static_cast<unsigned short>(count), const_cast<sock_filter*>(filter)};
    long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    // With TSYNC a positive return is the id of a thread that could not be synced.
    if (r < 0) return Error::from_errno("seccomp SET_MODE_FILTER flags=" + num(flags));
    if (r > 0)
        return Error(ESRCH, "seccomp TSYNC: thread " + num(r) + " could not be synchronized");
    return {};
}

Result<UniqueFd> seccomp_set_filter_listener(const sock_filter* filter, size_t count,
                                             unsigned int flags) {
    if (count > 0xffff) return Error(E2BIG, "seccomp filter of " + num(count) + " instructions");
    sock_fprog prog{static_cast<unsigned short>(count), const_cast<sock_filter*>(filter)};
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (r < 0) return Error::from_errno("seccomp SET_MODE_FILTER flags=" + num(flags));
    return UniqueFd(static_cast<int>(r));
}

Status set_groups(const gid_t* gids, size_t count) {
    if (::setgroups(count, gids) < 0)
        return Error::from_errno("setgroups (" + num(count) + " groups)");
    return {};
}

// Use the raw calls: glibc's setresuid/setresgid broadcast to all threads
// through a signal (setxid), which is pointless in the single-threaded child.
Status set_res_gid(gid_t gid) {
    if (::syscall(SYS_setresgid, gid, gid, gid) < 0)
        return Error::from_errno("setresgid " + num(gid));
    return {};
}

Status set_res_uid(uid_t uid) {
    if (::syscall(SYS_setresuid, uid, uid, uid) < 0)
        return Error::from_errno("setresuid " + num(uid));
    return {};
}

Status set_rlimit(int resource, uint64_t soft, uint64_t hard) {
    struct rlimit64 lim {
        soft, hard
    };
    if (::prlimit64(0, static_cast<__rlimit_resource>(resource), &lim, nullptr) < 0)
        return Error::from_errno("prlimit resource " + num(resource));
    return {};
}

Status ioprio_set_self(int value) {
    if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, value) < 0)
        return Error::from_errno("ioprio_set " + num(value));
    return {};
}

Status sched_setattr_self(const SchedAttr& attr) {
    SchedAttr a = attr;
    a.size = sizeof(SchedAttr);
    if (::syscall(SYS_sched_setattr, 0, &a, 0) < 0)
        return Error::from_errno("sched_setattr policy=" + num(attr.sched_policy));
    return {};
}

Status set_personality(unsigned long persona) {
    // personality(2) returns the previous persona, -1 on error.
    if (::personality(persona) == -1) return Error::from_errno("personality " + num(persona));
    return {};
}

void set_umask(mode_t mask) {
    ::umask(mask);
}

Result<UniqueFd> memfd(const char* name) {
    int fd = ::memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) return Error::from_errno(std::string("memfd_create ") + name);
    return UniqueFd(fd);
}

Result<std::string> read_from_start(int fd) {
    if (::lseek(fd, 0, SEEK_SET) < 0) return Error::from_errno("lseek");
    return read_fd(fd);
}

Result<int> cap_last_cap() {
    TRY_ASSIGN(std::string text, read_file("/proc/sys/kernel/cap_last_cap"));
    char* end = nullptr;
    long v = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || v < 0 || v > 63)
        return Error::invalid("/proc/sys/kernel/cap_last_cap: not a capability number: " + text);
    return static_cast<int>(v);
}

}  // namespace nook::sys
