// A container's upper dir as docker diff and as a layer tar (whiteouts and
// opaque dirs round-trip through the unpacker), and IngestGuard's rollback.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "image/ingest_guard.h"
#include "image/layer_diff.h"
#include "image/store.h"
#include "image/unpack.h"
#include "sys/file.h"

using namespace nook;
using namespace nook::image;
namespace fs = std::filesystem;

namespace {

void write(const std::string& p, const std::string& data) {
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p) << data;
}

class LayerDiff : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nook-layerdiff-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        base_ = tmpl;
        lower_ = base_ + "/lower";
        upper_ = base_ + "/upper";
        // Lower: /etc/old, /etc/keep, /opq/a, /gone
        write(lower_ + "/etc/old", "1");
        write(lower_ + "/etc/keep", "k");
        write(lower_ + "/opq/a", "a");
        write(lower_ + "/gone", "g");
        // Upper: /etc/old changed, /etc/new added, /gone deleted, /opq opaque
        // with /opq/b, /etc/keep untouched.
        write(upper_ + "/etc/old", "2");
        write(upper_ + "/etc/new", "n");
        ASSERT_EQ(mknod((upper_ + "/gone").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
        write(upper_ + "/opq/b", "b");
        ASSERT_EQ(setxattr((upper_ + "/opq").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
        ASSERT_EQ(setxattr((upper_ + "/etc").c_str(), "trusted.overlay.origin", "x", 1, 0), 0);
    }
    void TearDown() override { fs::remove_all(base_); }
    std::string base_, lower_, upper_;
};

TEST_F(LayerDiff, ChangesAsDocker) {
    auto c = upper_changes(upper_, {lower_});
    ASSERT_TRUE(c.ok()) << c.error().what();
    std::string got;
    for (auto& x : *c) got += std::string(1, x.kind) + " " + x.path + "\n";
    EXPECT_EQ(got, "C /etc\nA /etc/new\nC /etc/old\nD /gone\nC /opq\nD /opq/a\nA /opq/b\n");
}

TEST_F(LayerDiff, LayerTarRoundTripsWhiteoutsAndOpaqueDirs) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    Status ws;
    std::thread w([&] {
        ws = write_tree_tar(upper_, p[1], TreeTar::overlay_upper);
        close(p[1]);
    });
    std::string out = base_ + "/out";
    fs::create_directories(out);
    auto r = unpack_layer(p[0], out, {});
    w.join();
    close(p[0]);
    ASSERT_TRUE(ws.ok()) << ws.error().what();
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(*sys::read_file(out + "/etc/old"), "2");
    EXPECT_EQ(*sys::read_file(out + "/opq/b"), "b");
    struct stat st;
    ASSERT_EQ(lstat((out + "/gone").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
    char v[8];
    ASSERT_EQ(getxattr((out + "/opq").c_str(), "trusted.overlay.opaque", v, sizeof(v)), 1);
    // overlay's bookkeeping from the upper dir is not part of the layer.
    EXPECT_LT(getxattr((out + "/etc").c_str(), "trusted.overlay.origin", v, sizeof(v)), 0);
    EXPECT_FALSE(fs::exists(out + "/.wh.gone"));
}

TEST_F(LayerDiff, RedirectedDirectoryIsRefused) {
    ASSERT_EQ(setxattr((upper_ + "/etc").c_str(), "trusted.overlay.redirect", "/x", 2, 0), 0);
    auto c = upper_changes(upper_, {lower_});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().what().find("/etc"), std::string::npos) << c.error().what();
}

TEST(IngestGuardTest, RollbackRemovesOnlyWhatAppeared) {
    char tmpl[] = "/tmp/nook-guard-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    std::string dir = tmpl;
    auto s = Store::open(dir);
    ASSERT_TRUE(s.ok());
    auto old = s->put_blob("already here");
    ASSERT_TRUE(old.ok());
    ImageRecord used;
    used.id = *old;
    used.repo_tags = {"docker.io/library/x:1"};
    ASSERT_TRUE(s->add_image(used).ok());
    std::string fresh, referenced;
    {
        auto g = IngestGuard::begin(*s);
        ASSERT_TRUE(g.ok()) << g.error().what();
        fresh = *s->put_blob("new blob");
        ASSERT_TRUE(sys::write_file_atomic(dir + "/image/tmp/partial-abc", "x").ok());
        ASSERT_TRUE(s->put_blob("already here").ok());
        fs::create_directories(dir + "/image/snapshots/" + std::string(64, 'a'));
    }  // not committed: rolled back
    EXPECT_TRUE(s->has_blob(*old));
    EXPECT_FALSE(s->has_blob(fresh));
    EXPECT_TRUE(fs::is_empty(dir + "/image/tmp"));
    EXPECT_TRUE(fs::is_empty(dir + "/image/snapshots"));
    {
        auto g = IngestGuard::begin(*s);
        ASSERT_TRUE(g.ok());
        fresh = *s->put_blob("kept");
        g->commit();
    }
    EXPECT_TRUE(s->has_blob(fresh));
    fs::remove_all(dir);
}

}  // namespace
