#include <gtest/gtest.h>

#include "image/auth.h"
#include "image/reference.h"

using namespace nook::image;

TEST(Reference, DockerHubOfficialImageGetsLibraryAndLatest) {
    auto r = parse_reference("busybox");
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->domain, "docker.io");
    EXPECT_EQ(r->path, "library/busybox");
    EXPECT_EQ(r->tag, "latest");
    EXPECT_EQ(r->str(), "docker.io/library/busybox:latest");
    EXPECT_EQ(r->familiar(), "busybox:latest");
    EXPECT_EQ(r->registry_host(), "registry-1.docker.io");
}

TEST(Reference, UserRepoOnHubAndIndexAlias) {
    auto r = parse_reference("index.docker.io/someone/app:v1");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->str(), "docker.io/someone/app:v1");
    EXPECT_EQ(r->familiar(), "someone/app:v1");
}

TEST(Reference, RegistryWithPortAndDigest) {
    std::string d = "sha256:" + std::string(64, 'a');
    auto r = parse_reference("localhost:5000/a/b@" + d);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->domain, "localhost:5000");
    EXPECT_EQ(r->path, "a/b");
    EXPECT_EQ(r->tag, "");
    EXPECT_EQ(r->digest, d);
    EXPECT_EQ(r->familiar(), "localhost:5000/a/b@" + d);
}

TEST(Reference, TagAndDigestTogether) {
    std::string d = "sha256:" + std::string(64, 'b');
    auto r = parse_reference("quay.io/x/y:3.1@" + d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tag, "3.1");
    EXPECT_EQ(r->digest, d);
}

TEST(Reference, FirstComponentWithoutDotIsAPath) {
    auto r = parse_reference("myuser/app");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->domain, "docker.io");
    EXPECT_EQ(r->path, "myuser/app");
}

TEST(Reference, RejectsBadInput) {
    EXPECT_FALSE(parse_reference("").ok());
    EXPECT_FALSE(parse_reference("UPPER/case").ok());
    EXPECT_FALSE(parse_reference("a//b").ok());
    EXPECT_FALSE(parse_reference("busybox:bad tag").ok());
    EXPECT_FALSE(parse_reference("busybox@sha256:abc").ok());
    EXPECT_FALSE(parse_reference("busybox@md5:" + std::string(32, 'a')).ok());
    EXPECT_FALSE(parse_reference("-leading").ok());
    EXPECT_FALSE(parse_reference("a" + std::string(300, 'b')).ok());
}

TEST(Reference, NoDefaultTagVariant) {
    auto r = parse_reference_no_default("busybox");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tag, "");
}

TEST(Auth, ParsesBearerChallenge) {
    auto c = parse_challenge(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->scheme, "bearer");
    EXPECT_EQ(c->params["realm"], "https://auth.docker.io/token");
    EXPECT_EQ(c->params["service"], "registry.docker.io");
    EXPECT_EQ(c->params["scope"], "repository:library/busybox:pull");
}

TEST(Auth, Base64RoundTrip) {
    for (std::string s : {"", "a", "ab", "abc", "user:pässword"}) {
        auto d = base64_decode(base64_encode(s));
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(*d, s);
    }
    EXPECT_EQ(base64_encode("nook:pw"), "bm9vazpwdw==");
}
