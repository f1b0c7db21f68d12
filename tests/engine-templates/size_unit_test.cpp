// volume prune's selection (anonymous vs named, -a, label filters, in use)
// against a temporary volume store, and ps's size text.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "engine/views/container_size.h"
#include "engine/volumes/volumes.h"

namespace nook::engine {
namespace {

namespace fs = std::filesystem;

class VolumePrune : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nook-templates-unit.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        paths_.root = tmpl;
        paths_.runroot = std::string(tmpl) + "/run";
        ASSERT_TRUE(create_volume(paths_, "named", {{"k", "v"}}).ok());
        ASSERT_TRUE(create_volume(paths_, kAnon1, {{kAnonymousVolumeLabel, ""}}).ok());
        ASSERT_TRUE(create_volume(paths_, kAnon2, {{kAnonymousVolumeLabel, ""}, {"k", "w"}}).ok());
        ASSERT_TRUE(create_volume(paths_, "busy", {}).ok());
        std::ofstream(paths_.root + "/volumes/" + kAnon1 + "/_data/f") << std::string(1500, 'x');
    }
    void TearDown() override { fs::remove_all(paths_.root); }

    std::vector<std::string> prune(bool all, const std::vector<std::string>& flags) {
        auto f = parse_volume_prune_filters(flags);
        EXPECT_TRUE(f.ok());
        auto rep = prune_unused_volumes(paths_, users_, all, *f);
        EXPECT_TRUE(rep.ok());
        EXPECT_TRUE(rep->errors.empty());
        reclaimed_ = rep->reclaimed;
        return rep->deleted;
    }
    std::vector<std::string> left() {
        std::vector<std::string> out;
        auto vols = list_volumes(paths_);
        EXPECT_TRUE(vols.ok());
        if (vols.ok())
            for (auto& v : *vols) out.push_back(v.name);
        return out;
    }

    static constexpr const char* kAnon1 =
        "1111111111111111111111111111111111111111111111111111111111111111";
    static constexpr const char* kAnon2 =
        "2222222222222222222222222222222222222222222222222222222222222222";
    Paths paths_;
    std::map<std::string, std::vector<std::string>> users_ = {{"busy", {"c1"}}};
    uint64_t reclaimed_ = 0;
};

TEST_F(VolumePrune, DefaultRemovesOnlyUnusedAnonymous) {
    EXPECT_EQ(prune(false, {}), (std::vector<std::string>{kAnon1, kAnon2}));
    EXPECT_EQ(reclaimed_, 1500u);
    EXPECT_EQ(left(), (std::vector<std::string>{"busy", "named"}));
}

TEST_F(VolumePrune, AllRemovesNamedButNeverUsed) {
    EXPECT_EQ(prune(true, {}), (std::vector<std::string>{kAnon1, kAnon2, "named"}));
    EXPECT_EQ(left(), std::vector<std::string>{"busy"});
}

TEST_F(VolumePrune, AllFilterActsAsFlag) {
    EXPECT_EQ(prune(false, {"all=true"}).size(), 3u);
}

TEST_F(VolumePrune, LabelFilters) {
    EXPECT_EQ(prune(true, {"label=k"}), (std::vector<std::string>{kAnon2, "named"}));
    EXPECT_EQ(left(), (std::vector<std::string>{kAnon1, "busy"}));
}

TEST_F(VolumePrune, LabelValueAndNegation) {
    EXPECT_EQ(prune(true, {"label=k=v"}), std::vector<std::string>{"named"});
    EXPECT_EQ(prune(false, {"label!=k"}), std::vector<std::string>{kAnon1});
    EXPECT_EQ(left(), (std::vector<std::string>{kAnon2, "busy"}));
}

TEST(VolumePruneFilters, BadFiltersNameTheFlag) {
    for (const char* bad : {"name=x", "dangling=true", "label", "label==v", "all=maybe", "=x"}) {
        auto f = parse_volume_prune_filters({bad});
        ASSERT_FALSE(f.ok()) << bad;
        EXPECT_NE(f.error().message().find(std::string("--filter ") + bad), std::string::npos)
            << f.error().message();
    }
    auto f = parse_volume_prune_filters({"label=a=b", "label!=c", "all=1"});
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->labels, std::vector<std::string>{"a=b"});
    EXPECT_EQ(f->not_labels, std::vector<std::string>{"c"});
    EXPECT_TRUE(f->all);
}

TEST(PsViewSize, DockerSizeText) {
    EXPECT_EQ(human_size3(0), "0B");
    EXPECT_EQ(human_size3(12), "12B");
    EXPECT_EQ(human_size3(1048576), "1.05MB");
    EXPECT_EQ(human_size3(4200000), "4.2MB");
    EXPECT_EQ(human_size3(999999), "1e+03kB");  // %.3g, as docker's HumanSizeWithPrecision
    EXPECT_EQ(size_text({12, 4200012}), "12B (virtual 4.2MB)");
    EXPECT_EQ(size_text({0, 0}), "0B");
}

TEST(PsViewSize, WritableLayerAndImage) {
    char tmpl[] = "/tmp/nook-templates-size.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    Paths p{tmpl, std::string(tmpl) + "/run"};
    const std::string upper = p.root + "/image/containers/abc/upper";
    fs::create_directories(upper + "/d");
    std::ofstream(upper + "/d/f") << std::string(3000, 'x');
    auto s = container_sizes(p, "abc", "sha256:feed", {{"feed", 5000}});
    EXPECT_EQ(s.rw, 3000);
    EXPECT_EQ(s.root_fs, 8000);
    auto none = container_sizes(p, "nosuch", "sha256:gone", {});
    EXPECT_EQ(none.rw, 0);
    EXPECT_EQ(none.root_fs, 0);
    fs::remove_all(tmpl);
}

}  // namespace
}  // namespace nook::engine
