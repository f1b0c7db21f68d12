// Content store: verified blob writes, tags, removal and garbage collection.
#include <gtest/gtest.h>

#include <filesystem>

#include "image/images.h"
#include "image/store.h"
#include "sys/file.h"

using namespace nook;
using namespace nook::image;
namespace fs = std::filesystem;

namespace {
class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nook-store-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        auto s = Store::open(dir_);
        ASSERT_TRUE(s.ok());
        store_ = std::make_unique<Store>(std::move(*s));
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string dir_;
    std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, BlobIsVerifiedOnWrite) {
    auto d = store_->put_blob("hello");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, sha256_digest("hello"));
    EXPECT_TRUE(store_->has_blob(*d));
    auto bad = store_->put_blob("other", sha256_digest("hello!"));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().what().find("digest mismatch"), std::string::npos);
    EXPECT_FALSE(store_->has_blob(sha256_digest("other")));
    // Nothing half-written is left behind.
    EXPECT_TRUE(fs::is_empty(dir_ + "/image/tmp"));
}

TEST_F(StoreTest, CorruptBlobIsDetectedOnRead) {
    auto d = store_->put_blob("payload");
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(sys::write_file_atomic(store_->blob_path(*d), "tampered").ok());
    EXPECT_FALSE(store_->read_blob(*d).ok());
}

TEST_F(StoreTest, TagsMoveAndGcRemovesUnreferenced) {
    ImageRecord a;
    a.id = *store_->put_blob("config-a");
    a.manifest_digest = *store_->put_blob("manifest-a");
    a.repo_tags = {"docker.io/library/x:1"};
    ASSERT_TRUE(store_->add_image(a).ok());
    ImageRecord b;
    b.id = *store_->put_blob("config-b");
    b.manifest_digest = *store_->put_blob("manifest-b");
    b.repo_tags = {"docker.io/library/x:1"};  // takes the tag from a
    ASSERT_TRUE(store_->add_image(b).ok());
    EXPECT_EQ(store_->resolve("x:1")->id, b.id);
    EXPECT_EQ(store_->resolve(short_id(a.id))->id, a.id);
    ASSERT_TRUE(store_->tag(a.id, *parse_reference("y")).ok());
    EXPECT_EQ(store_->resolve("y:latest")->id, a.id);

    auto orphan = *store_->put_blob("orphan");
    auto freed = store_->collect_garbage();
    ASSERT_TRUE(freed.ok());
    EXPECT_FALSE(store_->has_blob(orphan));
    EXPECT_TRUE(store_->has_blob(a.id));

    auto lines = remove_image(*store_, "y", false);
    ASSERT_TRUE(lines.ok()) << lines.error().what();
    EXPECT_FALSE(store_->resolve(a.id).ok());
    ASSERT_TRUE(store_->collect_garbage().ok());
    EXPECT_FALSE(store_->has_blob(a.id));
    EXPECT_TRUE(store_->has_blob(b.id));
}

TEST_F(StoreTest, RmiRefusesImageInUse) {
    ImageRecord a;
    a.id = *store_->put_blob("config-c");
    a.manifest_digest = *store_->put_blob("manifest-c");
    a.repo_tags = {"docker.io/library/z:latest"};
    ASSERT_TRUE(store_->add_image(a).ok());
    fs::create_directories(dir_ + "/image/containers/c1");
    ASSERT_TRUE(sys::write_file_atomic(dir_ + "/image/containers/c1/image", a.id).ok());
    auto r = remove_image(*store_, "z", false);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("in use"), std::string::npos);
    EXPECT_TRUE(remove_image(*store_, "z", true).ok());
}
}  // namespace
