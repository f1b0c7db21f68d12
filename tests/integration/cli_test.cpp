// Verbs and flags beyond the basic lifecycle: spec, features, --no-pivot,
// --no-new-keyring and namespaces joined by path.
#include <fstream>

#include "fixture.h"

namespace itest {
namespace {

using Cli = RuntimeTest;

TEST_F(Cli, SpecWritesARunnableDefaultConfig) {
    std::remove((bundle.dir() + "/config.json").c_str());
    CmdResult r = rt({"spec", "--bundle", bundle.dir()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    Json c = Json::parse(read_file(bundle.dir() + "/config.json"), nullptr, false);
    ASSERT_TRUE(c.is_object()) << "spec did not write JSON";
    EXPECT_TRUE(c.contains("ociVersion"));
    EXPECT_EQ(c["root"]["path"], "rootfs");
    EXPECT_TRUE(c["process"]["args"].is_array());
    // A second spec refuses to overwrite.
    EXPECT_NE(rt({"spec", "--bundle", bundle.dir()}).exit_code, 0);
    // The default config runs once the terminal is off (the test has no tty).
    c["process"]["terminal"] = false;
    c["process"]["args"] = {"/probe", "pid"};
    bundle.config() = c;
    bundle.write_config();
    std::string id = rt.new_id();
    r = rt({"run", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), "1");
}

TEST_F(Cli, SpecRootlessAddsUserNamespace) {
    std::remove((bundle.dir() + "/config.json").c_str());
    ASSERT_EQ(rt({"spec", "--rootless", "--bundle", bundle.dir()}).exit_code, 0);
    Json c = Json::parse(read_file(bundle.dir() + "/config.json"), nullptr, false);
    ASSERT_TRUE(c.is_object());
    bool user = false;
    for (const auto& ns : c["linux"]["namespaces"]) user |= ns.value("type", "") == "user";
    EXPECT_TRUE(user) << c["linux"]["namespaces"].dump();
    EXPECT_FALSE(c["linux"]["uidMappings"].empty());
}

TEST_F(Cli, FeaturesDescribesTheRuntime) {
    CmdResult r = rt({"features"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    Json f = Json::parse(r.out, nullptr, false);
    ASSERT_TRUE(f.is_object()) << r.out;
    EXPECT_TRUE(f.contains("ociVersionMin"));
    EXPECT_TRUE(f.contains("ociVersionMax"));
    auto has = [](const Json& list, const std::string& v) {
        return list.is_array() && std::find(list.begin(), list.end(), Json(v)) != list.end();
    };
    for (const char* hook : {"prestart", "createRuntime", "createContainer", "startContainer",
                             "poststart", "poststop"})
        EXPECT_TRUE(has(f["hooks"], hook)) << hook;
    for (const char* ns : {"pid", "network", "mount", "ipc", "uts", "user", "cgroup"})
        EXPECT_TRUE(has(f["linux"]["namespaces"], ns)) << ns;
    EXPECT_TRUE(has(f["mountOptions"], "nosuid"));
    EXPECT_TRUE(f["linux"]["seccomp"].value("enabled", false));
    EXPECT_TRUE(has(f["linux"]["seccomp"]["actions"], "SCMP_ACT_ERRNO"));
}

TEST_F(Cli, NoPivot) {
    CmdResult r = run({"/probe", "pid"}, {}, {"--no-pivot"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), "1");
    // The rootfs is still the container's root.
    r = run({"/probe", "stat", "/probe"}, {}, {"--no-pivot"});
    EXPECT_EQ(kv(r.out, "type"), "file") << r.describe();
}

TEST_F(Cli, NoNewKeyringIsAccepted) {
    CmdResult r = run({"/probe", "pid"}, {}, {"--no-new-keyring"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), "1");
}

TEST_F(Cli, JoinsNamespaceByPath) {
    bundle.config()["hostname"] = "first-box";
    std::string first = start_sleeper();
    ASSERT_FALSE(first.empty());
    const std::string uts = "/proc/" + std::to_string(state_pid(first)) + "/ns/uts";

    // A second container joining the first one's UTS namespace sees its hostname.
    Bundle second;
    second.config().erase("hostname");
    for (auto& ns : second.config()["linux"]["namespaces"])
        if (ns["type"] == "uts") ns["path"] = uts;
    second.set_args({"/probe", "hostname"});
    second.write_config();
    CmdResult r = rt({"run", "--bundle", second.dir(), rt.new_id()});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(trim(r.out), "first-box");
}

}  // namespace
}  // namespace itest
