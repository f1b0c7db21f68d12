#include "runtime/rootfs/mount_options.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

namespace nook::runtime::rootfs {
namespace {

TEST(MountOptions, FlagsSetAndClearInOrder) {
    auto o = parse_mount_options({"ro", "nosuid", "nodev", "noexec", "rw", "strictatime"});
    EXPECT_EQ(o.flags,
              static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME));
    EXPECT_FALSE(o.bind);
    EXPECT_TRUE(o.data.empty());
    EXPECT_EQ(parse_mount_options({"nosuid", "suid"}).flags, 0ul);
}

TEST(MountOptions, BindRbindAndPropagation) {
    auto b = parse_mount_options({"bind"});
    EXPECT_TRUE(b.bind);
    EXPECT_FALSE(b.recursive);
    auto r = parse_mount_options({"rbind", "rslave", "private"});
    EXPECT_TRUE(r.bind && r.recursive);
    ASSERT_EQ(r.propagation.size(), 2u);
    EXPECT_EQ(r.propagation[0], static_cast<unsigned long>(MS_SLAVE | MS_REC));
    EXPECT_EQ(r.propagation[1], static_cast<unsigned long>(MS_PRIVATE));
    // Propagation is never part of the mount flags themselves.
    EXPECT_EQ(r.flags & (MS_SLAVE | MS_PRIVATE | MS_SHARED | MS_UNBINDABLE), 0ul);
}

TEST(MountOptions, UnknownOptionsBecomeData) {
    auto o = parse_mount_options({"nosuid", "mode=755", "size=65536k", "newinstance"});
    EXPECT_EQ(o.data, "mode=755,size=65536k,newinstance");
    EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOSUID));
}

TEST(MountOptions, RecursiveAttributes) {
    auto o = parse_mount_options({"rro", "rnosuid", "rnoatime"});
    EXPECT_EQ(o.rec_attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
    EXPECT_EQ(o.rec_attr_clr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
    EXPECT_EQ(o.flags, 0ul);  // not confused with plain "ro"
    // A later option wins over an earlier one on the same attribute.
    auto w = parse_mount_options({"rro", "rrw"});
    EXPECT_EQ(w.rec_attr_set, 0u);
    EXPECT_EQ(w.rec_attr_clr, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
}

TEST(MountOptions, TmpCopyUpAndPropagationNames) {
    EXPECT_TRUE(parse_mount_options({"tmpcopyup"}).tmpcopyup);
    EXPECT_EQ(*parse_propagation("rshared"), static_cast<unsigned long>(MS_SHARED | MS_REC));
    EXPECT_EQ(*parse_propagation("unbindable"), static_cast<unsigned long>(MS_UNBINDABLE));
    auto bad = parse_propagation("sideways");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().what(), "unknown mount propagation \"sideways\"");
}

}  // namespace
}  // namespace nook::runtime::rootfs
