#include "oci/spec_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace nook::oci {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string parse_error(std::string_view text) {
    auto r = parse_spec(text, "config.json");
    EXPECT_FALSE(r.ok()) << "expected a parse error for: " << text;
    return r.ok() ? "" : r.error().what();
}

TEST(SpecJson, ParsesRuncGeneratedConfig) {
    auto r = load_spec(std::string(OCI_TEST_DATA) + "/runc-spec.json");
    ASSERT_TRUE(r.ok()) << r.error().what();
    const Spec& s = *r;
    EXPECT_EQ(s.oci_version, "1.0.2-dev");
    ASSERT_TRUE(s.process);
    EXPECT_TRUE(s.process->terminal);
    EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
    EXPECT_EQ(s.process->env.size(), 2u);
    EXPECT_EQ(s.process->cwd, "/");
    ASSERT_TRUE(s.process->capabilities);
    EXPECT_EQ(s.process->capabilities->ambient.size(), 3u);
    EXPECT_EQ(s.process->capabilities->bounding[1], "CAP_KILL");
    ASSERT_EQ(s.process->rlimits.size(), 1u);
    EXPECT_EQ(s.process->rlimits[0].type, "RLIMIT_NOFILE");
    EXPECT_EQ(s.process->rlimits[0].hard, 1024u);
    EXPECT_TRUE(s.process->no_new_privileges);
    ASSERT_TRUE(s.root);
    EXPECT_EQ(s.root->path, "rootfs");
    EXPECT_TRUE(s.root->readonly);
    EXPECT_EQ(s.hostname, "runc");
    ASSERT_EQ(s.mounts.size(), 7u);
    EXPECT_EQ(s.mounts[2].destination, "/dev/pts");
    EXPECT_EQ(s.mounts[2].options.back(), "gid=5");
    ASSERT_TRUE(s.linux_);
    ASSERT_TRUE(s.linux_->resources);
    ASSERT_EQ(s.linux_->resources->devices.size(), 1u);
    EXPECT_FALSE(s.linux_->resources->devices[0].allow);
    EXPECT_EQ(s.linux_->resources->devices[0].access, "rwm");
    EXPECT_EQ(s.linux_->namespaces.size(), 5u);
    EXPECT_EQ(s.linux_->masked_paths.size(), 10u);
    EXPECT_EQ(s.linux_->readonly_paths.back(), "/proc/sysrq-trigger");
}

TEST(SpecJson, ParsesRuncRootlessConfig) {
    auto r = load_spec(std::string(OCI_TEST_DATA) + "/runc-spec-rootless.json");
    ASSERT_TRUE(r.ok()) << r.error().what();
    ASSERT_EQ(r->linux_->uid_mappings.size(), 1u);
    EXPECT_EQ(r->linux_->uid_mappings[0].size, 1u);
    EXPECT_EQ(r->linux_->gid_mappings.size(), 1u);
    EXPECT_EQ(r->linux_->namespaces.back().type, "user");
    EXPECT_FALSE(r->linux_->resources);
}

// Our output, read as JSON, equals runc's file: same names, same omissions.
TEST(SpecJson, RuncConfigRoundTripsToTheSameDocument) {
    for (const char* name : {"/runc-spec.json", "/runc-spec-rootless.json"}) {
        std::string text = slurp(std::string(OCI_TEST_DATA) + name);
        auto r = parse_spec(text, name);
        ASSERT_TRUE(r.ok()) << r.error().what();
        EXPECT_EQ(nlohmann::json::parse(to_json(*r)), nlohmann::json::parse(text)) << name;
    }
}

// A spec using every field survives to_json -> parse_spec -> to_json.
TEST(SpecJson, FullSpecRoundTrips) {
    const char* full = R"({
      "ociVersion": "1.2.0",
      "process": {"consoleSize": {"height": 24, "width": 80},
        "user": {"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 6]},
        "args": ["/bin/true", "x"], "env": ["A=b"], "cwd": "/work",
        "capabilities": {"bounding": ["CAP_CHOWN"], "inheritable": ["CAP_KILL"]},
        "rlimits": [{"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 0}],
        "apparmorProfile": "p", "oomScoreAdj": 0, "selinuxLabel": "l",
        "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
        "scheduler": {"policy": "SCHED_OTHER", "nice": -5, "flags": ["SCHED_FLAG_RESET_ON_FORK"],
                      "runtime": 1, "deadline": 2, "period": 3},
        "execCPUAffinity": {"initial": "0", "final": "0-1"}},
      "root": {"path": "/r"},
      "hostname": "h", "domainname": "d",
      "mounts": [{"destination": "/m", "source": "/s", "type": "bind", "options": ["rbind"],
                  "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                  "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}],
      "hooks": {"prestart": [{"path": "/a"}], "createRuntime": [{"path": "/b", "args": ["b"], "env": ["E=1"], "timeout": 5}],
        "createContainer": [{"path": "/c"}], "startContainer": [{"path": "/d"}],
        "poststart": [{"path": "/e"}], "poststop": [{"path": "/f"}]},
      "annotations": {"k": "v"},
      "linux": {
        "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "sysctl": {"net.ipv4.ip_forward": "1"},
        "resources": {
          "devices": [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
          "memory": {"limit": 1000, "reservation": 1, "swap": -1, "kernel": 2, "kernelTCP": 3,
                     "swappiness": 0, "disableOOMKiller": true, "useHierarchy": false, "checkBeforeUpdate": true},
          "cpu": {"shares": 1024, "quota": -1, "burst": 5, "period": 100000, "realtimeRuntime": 7,
                  "realtimePeriod": 8, "cpus": "0-1", "mems": "0", "idle": 1},
          "pids": {"limit": 0},
          "blockIO": {"weight": 10, "leafWeight": 11,
            "weightDevice": [{"major": 8, "minor": 0, "weight": 500}],
            "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1}],
            "throttleWriteBpsDevice": [{"major": 8, "minor": 0, "rate": 2}],
            "throttleReadIOPSDevice": [{"major": 8, "minor": 0, "rate": 3}],
            "throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 4}]},
          "hugepageLimits": [{"pageSize": "2MB", "limit": 4096}],
          "network": {"classID": 7, "priorities": [{"name": "eth0", "priority": 2}]},
          "rdma": {"mlx5_0": {"hcaHandles": 3}},
          "unified": {"memory.high": "max"}},
        "cgroupsPath": "/nook/x",
        "namespaces": [{"type": "user"}, {"type": "network", "path": "/proc/1/ns/net"}, {"type": "time"}],
        "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}],
        "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
          "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/l", "listenerMetadata": "m",
          "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 0,
                        "args": [{"index": 0, "value": 1, "valueTwo": 2, "op": "SCMP_CMP_EQ"}]}]},
        "rootfsPropagation": "rslave", "maskedPaths": ["/m"], "readonlyPaths": ["/r"],
        "mountLabel": "ml", "personality": {"domain": "LINUX32", "flags": ["f"]},
        "timeOffsets": {"monotonic": {"secs": -3, "nanosecs": 5}}
      }})";
    auto r = parse_spec(full, "full.json");
    ASSERT_TRUE(r.ok()) << r.error().what();
    const Spec& s = *r;
    // Spot-check the irregular names were mapped, not dropped.
    EXPECT_EQ(s.process->io_priority->io_class, "IOPRIO_CLASS_BE");
    EXPECT_EQ(s.process->exec_cpu_affinity->final, "0-1");
    EXPECT_EQ(s.process->user.umask, 18u);
    EXPECT_EQ(s.process->oom_score_adj, 0);
    EXPECT_EQ(s.process->rlimits[0].hard, UINT64_MAX);
    EXPECT_EQ(s.process->scheduler->nice, -5);
    EXPECT_EQ(s.linux_->uid_mappings[0].host_id, 100000u);
    EXPECT_EQ(s.linux_->resources->memory->kernel_tcp, 3);
    EXPECT_EQ(s.linux_->resources->memory->swap, -1);
    EXPECT_EQ(s.linux_->resources->memory->disable_oom_killer, true);
    EXPECT_EQ(s.linux_->resources->block_io->throttle_read_iops_device[0].rate, 3u);
    EXPECT_EQ(s.linux_->resources->network->class_id, 7u);
    EXPECT_EQ(s.linux_->resources->rdma.at("mlx5_0").hca_handles, 3u);
    EXPECT_FALSE(s.linux_->resources->rdma.at("mlx5_0").hca_objects);
    EXPECT_EQ(s.linux_->time_offsets.at("monotonic").secs, -3);
    EXPECT_EQ(s.linux_->seccomp->syscalls[0].args[0].value_two, 2u);
    EXPECT_EQ(s.linux_->devices[0].file_mode, 438u);
    EXPECT_EQ(s.mounts[0].uid_mappings[0].host_id, 1000u);
    EXPECT_EQ(s.hooks->create_runtime[0].timeout, 5);

    // Every field we read is written back: the document is unchanged.
    EXPECT_EQ(nlohmann::json::parse(to_json(s)), nlohmann::json::parse(full));
    auto again = parse_spec(to_json(s, true), "again.json");
    ASSERT_TRUE(again.ok()) << again.error().what();
    EXPECT_EQ(to_json(*again), to_json(s));
}

TEST(SpecJson, OmitsEmptyOptionals) {
    Spec s;
    s.oci_version = "1.2.0";
    auto j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j, nlohmann::json::parse(R"({"ociVersion": "1.2.0"})"));
    s.process = Process{};
    s.process->cwd = "/";
    j = nlohmann::json::parse(to_json(s));
    EXPECT_EQ(j["process"], nlohmann::json::parse(R"({"user": {"uid": 0, "gid": 0}, "cwd": "/"})"));
}

TEST(SpecJson, PrettyOutputIsTabIndented) {
    Spec s;
    s.oci_version = "1.2.0";
    EXPECT_EQ(to_json(s, true), "{\n\t\"ociVersion\": \"1.2.0\"\n}");
}

TEST(SpecJson, UnknownKeysAndNullsAreIgnored) {
    auto r = parse_spec(
        R"({"ociVersion": "1.0.0", "vm": {"x": 1}, "process": {"futureField": [1], "args": ["a"],
            "cwd": "/", "user": null}, "hostname": null})",
        "config.json");
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->process->args[0], "a");
    EXPECT_EQ(r->hostname, "");
}

TEST(SpecJson, WrongTypeNamesFileAndPath) {
    EXPECT_EQ(parse_error(R"({"process": {"args": ["sh", 1]}})"),
              "config.json: process.args[1]: expected string, got number");
    EXPECT_EQ(parse_error(R"({"ociVersion": 1})"),
              "config.json: ociVersion: expected string, got number");
    EXPECT_EQ(parse_error(R"({"process": {"terminal": "yes"}})"),
              "config.json: process.terminal: expected boolean, got string");
    EXPECT_EQ(parse_error(R"({"mounts": {}})"), "config.json: mounts: expected array, got object");
    EXPECT_EQ(parse_error(R"({"linux": {"namespaces": [{"type": "pid"}, "net"]}})"),
              "config.json: linux.namespaces[1]: expected object, got string");
    EXPECT_EQ(parse_error(R"({"linux": {"resources": {"memory": {"limit": "1G"}}}})"),
              "config.json: linux.resources.memory.limit: expected int64, got string");
    EXPECT_EQ(parse_error(R"({"annotations": {"a": 1}})"),
              "config.json: annotations.a: expected string, got number");
    EXPECT_EQ(parse_error(R"({"linux": {"sysctl": {"net.x": true}}})"),
              "config.json: linux.sysctl.net.x: expected string, got boolean");
    EXPECT_EQ(parse_error("[1]"), "config.json: expected object, got array");
}

TEST(SpecJson, IntegerRangesAreChecked) {
    EXPECT_EQ(parse_error(R"({"process": {"user": {"uid": -1}}})"),
              "config.json: process.user.uid: value -1 out of range for uint32");
    EXPECT_EQ(parse_error(R"({"process": {"user": {"gid": 4294967296}}})"),
              "config.json: process.user.gid: value 4294967296 out of range for uint32");
    EXPECT_EQ(parse_error(R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1.5}]}})"),
              "config.json: process.rlimits[0].hard: expected uint64, got number");
    EXPECT_EQ(parse_error(R"({"linux": {"resources": {"blockIO": {"weight": 70000}}}})"),
              "config.json: linux.resources.blockIO.weight: value 70000 out of range for uint16");
    EXPECT_EQ(parse_error(R"({"process": {"oomScoreAdj": 3000000000}})"),
              "config.json: process.oomScoreAdj: value 3000000000 out of range for int32");
}

TEST(SpecJson, IrregularNamesInErrors) {
    EXPECT_EQ(parse_error(R"({"linux": {"uidMappings": [{"hostID": "x"}]}})"),
              "config.json: linux.uidMappings[0].hostID: expected uint32, got string");
    EXPECT_EQ(parse_error(R"({"process": {"ioPriority": {"class": 2}}})"),
              "config.json: process.ioPriority.class: expected string, got number");
    EXPECT_EQ(parse_error(R"({"linux": {"resources": {"network": {"classID": -2}}}})"),
              "config.json: linux.resources.network.classID: value -2 out of range for uint32");
}

TEST(SpecJson, InvalidJsonGivesLineAndColumn) {
    std::string msg = parse_error("{\n  \"ociVersion\": \"1.0.0\",\n  \"process\": tru\n}");
    EXPECT_EQ(msg.rfind("config.json: invalid JSON at line 3 column ", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_NE(msg.find("syntax error"), std::string::npos) << msg;
    EXPECT_EQ(parse_error("").rfind("config.json: invalid JSON at line 1 column", 0), 0u);
}

TEST(SpecJson, LoadSpecReportsMissingFile) {
    auto r = load_spec("/nonexistent/config.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ENOENT);
    EXPECT_EQ(r.error().what(), "open /nonexistent/config.json: No such file or directory");
}

}  // namespace
}  // namespace nook::oci
