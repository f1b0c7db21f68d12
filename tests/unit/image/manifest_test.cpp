#include <gtest/gtest.h>

#include "image/manifest.h"

using namespace nook::image;

namespace {
std::string dg(char c) {
    return "sha256:" + std::string(64, c);
}

std::string oci_manifest(const std::string& layer_type = media::kOciLayerGzip) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
      "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
           dg('c') + R"(","size":10},
      "layers":[{"mediaType":")" +
           layer_type + R"(","digest":")" + dg('1') + R"(","size":100}]})";
}
}  // namespace

TEST(Manifest, ParsesOciManifest) {
    auto m = parse_manifest(oci_manifest());
    ASSERT_TRUE(m.ok()) << m.error().what();
    EXPECT_EQ(m->media_type, media::kOciManifest);
    EXPECT_EQ(m->config.digest, dg('c'));
    ASSERT_EQ(m->layers.size(), 1u);
    EXPECT_EQ(m->layers[0].size, 100);
    // Serialising and parsing again keeps everything.
    auto again = parse_manifest(serialize_manifest(*m));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->layers[0].digest, dg('1'));
}

TEST(Manifest, ParsesDockerSchema2FromContentType) {
    std::string body =
        R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" +
        dg('c') + R"(","size":5},"layers":[]})";
    auto mt = detect_media_type(body, "application/vnd.docker.distribution.manifest.v2+json");
    ASSERT_TRUE(mt.ok());
    EXPECT_EQ(*mt, media::kDockerManifest);
}

TEST(Manifest, RejectsUnknownLayerTypeAndMalformedDocuments) {
    auto m = parse_manifest(oci_manifest("application/x-evil"));
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().what().find("unsupported media type"), std::string::npos);
    EXPECT_FALSE(parse_manifest("not json").ok());
    EXPECT_FALSE(
        parse_manifest(
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})")
            .ok());
    // A digest that is not sha256:<64 hex>.
    std::string bad = oci_manifest();
    bad.replace(bad.find(dg('1')), 71, "sha256:xyz");
    EXPECT_FALSE(parse_manifest(bad).ok());
    auto s1 = detect_media_type(R"({"schemaVersion":1,"fsLayers":[]})", "");
    ASSERT_FALSE(s1.ok());
    EXPECT_NE(s1.error().what().find("schema 1"), std::string::npos);
    EXPECT_FALSE(detect_media_type(R"({"mediaType":"application/vnd.unknown+json"})", "").ok());
}

TEST(Index, PicksRequestedPlatform) {
    std::string body =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
        dg('a') + R"(","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
        dg('b') + R"(","size":1,"platform":{"os":"linux","architecture":"amd64"}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
        dg('e') + R"(","size":1,"platform":{"os":"unknown","architecture":"unknown"}}]})";
    auto idx = parse_index(body);
    ASSERT_TRUE(idx.ok()) << idx.error().what();
    ASSERT_EQ(idx->manifests.size(), 3u);
    Platform amd64;
    auto d = select_platform(*idx, amd64);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->digest, dg('b'));
    auto arm = select_platform(*idx, *parse_platform("linux/arm64"));
    ASSERT_TRUE(arm.ok());
    EXPECT_EQ(arm->digest, dg('a'));
    auto none = select_platform(*idx, *parse_platform("linux/s390x"));
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().what().find("linux/amd64"), std::string::npos);  // lists what exists
}

TEST(Platform, ParsesForms) {
    auto p = parse_platform("linux/arm/v7");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->architecture, "arm");
    EXPECT_EQ(p->variant, "v7");
    EXPECT_EQ(parse_platform("x86_64")->architecture, "amd64");
    EXPECT_FALSE(parse_platform("a/b/c/d").ok());
    EXPECT_FALSE(parse_platform("linux/").ok());
}

TEST(Config, ParsesDiffIdsAndHistory) {
    std::string body = R"({"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
      "rootfs":{"type":"layers","diff_ids":[")" +
                       dg('d') + R"("]},
      "history":[{"created_by":"ADD x","empty_layer":false},{"created_by":"CMD","empty_layer":true}]})";
    auto c = parse_config(body);
    ASSERT_TRUE(c.ok()) << c.error().what();
    EXPECT_EQ(c->diff_ids, std::vector<std::string>{dg('d')});
    ASSERT_EQ(c->history.size(), 2u);
    EXPECT_TRUE(c->history[1].empty_layer);
    EXPECT_FALSE(parse_config(R"({"architecture":"amd64"})").ok());
    EXPECT_FALSE(parse_config(R"({"rootfs":{"diff_ids":["nope"]}})").ok());
}
