// Go's path.Match as docker's `images --filter reference=` uses it.
#include <gtest/gtest.h>

#include "image/image_list.h"

using nook::image::path_match;

namespace {

bool m(const std::string& p, const std::string& s) {
    auto r = path_match(p, s);
    EXPECT_TRUE(r.ok()) << p;
    return r.ok() && *r;
}

TEST(PathMatch, GoSemantics) {
    EXPECT_TRUE(m("busybox", "busybox"));
    EXPECT_TRUE(m("busy*", "busybox"));
    EXPECT_TRUE(m("*", "busybox:latest"));
    EXPECT_FALSE(m("*", "library/busybox"));  // '*' stops at '/'
    EXPECT_TRUE(m("*/*", "library/busybox"));
    EXPECT_TRUE(m("b?sybox", "busybox"));
    EXPECT_FALSE(m("b?sybox", "b/sybox"));
    EXPECT_TRUE(m("[a-c]usybox", "busybox"));
    EXPECT_FALSE(m("[^a-c]usybox", "busybox"));
    EXPECT_TRUE(m("snap:*", "snap:1"));
    EXPECT_FALSE(m("snap:*", "other/snap:1"));
    EXPECT_TRUE(m("a\\*b", "a*b"));
    EXPECT_FALSE(m("a\\*b", "axb"));
    EXPECT_TRUE(m("", ""));
    EXPECT_FALSE(m("", "x"));
}

TEST(PathMatch, BadPatternsFail) {
    for (const char* p : {"[", "[a-", "a\\", "[]", "[-a]"})
        EXPECT_FALSE(path_match(p, "abc").ok()) << p;
    // Go reports a bad pattern even when an earlier part fails to match.
    EXPECT_FALSE(path_match("x[", "abc").ok());
}

}  // namespace
