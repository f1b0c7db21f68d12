// parse_spec: one reader per spec struct, each reading its fields by JSON name.
// The generic pieces (strings, integers, lists, maps, paths in messages) are
// in json_reader.h.
#include <cerrno>
#include <cstdio>
#include <memory>

#include "oci/json_reader.h"
#include "oci/spec_json.h"

namespace nook::oci {
namespace detail {

// Declared up front so the templates in json_reader.h find every overload.
void read(JsonReader& r, const Json& v, const std::string& p, IdMapping& out);

void read(JsonReader& r, const Json& v, const std::string& p, ConsoleSize& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "height", out.height);
    field(r, v, p, "width", out.width);
}

void read(JsonReader& r, const Json& v, const std::string& p, User& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "uid", out.uid);
    field(r, v, p, "gid", out.gid);
    field(r, v, p, "umask", out.umask);
    field(r, v, p, "additionalGids", out.additional_gids);
    field(r, v, p, "username", out.username);
}

void read(JsonReader& r, const Json& v, const std::string& p, Capabilities& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "bounding", out.bounding);
    field(r, v, p, "effective", out.effective);
    field(r, v, p, "inheritable", out.inheritable);
    field(r, v, p, "permitted", out.permitted);
    field(r, v, p, "ambient", out.ambient);
}

void read(JsonReader& r, const Json& v, const std::string& p, Rlimit& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "type", out.type);
    field(r, v, p, "hard", out.hard);
    field(r, v, p, "soft", out.soft);
}

void read(JsonReader& r, const Json& v, const std::string& p, IoPriority& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "class", out.io_class);
    field(r, v, p, "priority", out.priority);
}

void read(JsonReader& r, const Json& v, const std::string& p, Scheduler& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "policy", out.policy);
    field(r, v, p, "nice", out.nice);
    field(r, v, p, "priority", out.priority);
    field(r, v, p, "flags", out.flags);
    field(r, v, p, "runtime", out.runtime);
    field(r, v, p, "deadline", out.deadline);
    field(r, v, p, "period", out.period);
}

void read(JsonReader& r, const Json& v, const std::string& p, ExecCpuAffinity& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "initial", out.initial);
    field(r, v, p, "final", out.final);
}

void read(JsonReader& r, const Json& v, const std::string& p, Process& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "terminal", out.terminal);
    field(r, v, p, "consoleSize", out.console_size);
    field(r, v, p, "user", out.user);
    field(r, v, p, "args", out.args);
    field(r, v, p, "commandLine", out.command_line);
    field(r, v, p, "env", out.env);
    field(r, v, p, "cwd", out.cwd);
    field(r, v, p, "capabilities", out.capabilities);
    field(r, v, p, "rlimits", out.rlimits);
    field(r, v, p, "noNewPrivileges", out.no_new_privileges);
    field(r, v, p, "apparmorProfile", out.apparmor_profile);
    field(r, v, p, "oomScoreAdj", out.oom_score_adj);
    field(r, v, p, "selinuxLabel", out.selinux_label);
    field(r, v, p, "ioPriority", out.io_priority);
    field(r, v, p, "scheduler", out.scheduler);
    field(r, v, p, "execCPUAffinity", out.exec_cpu_affinity);
}

void read(JsonReader& r, const Json& v, const std::string& p, Root& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "path", out.path);
    field(r, v, p, "readonly", out.readonly);
}

void read(JsonReader& r, const Json& v, const std::string& p, IdMapping& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "containerID", out.container_id);
    field(r, v, p, "hostID", out.host_id);
    field(r, v, p, "size", out.size);
}

void read(JsonReader& r, const Json& v, const std::string& p, Mount& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "destination", out.destination);
    field(r, v, p, "source", out.source);
    field(r, v, p, "type", out.type);
    field(r, v, p, "options", out.options);
    field(r, v, p, "uidMappings", out.uid_mappings);
    field(r, v, p, "gidMappings", out.gid_mappings);
}

void read(JsonReader& r, const Json& v, const std::string& p, Hook& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "path", out.path);
    field(r, v, p, "args", out.args);
    field(r, v, p, "env", out.env);
    field(r, v, p, "timeout", out.timeout);
}

void read(JsonReader& r, const Json& v, const std::string& p, Hooks& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "prestart", out.prestart);
    field(r, v, p, "createRuntime", out.create_runtime);
    field(r, v, p, "createContainer", out.create_container);
    field(r, v, p, "startContainer", out.start_container);
    field(r, v, p, "poststart", out.poststart);
    field(r, v, p, "poststop", out.poststop);
}

void read(JsonReader& r, const Json& v, const std::string& p, Namespace& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "type", out.type);
    field(r, v, p, "path", out.path);
}

void read(JsonReader& r, const Json& v, const std::string& p, TimeOffset& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "secs", out.secs);
    field(r, v, p, "nanosecs", out.nanosecs);
}

void read(JsonReader& r, const Json& v, const std::string& p, Device& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "type", out.type);
    field(r, v, p, "path", out.path);
    field(r, v, p, "major", out.major);
    field(r, v, p, "minor", out.minor);
    field(r, v, p, "fileMode", out.file_mode);
    field(r, v, p, "uid", out.uid);
    field(r, v, p, "gid", out.gid);
}

void read(JsonReader& r, const Json& v, const std::string& p, DeviceCgroupRule& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "allow", out.allow);
    field(r, v, p, "type", out.type);
    field(r, v, p, "major", out.major);
    field(r, v, p, "minor", out.minor);
    field(r, v, p, "access", out.access);
}

void read(JsonReader& r, const Json& v, const std::string& p, MemoryResources& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "limit", out.limit);
    field(r, v, p, "reservation", out.reservation);
    field(r, v, p, "swap", out.swap);
    field(r, v, p, "kernel", out.kernel);
    field(r, v, p, "kernelTCP", out.kernel_tcp);
    field(r, v, p, "swappiness", out.swappiness);
    field(r, v, p, "disableOOMKiller", out.disable_oom_killer);
    field(r, v, p, "useHierarchy", out.use_hierarchy);
    field(r, v, p, "checkBeforeUpdate", out.check_before_update);
}

void read(JsonReader& r, const Json& v, const std::string& p, CpuResources& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "shares", out.shares);
    field(r, v, p, "quota", out.quota);
    field(r, v, p, "burst", out.burst);
    field(r, v, p, "period", out.period);
    field(r, v, p, "realtimeRuntime", out.realtime_runtime);
    field(r, v, p, "realtimePeriod", out.realtime_period);
    field(r, v, p, "cpus", out.cpus);
    field(r, v, p, "mems", out.mems);
    field(r, v, p, "idle", out.idle);
}

void read(JsonReader& r, const Json& v, const std::string& p, PidsResources& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "limit", out.limit);
}

void read(JsonReader& r, const Json& v, const std::string& p, WeightDevice& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "major", out.major);
    field(r, v, p, "minor", out.minor);
    field(r, v, p, "weight", out.weight);
    field(r, v, p, "leafWeight", out.leaf_weight);
}

void read(JsonReader& r, const Json& v, const std::string& p, ThrottleDevice& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "major", out.major);
    field(r, v, p, "minor", out.minor);
    field(r, v, p, "rate", out.rate);
}

void read(JsonReader& r, const Json& v, const std::string& p, BlockIoResources& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "weight", out.weight);
    field(r, v, p, "leafWeight", out.leaf_weight);
    field(r, v, p, "weightDevice", out.weight_device);
    field(r, v, p, "throttleReadBpsDevice", out.throttle_read_bps_device);
    field(r, v, p, "throttleWriteBpsDevice", out.throttle_write_bps_device);
    field(r, v, p, "throttleReadIOPSDevice", out.throttle_read_iops_device);
    field(r, v, p, "throttleWriteIOPSDevice", out.throttle_write_iops_device);
}

void read(JsonReader& r, const Json& v, const std::string& p, HugepageLimit& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "pageSize", out.page_size);
    field(r, v, p, "limit", out.limit);
}

void read(JsonReader& r, const Json& v, const std::string& p, NetworkPriority& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "name", out.name);
    field(r, v, p, "priority", out.priority);
}

void read(JsonReader& r, const Json& v, const std::string& p, NetworkResources& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "classID", out.class_id);
    field(r, v, p, "priorities", out.priorities);
}

void read(JsonReader& r, const Json& v, const std::string& p, RdmaLimit& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "hcaHandles", out.hca_handles);
    field(r, v, p, "hcaObjects", out.hca_objects);
}

void read(JsonReader& r, const Json& v, const std::string& p, Resources& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "devices", out.devices);
    field(r, v, p, "memory", out.memory);
    field(r, v, p, "cpu", out.cpu);
    field(r, v, p, "pids", out.pids);
    field(r, v, p, "blockIO", out.block_io);
    field(r, v, p, "hugepageLimits", out.hugepage_limits);
    field(r, v, p, "network", out.network);
    field(r, v, p, "rdma", out.rdma);
    field(r, v, p, "unified", out.unified);
}

void read(JsonReader& r, const Json& v, const std::string& p, SeccompArg& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "index", out.index);
    field(r, v, p, "value", out.value);
    field(r, v, p, "valueTwo", out.value_two);
    field(r, v, p, "op", out.op);
}

void read(JsonReader& r, const Json& v, const std::string& p, SeccompSyscall& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "names", out.names);
    field(r, v, p, "action", out.action);
    field(r, v, p, "errnoRet", out.errno_ret);
    field(r, v, p, "args", out.args);
}

void read(JsonReader& r, const Json& v, const std::string& p, Seccomp& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "defaultAction", out.default_action);
    field(r, v, p, "defaultErrnoRet", out.default_errno_ret);
    field(r, v, p, "architectures", out.architectures);
    field(r, v, p, "flags", out.flags);
    field(r, v, p, "listenerPath", out.listener_path);
    field(r, v, p, "listenerMetadata", out.listener_metadata);
    field(r, v, p, "syscalls", out.syscalls);
}

void read(JsonReader& r, const Json& v, const std::string& p, Personality& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "domain", out.domain);
    field(r, v, p, "flags", out.flags);
}

void read(JsonReader& r, const Json& v, const std::string& p, Linux& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "uidMappings", out.uid_mappings);
    field(r, v, p, "gidMappings", out.gid_mappings);
    field(r, v, p, "sysctl", out.sysctl);
    field(r, v, p, "resources", out.resources);
    field(r, v, p, "cgroupsPath", out.cgroups_path);
    field(r, v, p, "namespaces", out.namespaces);
    field(r, v, p, "devices", out.devices);
    field(r, v, p, "seccomp", out.seccomp);
    field(r, v, p, "rootfsPropagation", out.rootfs_propagation);
    field(r, v, p, "maskedPaths", out.masked_paths);
    field(r, v, p, "readonlyPaths", out.readonly_paths);
    field(r, v, p, "mountLabel", out.mount_label);
    field(r, v, p, "personality", out.personality);
    field(r, v, p, "timeOffsets", out.time_offsets);
}

void read(JsonReader& r, const Json& v, const std::string& p, Spec& out) {
    if (!r.expect_object(v, p)) return;
    field(r, v, p, "ociVersion", out.oci_version);
    field(r, v, p, "process", out.process);
    field(r, v, p, "root", out.root);
    field(r, v, p, "hostname", out.hostname);
    field(r, v, p, "domainname", out.domainname);
    field(r, v, p, "mounts", out.mounts);
    field(r, v, p, "hooks", out.hooks);
    field(r, v, p, "annotations", out.annotations);
    field(r, v, p, "linux", out.linux_);
}

}  // namespace detail

Result<Spec> parse_spec(std::string_view json_text, const std::string& file_for_errors) {
    TRY_ASSIGN(auto doc, detail::parse_document(json_text, file_for_errors));
    detail::JsonReader reader(file_for_errors);
    Spec spec;
    detail::read(reader, doc, "", spec);
    if (reader.failed()) return reader.take_error();
    return spec;
}

Result<Spec> load_spec(const std::string& path) {
    // stdio rather than src/sys: oci stays free of Linux calls, and fopen
    // still reports errno for the message.
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rbe"), &std::fclose);
    if (!f) return Error::from_errno("open " + path);
    std::string text;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
    if (std::ferror(f.get())) return Error::from_errno("read " + path);
    return parse_spec(text, path);
}

}  // namespace nook::oci
