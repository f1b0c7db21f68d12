#include "runtime/security/capabilities.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include <algorithm>

namespace nook::runtime::security {
namespace {

TEST(Capabilities, NamesResolveToKernelNumbers) {
    EXPECT_EQ(*capability_number("CAP_CHOWN"), CAP_CHOWN);
    EXPECT_EQ(*capability_number("CAP_NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
    EXPECT_EQ(*capability_number("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
    EXPECT_EQ(*capability_number("CAP_CHECKPOINT_RESTORE"), 40);
}

TEST(Capabilities, NonCanonicalSpellingsAreUnknown) {
    for (const char* bad : {"CAP_FOO", "cap_chown", "CHOWN", "12", "CAP_", "", "CAP_Chown"}) {
        auto r = capability_number(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().what(), std::string("unknown capability \"") + bad + "\"");
    }
}

TEST(Capabilities, ErrorNamesTheList) {
    oci::Capabilities c;
    c.bounding = {"CAP_CHOWN"};
    c.ambient = {"CAP_KILL", "CAP_FOO"};
    auto r = parse_capabilities(c, 40);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "process.capabilities.ambient: unknown capability \"CAP_FOO\"");
    EXPECT_EQ(r.error().code(), EINVAL);
}

TEST(Capabilities, SetsBecomeMasks) {
    oci::Capabilities c;
    c.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"};
    c.effective = {"CAP_KILL"};
    c.permitted = {"CAP_KILL", "CAP_CHOWN"};
    c.inheritable = {};
    c.ambient = {"CAP_CHOWN"};
    auto r = parse_capabilities(c, 40);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->bounding, (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL) | (1ULL << CAP_SYS_ADMIN));
    EXPECT_EQ(r->effective, 1ULL << CAP_KILL);
    EXPECT_EQ(r->permitted, (1ULL << CAP_KILL) | (1ULL << CAP_CHOWN));
    EXPECT_EQ(r->inheritable, 0u);
    EXPECT_EQ(r->ambient, 1ULL << CAP_CHOWN);
}

TEST(Capabilities, CapsAboveKernelLastCapAreSkipped) {
    // Pretend the kernel stops at CAP_AUDIT_READ (37): BPF (39) and
    // CHECKPOINT_RESTORE (40) are known names but get dropped, not rejected.
    auto r = capability_mask({"CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"},
                             "process.capabilities.bounding", 37);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(*r, 1ULL << CAP_CHOWN);
}

TEST(Capabilities, KnownListRoundTrips) {
    auto names = known_capabilities();
    ASSERT_GE(names.size(), 41u);  // libcap 2.66 knows 0..40
    EXPECT_EQ(names.front(), "CAP_CHOWN");
    EXPECT_NE(std::find(names.begin(), names.end(), "CAP_SYS_ADMIN"), names.end());
    for (size_t i = 0; i < names.size(); ++i) {
        auto n = capability_number(names[i]);
        ASSERT_TRUE(n.ok()) << names[i];
        EXPECT_EQ(*n, static_cast<int>(i)) << names[i];
    }
}

}  // namespace
}  // namespace nook::runtime::security
