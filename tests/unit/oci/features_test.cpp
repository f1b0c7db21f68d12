#include "oci/features.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace nook::oci {
namespace {

bool has(const nlohmann::json& arr, const std::string& v) {
    return std::find(arr.begin(), arr.end(), v) != arr.end();
}

TEST(Features, HasRequiredKeysAndDefaults) {
    FeatureSet f;
    f.capabilities = {"CAP_CHOWN", "CAP_KILL"};
    f.seccomp_actions = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"};
    f.seccomp_operators = {"SCMP_CMP_EQ"};
    f.seccomp_archs = {"SCMP_ARCH_X86_64"};
    f.seccomp_known_flags = {"SECCOMP_FILTER_FLAG_LOG"};
    f.seccomp_supported_flags = {"SECCOMP_FILTER_FLAG_LOG"};
    f.annotations["io.github.nook.version"] = "0.1.0";
    auto j = nlohmann::json::parse(features_json(f));

    EXPECT_EQ(j["ociVersionMin"], "1.0.0");
    EXPECT_EQ(j["ociVersionMax"], kSpecVersion);
    EXPECT_EQ(j["hooks"].size(), 6u);
    EXPECT_TRUE(has(j["hooks"], "createRuntime"));
    EXPECT_TRUE(has(j["mountOptions"], "nosuid"));
    EXPECT_TRUE(has(j["mountOptions"], "rbind"));
    EXPECT_FALSE(has(j["mountOptions"], "rro"));
    EXPECT_FALSE(has(j["mountOptions"], "idmap"));

    const auto& l = j["linux"];
    EXPECT_EQ(l["namespaces"].size(), 8u);
    EXPECT_TRUE(has(l["namespaces"], "time"));
    EXPECT_EQ(l["capabilities"], nlohmann::json({"CAP_CHOWN", "CAP_KILL"}));
    EXPECT_EQ(l["cgroup"],
              nlohmann::json::parse(
                  R"({"v1":true,"v2":true,"systemd":false,"systemdUser":false,"rdma":true})"));
    EXPECT_EQ(l["seccomp"]["enabled"], true);
    EXPECT_EQ(l["seccomp"]["actions"].size(), 2u);
    EXPECT_EQ(l["seccomp"]["operators"][0], "SCMP_CMP_EQ");
    EXPECT_EQ(l["seccomp"]["archs"][0], "SCMP_ARCH_X86_64");
    EXPECT_EQ(l["seccomp"]["knownFlags"][0], "SECCOMP_FILTER_FLAG_LOG");
    EXPECT_EQ(l["seccomp"]["supportedFlags"][0], "SECCOMP_FILTER_FLAG_LOG");
    EXPECT_EQ(l["apparmor"]["enabled"], false);
    EXPECT_EQ(l["selinux"]["enabled"], false);
    EXPECT_EQ(l["intelRdt"]["enabled"], false);
    EXPECT_EQ(l["mountExtensions"]["idmap"]["enabled"], false);
    EXPECT_EQ(j["annotations"]["io.github.nook.version"], "0.1.0");
}

// Lists not supplied are omitted ("unknown"), never written as empty ("none").
TEST(Features, UnsuppliedListsAreOmitted) {
    FeatureSet f;
    auto j = nlohmann::json::parse(features_json(f, false));
    EXPECT_FALSE(j["linux"].contains("capabilities"));
    EXPECT_FALSE(j["linux"]["seccomp"].contains("actions"));
    EXPECT_FALSE(j.contains("annotations"));
}

}  // namespace
}  // namespace nook::oci
