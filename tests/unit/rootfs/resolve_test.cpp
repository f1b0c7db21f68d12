// In-root path resolution: needs no privileges, only openat2.
#include "runtime/rootfs/resolve.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/file.h"

namespace nook::runtime::rootfs {
namespace {

class ResolveTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nook-resolve-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        base_ = tmpl;
        root_ = base_ + "/root";
        outside_ = base_ + "/outside";
        ASSERT_TRUE(sys::mkdir_p(root_ + "/a/b").ok());
        ASSERT_TRUE(sys::mkdir_p(outside_).ok());
        auto fd = sys::open_file(root_, O_PATH | O_DIRECTORY);
        ASSERT_TRUE(fd.ok());
        root_fd_ = std::move(*fd);
    }
    void TearDown() override {
        if (!base_.empty()) {
            EXPECT_TRUE(sys::remove_tree(base_).ok());
        }
    }
    void link(const std::string& target, const std::string& at) {
        ASSERT_EQ(::symlink(target.c_str(), (root_ + at).c_str()), 0) << at;
    }
    std::string base_, root_, outside_;
    UniqueFd root_fd_;
};

TEST_F(ResolveTest, ExistingPathAndCleaning) {
    auto r = resolve_in_root(root_fd_.get(), "//a/./b/../b/", Create::kNone);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->path, "/a/b");
    auto top = resolve_in_root(root_fd_.get(), "/../..", Create::kNone);
    ASSERT_TRUE(top.ok());
    EXPECT_EQ(top->path, "/");
    EXPECT_EQ(clean_path("a//b/../c/."), "/a/c");
}

TEST_F(ResolveTest, MissingWithoutCreateIsENOENT) {
    auto r = resolve_in_root(root_fd_.get(), "/a/missing/x", Create::kNone);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ENOENT);
    EXPECT_NE(r.error().what().find("/a/missing/x"), std::string::npos);
}

TEST_F(ResolveTest, CreatesDirectoriesAndFinalFile) {
    auto d = resolve_in_root(root_fd_.get(), "/x/y/z", Create::kDir);
    ASSERT_TRUE(d.ok()) << d.error().what();
    struct stat st = {};
    ASSERT_EQ(::stat((root_ + "/x/y/z").c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    auto f = resolve_in_root(root_fd_.get(), "/x/file", Create::kFile);
    ASSERT_TRUE(f.ok()) << f.error().what();
    ASSERT_EQ(::stat((root_ + "/x/file").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(ResolveTest, AbsoluteAndRelativeSymlinksStayInside) {
    link(outside_, "/abs");                     // -> host dir
    link("../../../../.." + outside_, "/rel");  // climbs above the root
    link("/abs/deeper", "/chain");              // symlink to a symlink
    for (const char* p : {"/abs/made", "/rel/made2", "/chain/made3"}) {
        auto r = resolve_in_root(root_fd_.get(), p, Create::kDir);
        ASSERT_TRUE(r.ok()) << p << ": " << r.error().what();
    }
    EXPECT_TRUE(sys::path_exists(root_ + outside_ + "/made"));
    EXPECT_TRUE(sys::path_exists(root_ + outside_ + "/made2"));
    EXPECT_TRUE(sys::path_exists(root_ + outside_ + "/deeper/made3"));
    EXPECT_FALSE(sys::path_exists(outside_ + "/made"));
    EXPECT_FALSE(sys::path_exists(outside_ + "/made2"));
    EXPECT_FALSE(sys::path_exists(outside_ + "/deeper"));
}

TEST_F(ResolveTest, DanglingFinalSymlinkCreatesItsTargetInside) {
    link(outside_ + "/target-file", "/f");
    auto r = resolve_in_root(root_fd_.get(), "/f", Create::kFile);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->path, outside_ + "/target-file");
    EXPECT_TRUE(sys::path_exists(root_ + outside_ + "/target-file"));
    EXPECT_FALSE(sys::path_exists(outside_ + "/target-file"));
}

TEST_F(ResolveTest, SymlinkLoopsAndFilesInTheMiddleFail) {
    link("/loop2", "/loop1");
    link("/loop1", "/loop2");
    auto r = resolve_in_root(root_fd_.get(), "/loop1/x", Create::kDir);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ELOOP);
    ASSERT_TRUE(sys::write_file_atomic(root_ + "/plain", "x").ok());
    auto n = resolve_in_root(root_fd_.get(), "/plain/x", Create::kDir);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().code(), ENOTDIR);
}

}  // namespace
}  // namespace nook::runtime::rootfs
