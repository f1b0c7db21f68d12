#include "runtime/launch_plan.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "oci/state_json.h"
#include "sys/file.h"
#include "sys/namespaces.h"

namespace nook::runtime {

bool NamespacePlan::joins_ns(int flag) const {
    for (const auto& j : joins)
        if (j.flag == flag) return true;
    return false;
}

namespace {
std::string map_lines(const std::vector<oci::IdMapping>& maps) {
    std::string out;
    for (const auto& m : maps)
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
               std::to_string(m.size) + "\n";
    return out;
}
}  // namespace

Result<NamespacePlan> plan_namespaces(const oci::Spec& spec) {
    NamespacePlan plan;
    if (!spec.linux_) return plan;
    const auto& lx = *spec.linux_;
    for (size_t i = 0; i < lx.namespaces.size(); ++i) {
        const auto& n = lx.namespaces[i];
        auto flag = sys::namespace_flag(n.type);
        std::string field = "linux.namespaces[" + std::to_string(i) + "]";
        if (!flag) return invalid_input(field + ".type: unknown namespace type \"" + n.type + "\"");
        if (n.path.empty()) {
            plan.new_flags |= *flag;
            continue;
        }
        UniqueFd fd(::open(n.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) return Error::from_errno(field + ".path: open " + n.path);
        NamespaceJoin j{*flag, n.path, std::move(fd)};
        // The user namespace must be joined first: the others are owned by it.
        if (*flag == CLONE_NEWUSER)
            plan.joins.insert(plan.joins.begin(), std::move(j));
        else
            plan.joins.push_back(std::move(j));
    }
    if (plan.creates(CLONE_NEWUSER)) {
        plan.uid_map = map_lines(lx.uid_mappings);
        plan.gid_map = map_lines(lx.gid_mappings);
    }
    for (const auto& [clock, off] : lx.time_offsets)
        plan.time_offsets +=
            clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
    return plan;
}

namespace {

// Why path cannot be executed (0: it can). A directory passes access(X_OK)
// but execve fails on it: it is refused here, with its own reason.
int exec_problem(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (::access(path.c_str(), X_OK) < 0) return errno;
    return 0;
}

// runc's (and so docker's) wording.
std::string exec_problem_text(int err) {
    switch (err) {
        case ENOENT:
            return "no such file or directory";
        case EACCES:
            return "permission denied";
        case EISDIR:
            return "is a directory";
        default:
            return std::strerror(err);
    }
}

}  // namespace

Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
    if (name.empty()) return invalid_input("process.args[0] is empty");
    if (name.find('/') != std::string::npos) {
        int err = exec_problem(name);
        if (err == 0) return name;
        return Error(err, "exec: \"" + name + "\": " + exec_problem_text(err))
            .without_errno_text()
            .context("process.args[0]");
    }
    std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const auto& e : env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        if (exec_problem(candidate) == 0) return candidate;
        start = end + 1;
    }
    return invalid_input("exec: \"" + name + "\": executable file not found in $PATH");
}

std::string state_json_for_hooks(const LaunchOptions& o, const oci::Spec& spec, pid_t pid,
                                 const char* status) {
    oci::State st;
    st.id = o.id;
    st.status = status;
    st.pid = pid;
    st.bundle = o.bundle;
    st.annotations = spec.annotations;
    return oci::state_to_json(st);
}

}  // namespace nook::runtime
