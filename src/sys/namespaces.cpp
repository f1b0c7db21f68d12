#include "sys/namespaces.h"

#include <sched.h>
#include <unistd.h>

#include "sys/file.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace nook::sys {

namespace {
struct NsName {
    const char* oci;
    const char* proc;
    int flag;
};
constexpr NsName kNamespaces[] = {
    {"user", "user", CLONE_NEWUSER},       {"pid", "pid", CLONE_NEWPID},
    {"network", "net", CLONE_NEWNET},      {"mount", "mnt", CLONE_NEWNS},
    {"ipc", "ipc", CLONE_NEWIPC},          {"uts", "uts", CLONE_NEWUTS},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};
}  // namespace

std::optional<int> namespace_flag(std::string_view oci_type) {
    for (const auto& n : kNamespaces)
        if (oci_type == n.oci) return n.flag;
    return std::nullopt;
}

const char* namespace_proc_name(int flag) {
    for (const auto& n : kNamespaces)
        if (flag == n.flag) return n.proc;
    return "?";
}

Status set_namespace(int fd, int nstype, const std::string& what) {
    if (::setns(fd, nstype) < 0) return Error::from_errno("setns " + what);
    return {};
}

Status unshare(int flags) {
    if (::unshare(flags) < 0) return Error::from_errno("unshare");
    return {};
}

Status write_id_map(pid_t pid, const char* which, const std::string& lines) {
    return write_file("/proc/" + std::to_string(pid) + "/" + which, lines);
}

Status write_time_offsets(pid_t pid, const std::string& lines) {
    return write_file("/proc/" + std::to_string(pid) + "/timens_offsets", lines);
}

Status set_hostname(const std::string& name) {
    if (::sethostname(name.data(), name.size()) < 0)
        return Error::from_errno("sethostname " + name);
    return {};
}

Status set_domainname(const std::string& name) {
    if (::setdomainname(name.data(), name.size()) < 0)
        return Error::from_errno("setdomainname " + name);
    return {};
}

}  // namespace nook::sys
