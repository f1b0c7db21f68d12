// to_json: one writer per spec struct. What is omitted follows the Go
// bindings' `omitempty` tags, so a runc-written config.json round-trips to
// the same document.
#include "oci/json_writer.h"
#include "oci/spec_json.h"

namespace nook::oci {
namespace {

using detail::OJson;
using detail::put_flag;
using detail::put_map;
using detail::put_opt;
using detail::put_str;
using detail::put_strs;

// Lists of structs: written when non-empty, each element by its own writer.
template <typename T>
void put_list(OJson& o, const char* key, const std::vector<T>& v);
template <typename T>
void put_struct(OJson& o, const char* key, const std::optional<T>& v);

OJson to_j(const ConsoleSize& c) {
    return OJson{{"height", c.height}, {"width", c.width}};
}

OJson to_j(const User& u) {
    OJson o = {{"uid", u.uid}, {"gid", u.gid}};
    put_opt(o, "umask", u.umask);
    if (!u.additional_gids.empty()) o["additionalGids"] = u.additional_gids;
    put_str(o, "username", u.username);
    return o;
}

OJson to_j(const Capabilities& c) {
    OJson o = OJson::object();
    put_strs(o, "bounding", c.bounding);
    put_strs(o, "effective", c.effective);
    put_strs(o, "inheritable", c.inheritable);
    put_strs(o, "permitted", c.permitted);
    put_strs(o, "ambient", c.ambient);
    return o;
}

OJson to_j(const Rlimit& r) {
    return OJson{{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}};
}

OJson to_j(const IoPriority& p) {
    return OJson{{"class", p.io_class}, {"priority", p.priority}};
}

OJson to_j(const Scheduler& s) {
    OJson o = {{"policy", s.policy}};
    put_opt(o, "nice", s.nice);
    put_opt(o, "priority", s.priority);
    put_strs(o, "flags", s.flags);
    put_opt(o, "runtime", s.runtime);
    put_opt(o, "deadline", s.deadline);
    put_opt(o, "period", s.period);
    return o;
}

OJson to_j(const ExecCpuAffinity& a) {
    OJson o = OJson::object();
    put_str(o, "initial", a.initial);
    put_str(o, "final", a.final);
    return o;
}

OJson to_j(const Process& p) {
    OJson o = OJson::object();
    put_flag(o, "terminal", p.terminal);
    put_struct(o, "consoleSize", p.console_size);
    o["user"] = to_j(p.user);
    put_strs(o, "args", p.args);
    put_str(o, "commandLine", p.command_line);
    put_strs(o, "env", p.env);
    o["cwd"] = p.cwd;
    put_struct(o, "capabilities", p.capabilities);
    put_list(o, "rlimits", p.rlimits);
    put_flag(o, "noNewPrivileges", p.no_new_privileges);
    put_str(o, "apparmorProfile", p.apparmor_profile);
    put_opt(o, "oomScoreAdj", p.oom_score_adj);
    put_str(o, "selinuxLabel", p.selinux_label);
    put_struct(o, "ioPriority", p.io_priority);
    put_struct(o, "scheduler", p.scheduler);
    put_struct(o, "execCPUAffinity", p.exec_cpu_affinity);
    return o;
}

OJson to_j(const Root& r) {
    OJson o = {{"path", r.path}};
    put_flag(o, "readonly", r.readonly);
    return o;
}

OJson to_j(const IdMapping& m) {
    return OJson{{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}};
}

OJson to_j(const Mount& m) {
    OJson o = {{"destination", m.destination}};
    put_str(o, "type", m.type);
    put_str(o, "source", m.source);
    put_strs(o, "options", m.options);
    put_list(o, "uidMappings", m.uid_mappings);
    put_list(o, "gidMappings", m.gid_mappings);
    return o;
}

OJson to_j(const Hook& h) {
    OJson o = {{"path", h.path}};
    put_strs(o, "args", h.args);
    put_strs(o, "env", h.env);
    put_opt(o, "timeout", h.timeout);
    return o;
}

OJson to_j(const Hooks& h) {
    OJson o = OJson::object();
    put_list(o, "prestart", h.prestart);
    put_list(o, "createRuntime", h.create_runtime);
    put_list(o, "createContainer", h.create_container);
    put_list(o, "startContainer", h.start_container);
    put_list(o, "poststart", h.poststart);
    put_list(o, "poststop", h.poststop);
    return o;
}

OJson to_j(const Namespace& n) {
    OJson o = {{"type", n.type}};
    put_str(o, "path", n.path);
    return o;
}

OJson to_j(const TimeOffset& t) {
    OJson o = OJson::object();
    if (t.secs != 0) o["secs"] = t.secs;
    if (t.nanosecs != 0) o["nanosecs"] = t.nanosecs;
    return o;
}

OJson to_j(const Device& d) {
    OJson o = {{"path", d.path}, {"type", d.type}, {"major", d.major}, {"minor", d.minor}};
    put_opt(o, "fileMode", d.file_mode);
    put_opt(o, "uid", d.uid);
    put_opt(o, "gid", d.gid);
    return o;
}

OJson to_j(const DeviceCgroupRule& d) {
    OJson o = {{"allow", d.allow}};
    put_str(o, "type", d.type);
    put_opt(o, "major", d.major);
    put_opt(o, "minor", d.minor);
    put_str(o, "access", d.access);
    return o;
}

OJson to_j(const MemoryResources& m) {
    OJson o = OJson::object();
    put_opt(o, "limit", m.limit);
    put_opt(o, "reservation", m.reservation);
    put_opt(o, "swap", m.swap);
    put_opt(o, "kernel", m.kernel);
    put_opt(o, "kernelTCP", m.kernel_tcp);
    put_opt(o, "swappiness", m.swappiness);
    put_opt(o, "disableOOMKiller", m.disable_oom_killer);
    put_opt(o, "useHierarchy", m.use_hierarchy);
    put_opt(o, "checkBeforeUpdate", m.check_before_update);
    return o;
}

OJson to_j(const CpuResources& c) {
    OJson o = OJson::object();
    put_opt(o, "shares", c.shares);
    put_opt(o, "quota", c.quota);
    put_opt(o, "burst", c.burst);
    put_opt(o, "period", c.period);
    put_opt(o, "realtimeRuntime", c.realtime_runtime);
    put_opt(o, "realtimePeriod", c.realtime_period);
    put_str(o, "cpus", c.cpus);
    put_str(o, "mems", c.mems);
    put_opt(o, "idle", c.idle);
    return o;
}

OJson to_j(const PidsResources& p) {
    return OJson{{"limit", p.limit}};
}

OJson to_j(const WeightDevice& w) {
    OJson o = {{"major", w.major}, {"minor", w.minor}};
    put_opt(o, "weight", w.weight);
    put_opt(o, "leafWeight", w.leaf_weight);
    return o;
}

OJson to_j(const ThrottleDevice& t) {
    return OJson{{"major", t.major}, {"minor", t.minor}, {"rate", t.rate}};
}

OJson to_j(const BlockIoResources& b) {
    OJson o = OJson::object();
    put_opt(o, "weight", b.weight);
    put_opt(o, "leafWeight", b.leaf_weight);
    put_list(o, "weightDevice", b.weight_device);
    put_list(o, "throttleReadBpsDevice", b.throttle_read_bps_device);
    put_list(o, "throttleWriteBpsDevice", b.throttle_write_bps_device);
    put_list(o, "throttleReadIOPSDevice", b.throttle_read_iops_device);
    put_list(o, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
    return o;
}

OJson to_j(const HugepageLimit& h) {
    return OJson{{"pageSize", h.page_size}, {"limit", h.limit}};
}

OJson to_j(const NetworkPriority& p) {
    return OJson{{"name", p.name}, {"priority", p.priority}};
}

OJson to_j(const NetworkResources& n) {
    OJson o = OJson::object();
    put_opt(o, "classID", n.class_id);
    put_list(o, "priorities", n.priorities);
    return o;
}

OJson to_j(const RdmaLimit& r) {
    OJson o = OJson::object();
    put_opt(o, "hcaHandles", r.hca_handles);
    put_opt(o, "hcaObjects", r.hca_objects);
    return o;
}

OJson to_j(const Resources& r) {
    OJson o = OJson::object();
    put_list(o, "devices", r.devices);
    put_struct(o, "memory", r.memory);
    put_struct(o, "cpu", r.cpu);
    put_struct(o, "pids", r.pids);
    put_struct(o, "blockIO", r.block_io);
    put_list(o, "hugepageLimits", r.hugepage_limits);
    put_struct(o, "network", r.network);
    if (!r.rdma.empty()) {
        OJson rdma = OJson::object();
        for (const auto& [dev, limit] : r.rdma) rdma[dev] = to_j(limit);
        o["rdma"] = std::move(rdma);
    }
    put_map(o, "unified", r.unified);
    return o;
}

OJson to_j(const SeccompArg& a) {
    OJson o = {{"index", a.index}, {"value", a.value}};
    if (a.value_two != 0) o["valueTwo"] = a.value_two;
    o["op"] = a.op;
    return o;
}

OJson to_j(const SeccompSyscall& s) {
    OJson o = {{"names", s.names}, {"action", s.action}};
    put_opt(o, "errnoRet", s.errno_ret);
    put_list(o, "args", s.args);
    return o;
}

OJson to_j(const Seccomp& s) {
    OJson o = {{"defaultAction", s.default_action}};
    put_opt(o, "defaultErrnoRet", s.default_errno_ret);
    put_strs(o, "architectures", s.architectures);
    put_strs(o, "flags", s.flags);
    put_str(o, "listenerPath", s.listener_path);
    put_str(o, "listenerMetadata", s.listener_metadata);
    put_list(o, "syscalls", s.syscalls);
    return o;
}

OJson to_j(const Personality& p) {
    OJson o = {{"domain", p.domain}};
    put_strs(o, "flags", p.flags);
    return o;
}

OJson to_j(const Linux& l) {
    OJson o = OJson::object();
    put_list(o, "uidMappings", l.uid_mappings);
    put_list(o, "gidMappings", l.gid_mappings);
    put_map(o, "sysctl", l.sysctl);
    put_struct(o, "resources", l.resources);
    put_str(o, "cgroupsPath", l.cgroups_path);
    put_list(o, "namespaces", l.namespaces);
    put_list(o, "devices", l.devices);
    put_struct(o, "seccomp", l.seccomp);
    put_str(o, "rootfsPropagation", l.rootfs_propagation);
    put_strs(o, "maskedPaths", l.masked_paths);
    put_strs(o, "readonlyPaths", l.readonly_paths);
    put_str(o, "mountLabel", l.mount_label);
    put_struct(o, "personality", l.personality);
    if (!l.time_offsets.empty()) {
        OJson offsets = OJson::object();
        for (const auto& [clock, off] : l.time_offsets) offsets[clock] = to_j(off);
        o["timeOffsets"] = std::move(offsets);
    }
    return o;
}

template <typename T>
void put_list(OJson& o, const char* key, const std::vector<T>& v) {
    if (v.empty()) return;
    OJson arr = OJson::array();
    for (const auto& item : v) arr.push_back(to_j(item));
    o[key] = std::move(arr);
}

template <typename T>
void put_struct(OJson& o, const char* key, const std::optional<T>& v) {
    if (v) o[key] = to_j(*v);
}

}  // namespace

std::string to_json(const Spec& spec, bool pretty) {
    OJson o = {{"ociVersion", spec.oci_version}};
    put_struct(o, "process", spec.process);
    put_struct(o, "root", spec.root);
    put_str(o, "hostname", spec.hostname);
    put_str(o, "domainname", spec.domainname);
    put_list(o, "mounts", spec.mounts);
    put_struct(o, "hooks", spec.hooks);
    put_map(o, "annotations", spec.annotations);
    put_struct(o, "linux", spec.linux_);
    return detail::dump(o, pretty);
}

}  // namespace nook::oci
