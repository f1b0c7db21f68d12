// The unpacker against hand-made tarballs, malicious ones included. Each test
// unpacks into <tmp>/root and keeps a sentinel directory <tmp>/outside that
// nothing may touch.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <thread>

#include "image/digest.h"
#include "image/unpack.h"
#include "sys/file.h"
#include "tar_builder.h"

using namespace nook;
using namespace nook::image;
using nook::test::TarBuilder;
namespace fs = std::filesystem;

namespace {

class Unpack : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nook-unpack-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        base_ = tmpl;
        root_ = base_ + "/root";
        outside_ = base_ + "/outside";
        fs::create_directories(root_ + "/a");  // nested target: escapes need more than one ".."
        root_ += "/a";
        fs::create_directories(outside_);
        ASSERT_TRUE(sys::write_file_atomic(outside_ + "/secret", "s3cret").ok());
    }
    void TearDown() override { fs::remove_all(base_); }

    Result<UnpackResult> unpack(const std::string& data, UnpackOptions o = {}) {
        int p[2];
        EXPECT_EQ(pipe(p), 0);
        std::thread w([&, fd = p[1]] {
            (void)sys::write_all(fd, data);
            close(fd);
        });
        auto r = unpack_layer(p[0], root_, o);
        close(p[0]);
        w.join();
        return r;
    }
    // Everything under outside_ is exactly what SetUp put there.
    void expect_outside_untouched() {
        size_t n = 0;
        for (auto& e : fs::recursive_directory_iterator(outside_)) {
            (void)e;
            n++;
        }
        EXPECT_EQ(n, 1u) << "something was created outside the target";
        struct stat st;
        ASSERT_EQ(stat((outside_ + "/secret").c_str(), &st), 0);
        EXPECT_EQ(st.st_nlink, 1u) << "outside file gained a hard link";
        EXPECT_EQ(*sys::read_file(outside_ + "/secret"), "s3cret");
        EXPECT_FALSE(fs::exists(base_ + "/root/pwned"));
        EXPECT_FALSE(fs::exists(base_ + "/pwned"));
    }

    std::string base_, root_, outside_;
};

TEST_F(Unpack, RegularTreeWithMetadata) {
    auto tar = TarBuilder()
                   .dir("etc")
                   .file("etc/hosts", "127.0.0.1 x\n", 0640)
                   .symlink("etc/link", "hosts")
                   .hardlink("etc/hosts2", "etc/hosts")
                   .chardev("dev-null", 1, 3)
                   .finish();
    auto r = unpack(tar);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->diff_id, sha256_digest(tar));
    EXPECT_EQ(*sys::read_file(root_ + "/etc/hosts"), "127.0.0.1 x\n");
    struct stat st;
    ASSERT_EQ(stat((root_ + "/etc/hosts").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_mtime, 1700000000);
    EXPECT_EQ(st.st_nlink, 2u);
    EXPECT_EQ(fs::read_symlink(root_ + "/etc/link"), "hosts");
    ASSERT_EQ(lstat((root_ + "/dev-null").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(1, 3));
    ASSERT_EQ(stat((root_ + "/etc").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, 1700000000);  // set after its children were written
}

TEST_F(Unpack, DotDotTraversalIsRejected) {
    auto r = unpack(TarBuilder().file("../../outside/pwned", "x").finish());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("escapes"), std::string::npos) << r.error().what();
    r = unpack(TarBuilder().file("ok/../../pwned", "x").finish());
    ASSERT_FALSE(r.ok());
    expect_outside_untouched();
}

TEST_F(Unpack, AbsolutePathIsContained) {
    std::string abs = outside_ + "/pwned";
    auto r = unpack(TarBuilder().file(abs, "x").finish());
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_TRUE(fs::exists(root_ + abs));  // landed inside, under the same path
    expect_outside_untouched();
}

TEST_F(Unpack, SymlinkParentEscapeIsContained) {
    // Absolute and relative links that point outside, then files through them.
    auto tar = TarBuilder()
                   .symlink("abs", outside_)
                   .symlink("rel", "../../../outside")
                   .file("abs/pwned", "x")
                   .file("rel/pwned2", "y")
                   .finish();
    auto r = unpack(tar);
    // Either an error or the files land inside the root; never outside.
    if (r.ok()) {
        EXPECT_TRUE(fs::exists(root_ + outside_ + "/pwned"));
        EXPECT_TRUE(fs::exists(root_ + "/outside/pwned2"));
    }
    expect_outside_untouched();
}

TEST_F(Unpack, SymlinkReplacedThenWrittenThroughIsContained) {
    // A directory is replaced by a symlink in the same layer, then written into.
    auto tar =
        TarBuilder().dir("d").file("d/f", "1").symlink("d", outside_).file("d/pwned", "x").finish();
    auto r = unpack(tar);
    if (r.ok()) {
        EXPECT_TRUE(fs::exists(root_ + outside_ + "/pwned"));
    }
    expect_outside_untouched();
}

TEST_F(Unpack, HardLinkEscapeIsRejected) {
    EXPECT_FALSE(unpack(TarBuilder().hardlink("h1", "../../outside/secret").finish()).ok());
    // Absolute target resolves inside the root, where it does not exist.
    EXPECT_FALSE(unpack(TarBuilder().hardlink("h2", outside_ + "/secret").finish()).ok());
    // Through a symlink that points outside.
    EXPECT_FALSE(
        unpack(TarBuilder().symlink("l", outside_).hardlink("h3", "l/secret").finish()).ok());
    expect_outside_untouched();
}

TEST_F(Unpack, HugeHeaderFieldsFailCleanly) {
    auto r = unpack(TarBuilder().pax("path", std::string(200000, 'a')).file("x", "1").finish());
    ASSERT_FALSE(r.ok());
    r = unpack(TarBuilder().pax("path", std::string(300, 'b') + "/c").file("x", "1").finish());
    ASSERT_FALSE(r.ok());  // component longer than NAME_MAX
    r = unpack(TarBuilder().huge_size_header("big", 1ULL << 60).finish());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("big"), std::string::npos) << r.error().what();
    expect_outside_untouched();
}

TEST_F(Unpack, OverlayWhiteouts) {
    auto tar = TarBuilder()
                   .dir("d")
                   .file("d/.wh..wh..opq", "")
                   .file(".wh.gone", "")
                   .file("d/keep", "k")
                   .finish();
    auto r = unpack(tar);
    ASSERT_TRUE(r.ok()) << r.error().what();
    struct stat st;
    ASSERT_EQ(lstat((root_ + "/gone").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(0, 0));
    char v[8] = {};
    ASSERT_EQ(getxattr((root_ + "/d").c_str(), "trusted.overlay.opaque", v, sizeof(v)), 1);
    EXPECT_EQ(v[0], 'y');
    EXPECT_FALSE(fs::exists(root_ + "/.wh.gone"));
    EXPECT_FALSE(fs::exists(root_ + "/d/.wh..wh..opq"));
}

TEST_F(Unpack, OverlayPrivateXattrsFromTheTarAreDropped) {
    // A tar made from a raw overlay dir (or a hostile one) carries overlayfs'
    // own markers; stored as-is they make the file unreadable in a container.
    auto tar =
        TarBuilder()
            .pax({{"SCHILY.xattr.trusted.overlay.opaque", "y"}, {"SCHILY.xattr.user.keep", "1"}})
            .dir("d")
            .pax({{"SCHILY.xattr.trusted.overlay.redirect", "/elsewhere"},
                  {"SCHILY.xattr.trusted.overlay.metacopy", ""},
                  {"SCHILY.xattr.user.overlay.origin", "x"},
                  {"SCHILY.xattr.user.keep", "2"}})
            .file("d/f", "data")
            .finish();
    auto r = unpack(tar);
    ASSERT_TRUE(r.ok()) << r.error().what();
    char v[64];
    for (const char* n :
         {"trusted.overlay.redirect", "trusted.overlay.metacopy", "user.overlay.origin"})
        EXPECT_LT(lgetxattr((root_ + "/d/f").c_str(), n, v, sizeof(v)), 0) << n << " was stored";
    EXPECT_LT(lgetxattr((root_ + "/d").c_str(), "trusted.overlay.opaque", v, sizeof(v)), 0);
    // Other xattrs stay.
    ASSERT_EQ(lgetxattr((root_ + "/d/f").c_str(), "user.keep", v, sizeof(v)), 1);
    EXPECT_EQ(v[0], '2');
    ASSERT_EQ(lgetxattr((root_ + "/d").c_str(), "user.keep", v, sizeof(v)), 1);
    // The portable opaque marker still works alongside.
    r = unpack(TarBuilder().dir("o").file("o/.wh..wh..opq", "").finish());
    ASSERT_TRUE(r.ok()) << r.error().what();
    ASSERT_EQ(lgetxattr((root_ + "/o").c_str(), "trusted.overlay.opaque", v, sizeof(v)), 1);
}

TEST_F(Unpack, AppliedWhiteoutsDeleteLowerContent) {
    ASSERT_TRUE(unpack(TarBuilder().dir("d").file("d/old", "o").file("f", "1").finish()).ok());
    UnpackOptions o;
    o.whiteouts = WhiteoutMode::apply;
    auto r = unpack(
        TarBuilder().file("d/new", "n").file("d/.wh..wh..opq", "").file(".wh.f", "").finish(), o);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_FALSE(fs::exists(root_ + "/f"));
    EXPECT_FALSE(fs::exists(root_ + "/d/old"));
    EXPECT_TRUE(fs::exists(root_ + "/d/new"));  // written by this layer: kept
}

TEST_F(Unpack, GzipAndZstdStreamsAndDiffIdCheck) {
    auto tar = TarBuilder().file("hello", "world").finish();
    // gzip
    std::string gz(compressBound(tar.size()) + 64, '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(tar.data());
    z.avail_in = static_cast<uInt>(tar.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    gz.resize(z.total_out);
    deflateEnd(&z);
    auto r = unpack(gz);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->diff_id, sha256_digest(tar));  // diff_id is of the uncompressed stream
    EXPECT_EQ(*sys::read_file(root_ + "/hello"), "world");
    // zstd
    std::string zs(ZSTD_compressBound(tar.size()), '\0');
    zs.resize(ZSTD_compress(zs.data(), zs.size(), tar.data(), tar.size(), 3));
    fs::remove(root_ + "/hello");
    r = unpack(zs);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->diff_id, sha256_digest(tar));
    // A truncated gzip stream and a wrong expected diff_id are errors.
    EXPECT_FALSE(unpack(gz.substr(0, gz.size() / 2)).ok());
    UnpackOptions o;
    o.expected_diff_id = "sha256:" + std::string(64, '0');
    auto bad = unpack(tar, o);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().what().find("diff_id mismatch"), std::string::npos);
}

TEST(CleanPath, Normalises) {
    EXPECT_EQ(*clean_entry_path("./a/./b/"), "a/b");
    EXPECT_EQ(*clean_entry_path("/etc/passwd"), "etc/passwd");
    EXPECT_EQ(*clean_entry_path("a/b/../c"), "a/c");
    EXPECT_EQ(*clean_entry_path("./"), "");
    EXPECT_FALSE(clean_entry_path("..").ok());
    EXPECT_FALSE(clean_entry_path("a/../../b").ok());
}

}  // namespace
