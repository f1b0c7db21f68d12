#include "oci/validate.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "oci/default_spec.h"

namespace nook::oci {
namespace {

namespace fs = std::filesystem;

// A bundle dir with an empty rootfs/, removed afterwards.
class Validate : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "nook-oci-validate-XXXXXX").string();
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        bundle_ = tmpl;
        fs::create_directory(fs::path(bundle_) / "rootfs");
        spec_ = default_spec(DefaultSpecOptions{});
    }
    void TearDown() override { fs::remove_all(bundle_); }

    // Mutate the valid default spec, validate, return the message ("" if ok).
    std::string error_after(const std::function<void(Spec&)>& mutate) {
        Spec s = spec_;
        mutate(s);
        Status st = validate(s, bundle_);
        return st.ok() ? "" : st.error().what();
    }

    std::string bundle_;
    Spec spec_;
};

TEST_F(Validate, DefaultSpecsAreValid) {
    EXPECT_EQ(error_after([](Spec&) {}), "");
    DefaultSpecOptions rootless;
    rootless.rootless = true;
    rootless.host_uid = 1000;
    Status st = validate(default_spec(rootless), bundle_);
    EXPECT_TRUE(st.ok()) << st.error().what();
}

TEST_F(Validate, ErrorsAreValidationErrors) {
    Spec s = spec_;
    s.oci_version.clear();
    Status st = validate(s, bundle_);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), EINVAL);
    EXPECT_FALSE(st.error().shows_errno());
}

TEST_F(Validate, OciVersion) {
    EXPECT_EQ(error_after([](Spec& s) { s.oci_version = ""; }), "ociVersion: missing");
    EXPECT_EQ(error_after([](Spec& s) { s.oci_version = "2.0.0"; }),
              "ociVersion: \"2.0.0\" is not supported (need major version 1)");
    EXPECT_EQ(error_after([](Spec& s) { s.oci_version = "1.0.2-dev"; }), "");
}

TEST_F(Validate, Root) {
    EXPECT_EQ(error_after([](Spec& s) { s.root.reset(); }), "root.path: missing");
    EXPECT_EQ(error_after([](Spec& s) { s.root->path = "nope"; }),
              "root.path: rootfs \"" + bundle_ + "/nope\" does not exist");
    EXPECT_EQ(error_after([&](Spec& s) { s.root->path = bundle_ + "/rootfs"; }), "");
    fs::path file = fs::path(bundle_) / "file";
    { std::ofstream(file.string()) << "x"; }
    EXPECT_EQ(error_after([&](Spec& s) { s.root->path = file.string(); }),
              "root.path: rootfs \"" + file.string() + "\" is not a directory");
}

TEST_F(Validate, Process) {
    EXPECT_EQ(error_after([](Spec& s) { s.process.reset(); }),
              "process: missing (required to create a container)");
    EXPECT_EQ(error_after([](Spec& s) { s.process->args.clear(); }),
              "process.args: must not be empty");
    EXPECT_EQ(error_after([](Spec& s) { s.process->cwd = "work"; }),
              "process.cwd: \"work\" is not an absolute path");
}

TEST_F(Validate, MountDestination) {
    EXPECT_EQ(error_after([](Spec& s) { s.mounts[2].destination = "dev/pts"; }),
              "mounts[2].destination: \"dev/pts\" is not an absolute path");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.mounts[0].uid_mappings = {{0, 1000, 1}};
              }),
              "mounts[0]: idmapped mount needs both uidMappings and gidMappings");
}

TEST_F(Validate, Namespaces) {
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"net", ""});
              }),
              "linux.namespaces[5].type: unknown namespace type \"net\"");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"pid", ""});
              }),
              "linux.namespaces[5].type: duplicate namespace \"pid\"");
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->namespaces[1].path = "proc/1/ns/net"; }),
              "linux.namespaces[1].path: \"proc/1/ns/net\" is not an absolute path");
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->namespaces[1].path = "/proc/1/ns/net"; }), "");
}

TEST_F(Validate, IdMappings) {
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->uid_mappings = {{0, 1000, 1}};
              }),
              "linux.uidMappings: set without a user namespace");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"user", ""});
              }),
              "linux.namespaces: new user namespace needs linux.uidMappings and linux.gidMappings");
    // Joining an existing user namespace needs no mappings.
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"user", "/proc/1/ns/user"});
              }),
              "");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"user", ""});
                  s.linux_->uid_mappings = {{0, 1000, 1}};
                  s.linux_->gid_mappings = {{0, 1000, 0}};
              }),
              "linux.gidMappings[0].size: must not be 0");
}

TEST_F(Validate, UtsNeededForHostAndDomainName) {
    auto drop_uts = [](Spec& s) {
        std::erase_if(s.linux_->namespaces, [](auto& n) { return n.type == "uts"; });
    };
    EXPECT_EQ(error_after(drop_uts), "hostname: \"nook\" needs a uts namespace");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop_uts(s);
                  s.hostname.clear();
                  s.domainname = "example.org";
              }),
              "domainname: \"example.org\" needs a uts namespace");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop_uts(s);
                  s.hostname.clear();
              }),
              "");
}

// Over-long names used to reach sethostname(2) in the init, whose EINVAL was
// lost behind a socket reset (#11).
TEST_F(Validate, HostAndDomainNameLength) {
    EXPECT_EQ(error_after([](Spec& s) { s.hostname = std::string(64, 'h'); }), "");
    EXPECT_EQ(error_after([](Spec& s) { s.hostname = std::string(300, 'h'); }),
              "hostname: \"" + std::string(24, 'h') +
                  "...\" is 300 characters long, more than the kernel's limit of 64");
    EXPECT_EQ(error_after([](Spec& s) { s.domainname = std::string(65, 'd'); }),
              "domainname: \"" + std::string(24, 'd') +
                  "...\" is 65 characters long, more than the kernel's limit of 64");
}

TEST_F(Validate, NoMountNamespace) {
    auto drop_mnt = [](Spec& s) {
        std::erase_if(s.linux_->namespaces, [](auto& n) { return n.type == "mount"; });
    };
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop_mnt(s);
                  s.mounts = {{"/proc", "proc", "proc", {}, {}, {}}};
              }),
              "mounts: need a mount namespace (they would be made in the host's, \"/proc\" first)");
    EXPECT_EQ(
        error_after([&](Spec& s) {
            drop_mnt(s);
            s.mounts.clear();
            s.linux_->masked_paths = {"/proc/kcore"};
            s.linux_->readonly_paths.clear();
        }),
        "linux.maskedPaths: needs a mount namespace (it would mask the host's \"/proc/kcore\")");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop_mnt(s);
                  s.mounts.clear();
                  s.linux_->masked_paths.clear();
                  s.linux_->readonly_paths = {"/proc/sys"};
              }),
              "linux.readonlyPaths: needs a mount namespace (it would make the host's "
              "\"/proc/sys\" read-only)");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop_mnt(s);
                  s.mounts.clear();
                  s.linux_->masked_paths.clear();
                  s.linux_->readonly_paths.clear();
                  s.root->readonly = true;
              }),
              "root.readonly: needs a mount namespace (it would make the host's / read-only)");
    // Otherwise it is valid: the container shares the runtime's mounts.
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop_mnt(s);
                  s.mounts.clear();
                  s.linux_->masked_paths.clear();
                  s.linux_->readonly_paths.clear();
                  s.root->readonly = false;
              }),
              "");
}

TEST_F(Validate, TimeOffsets) {
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->time_offsets["monotonic"] = {5, 0};
              }),
              "linux.timeOffsets: set without a time namespace");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"time", ""});
                  s.linux_->time_offsets["realtime"] = {5, 0};
              }),
              "linux.timeOffsets: unknown clock \"realtime\"");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->namespaces.push_back({"time", ""});
                  s.linux_->time_offsets["boottime"] = {5, 7};
              }),
              "");
}

TEST_F(Validate, Sysctls) {
    auto drop = [](Spec& s, const char* type) {
        std::erase_if(s.linux_->namespaces, [&](auto& n) { return n.type == type; });
    };
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->sysctl["net.ipv4.ip_forward"] = "1"; }), "");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop(s, "network");
                  s.linux_->sysctl["net.ipv4.ip_forward"] = "1";
              }),
              "linux.sysctl.net.ipv4.ip_forward: needs a network namespace");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop(s, "ipc");
                  s.linux_->sysctl["kernel.shmmax"] = "1";
              }),
              "linux.sysctl.kernel.shmmax: needs an ipc namespace");
    EXPECT_EQ(error_after([&](Spec& s) {
                  drop(s, "ipc");
                  s.linux_->sysctl["fs.mqueue.msg_max"] = "1";
              }),
              "linux.sysctl.fs.mqueue.msg_max: needs an ipc namespace");
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->sysctl["kernel.shmmax"] = "1"; }), "");
    // Both ways of setting the host name at once conflict (#11).
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->sysctl["kernel.hostname"] = "other"; }),
              "linux.sysctl.kernel.hostname: \"other\" conflicts with hostname \"nook\"");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.domainname = "example.org";
                  s.linux_->sysctl["kernel.domainname"] = "other.org";
              }),
              "linux.sysctl.kernel.domainname: \"other.org\" conflicts with domainname "
              "\"example.org\"");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.hostname.clear();
                  s.linux_->sysctl["kernel.hostname"] = "other";
              }),
              "");
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->sysctl["vm.swappiness"] = "1"; }),
              "linux.sysctl.vm.swappiness: is not namespaced, so a container may not set it");
}

TEST_F(Validate, Devices) {
    Device d;
    d.path = "dev/null";
    d.type = "c";
    EXPECT_EQ(error_after([&](Spec& s) { s.linux_->devices.push_back(d); }),
              "linux.devices[0].path: \"dev/null\" is not an absolute path");
    d.path = "/dev/null";
    d.type = "x";
    EXPECT_EQ(error_after([&](Spec& s) { s.linux_->devices.push_back(d); }),
              "linux.devices[0].type: \"x\" is not one of c, b, u, p");
    d.type = "p";
    EXPECT_EQ(error_after([&](Spec& s) { s.linux_->devices.push_back(d); }), "");
}

TEST_F(Validate, Rlimits) {
    EXPECT_EQ(error_after([](Spec& s) {
                  s.process->rlimits.push_back({"RLIMIT_FOO", 1, 1});
              }),
              "process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.process->rlimits.push_back({"RLIMIT_NOFILE", 1, 1});
              }),
              "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
    EXPECT_EQ(error_after([](Spec& s) { s.process->rlimits[0].soft = 2048; }),
              "process.rlimits[0]: soft 2048 exceeds hard 1024");
}

TEST_F(Validate, Hooks) {
    EXPECT_EQ(error_after([](Spec& s) {
                  s.hooks = Hooks{};
                  s.hooks->poststop.push_back({"/bin/true", {}, {}, std::nullopt});
                  s.hooks->poststop.push_back({"true", {}, {}, std::nullopt});
              }),
              "hooks.poststop[1].path: \"true\" is not an absolute path");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.hooks = Hooks{};
                  s.hooks->create_runtime.push_back({"/bin/true", {}, {}, 0});
              }),
              "hooks.createRuntime[0].timeout: 0 is not positive");
}

TEST_F(Validate, CapabilityNames) {
    EXPECT_EQ(
        error_after([](Spec& s) { s.process->capabilities->effective.push_back("SYS_ADMIN"); }),
        "process.capabilities.effective[3]: \"SYS_ADMIN\" is not a capability name (CAP_*)");
}

TEST_F(Validate, Seccomp) {
    EXPECT_EQ(error_after([](Spec& s) { s.linux_->seccomp = Seccomp{}; }),
              "linux.seccomp.defaultAction: missing");
    EXPECT_EQ(error_after([](Spec& s) {
                  s.linux_->seccomp = Seccomp{};
                  s.linux_->seccomp->default_action = "SCMP_ACT_ALLOW";
                  s.linux_->seccomp->syscalls.push_back({{}, "SCMP_ACT_ERRNO", std::nullopt, {}});
              }),
              "linux.seccomp.syscalls[0].names: must not be empty");
}

TEST(Namespaces, FindAndHas) {
    Spec s;
    EXPECT_EQ(find_namespace(s, "pid"), nullptr);
    s.linux_ = Linux{};
    s.linux_->namespaces = {{"pid", ""}, {"network", "/proc/1/ns/net"}};
    ASSERT_NE(find_namespace(s, "network"), nullptr);
    EXPECT_EQ(find_namespace(s, "network")->path, "/proc/1/ns/net");
    EXPECT_TRUE(has_namespace(s, "pid"));
    EXPECT_FALSE(has_namespace(s, "user"));
}

}  // namespace
}  // namespace nook::oci
