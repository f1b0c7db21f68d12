// Unit tests of the storage flag parsers (engine/volumes/volume_spec.h) and the
// volume store (engine/volumes/volumes.h) on a temp dir.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "engine/volumes/volume_spec.h"
#include "engine/volumes/volumes.h"

namespace nook::engine {
namespace {

using json = nlohmann::json;

TEST(VolumeFlag, BindWithMode) {
    auto m = parse_volume_flag("/etc:/mnt/x/:ro", true);
    ASSERT_TRUE(m.ok()) << m.error().what();
    EXPECT_EQ(m->type, "bind");
    EXPECT_EQ(m->source, "/etc");
    EXPECT_EQ(m->target, "/mnt/x");
    EXPECT_TRUE(m->readonly);
    auto rw = parse_volume_flag("/etc:/y:rw,rshared", true);
    ASSERT_TRUE(rw.ok());
    EXPECT_FALSE(rw->readonly);
    EXPECT_EQ(rw->propagation, "rshared");
}

TEST(VolumeFlag, NamedAndAnonymous) {
    auto n = parse_volume_flag("data_1.x:/d:nocopy", false);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->type, "volume");
    EXPECT_EQ(n->source, "data_1.x");
    EXPECT_TRUE(n->nocopy);
    EXPECT_FALSE(n->anonymous);
    auto a = parse_volume_flag("/only/target", false);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->anonymous);
    EXPECT_EQ(a->target, "/only/target");
}

TEST(VolumeFlag, Errors) {
    auto missing = parse_volume_flag("/no/such/dir/xyz:/m", true);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().what().find("/no/such/dir/xyz"), std::string::npos);
    EXPECT_TRUE(parse_volume_flag("/no/such/dir/xyz:/m", false).ok());  // at start: checked later
    EXPECT_FALSE(parse_volume_flag("/etc:rel", true).ok());
    EXPECT_FALSE(parse_volume_flag("/etc:/", true).ok());
    EXPECT_FALSE(parse_volume_flag("/etc:/m:xx", true).ok());
    EXPECT_FALSE(parse_volume_flag("a:/m", true).ok());           // one-char name
    EXPECT_FALSE(parse_volume_flag("-ab:/m", true).ok());         // bad first char
    EXPECT_FALSE(parse_volume_flag("ab:/m:rshared", true).ok());  // propagation on a volume
    EXPECT_FALSE(parse_volume_flag("/a:/b:ro:x", true).ok());
    EXPECT_FALSE(parse_volume_flag("relative", true).ok());
}

TEST(MountFlag, AllTypesRoundTrip) {
    auto b = parse_mount_flag("type=bind,src=/etc,dst=/e,readonly,bind-propagation=rslave", true);
    ASSERT_TRUE(b.ok()) << b.error().what();
    json j = mount_to_json(*b);
    EXPECT_EQ(j, json::parse(R"({"Type":"bind","Source":"/etc","Target":"/e","ReadOnly":true,
                                  "BindOptions":{"Propagation":"rslave"}})"));
    auto back = mount_from_json(j);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(back->readonly);
    EXPECT_EQ(back->propagation, "rslave");

    auto t = parse_mount_flag("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770", true);
    ASSERT_TRUE(t.ok()) << t.error().what();
    EXPECT_EQ(t->tmpfs_options, "size=67108864,mode=1770");
    json tj = mount_to_json(*t);
    EXPECT_EQ(tj["TmpfsOptions"]["SizeBytes"], 67108864);
    EXPECT_EQ(tj["TmpfsOptions"]["Mode"], 01770);
    EXPECT_EQ(mount_from_json(tj)->tmpfs_options, "size=67108864,mode=1770");

    auto v = parse_mount_flag("target=/v,volume-nocopy=true,ro=false", true);  // default type
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->type, "volume");
    EXPECT_TRUE(v->anonymous);
    EXPECT_TRUE(v->nocopy);
    EXPECT_FALSE(v->readonly);
}

TEST(MountFlag, ErrorsNameTheField) {
    auto unknown = parse_mount_flag("type=bind,src=/etc,dst=/x,colour=red", true);
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().what().find("'colour'"), std::string::npos) << unknown.error().what();
    EXPECT_FALSE(parse_mount_flag("type=nfs,dst=/x", true).ok());
    EXPECT_FALSE(parse_mount_flag("type=bind,src=/etc", true).ok());  // no target
    EXPECT_FALSE(parse_mount_flag("type=bind,src=rel,dst=/x", true).ok());
    EXPECT_FALSE(parse_mount_flag("type=volume,dst=/x,tmpfs-size=1", true).ok());
    EXPECT_FALSE(parse_mount_flag("type=tmpfs,dst=/x,tmpfs-mode=99", true).ok());
    EXPECT_FALSE(parse_mount_flag("type=bind,src=/etc,dst=/x,readonly=maybe", true).ok());
}

TEST(TmpfsFlag, DefaultsAndOptions) {
    auto t = parse_tmpfs_flag("/run:size=1g,exec");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->first, "/run");
    EXPECT_EQ(t->second, "size=1g,exec");
    EXPECT_EQ(tmpfs_mount_options(t->second),
              (std::vector<std::string>{"noexec", "nosuid", "nodev", "size=1g", "exec"}));
    EXPECT_FALSE(parse_tmpfs_flag("rel").ok());
    EXPECT_FALSE(parse_tmpfs_flag("/x:size=1q").ok());
    EXPECT_EQ(*parse_size_bytes("2m", "x"), 2 << 20);
    EXPECT_EQ(*parse_size_bytes("512", "x"), 512);
}

TEST(DeviceFlag, Forms) {
    auto d = parse_device_flag("/dev/null", true);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, json::parse(R"({"PathOnHost":"/dev/null","PathInContainer":"/dev/null",
                                   "CgroupPermissions":"rwm"})"));
    EXPECT_EQ((*parse_device_flag("/dev/null:r", true))["CgroupPermissions"], "r");
    auto both = parse_device_flag("/dev/null:/dev/n2:rw", true);
    ASSERT_TRUE(both.ok());
    EXPECT_EQ((*both)["PathInContainer"], "/dev/n2");
    EXPECT_FALSE(parse_device_flag("/etc/passwd", true).ok());
    EXPECT_FALSE(parse_device_flag("/dev/null:/dev/n:rwx", true).ok());
    EXPECT_FALSE(parse_device_flag("/dev/nonexistent-device", true).ok());
}

TEST(CollectMounts, PrecedenceDuplicatesAndAnonymousNames) {
    json c = json::parse(R"({"Config":{"Volumes":{"/data":{},"/b":{}}},
        "HostConfig":{"Binds":["/etc:/b"],"Tmpfs":{"/t":"size=1m"},
                      "Mounts":[{"Type":"volume","Source":"","Target":"/m"}]}})");
    auto m = collect_mounts(c, "abc");
    ASSERT_TRUE(m.ok()) << m.error().what();
    ASSERT_EQ(m->size(), 4u);  // /b from Binds wins over Config.Volumes /b
    EXPECT_EQ((*m)[0].target, "/m");
    EXPECT_EQ((*m)[0].source, anonymous_volume_name("abc", "/m"));
    EXPECT_EQ((*m)[3].target, "/data");
    EXPECT_EQ((*m)[3].source.size(), 64u);
    EXPECT_EQ(anonymous_volume_name("abc", "/data"), anonymous_volume_name("abc", "/data"));
    EXPECT_NE(anonymous_volume_name("abc", "/data"), anonymous_volume_name("abd", "/data"));
    c["HostConfig"]["Tmpfs"]["/b"] = "";
    auto dup = collect_mounts(c, "abc");
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.error().what().find("Duplicate mount point: /b"), std::string::npos);
}

class VolumeStore : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nook-vol-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        paths_ = Paths{tmpl, std::string(tmpl) + "/run"};
    }
    void TearDown() override { std::filesystem::remove_all(paths_.root); }
    Paths paths_;
};

TEST_F(VolumeStore, CreateListGetRemove) {
    auto v = create_volume(paths_, "alpha", {{"k", "v"}});
    ASSERT_TRUE(v.ok()) << v.error().what();
    EXPECT_EQ(v->mountpoint, paths_.root + "/volumes/alpha/_data");
    EXPECT_TRUE(std::filesystem::is_directory(v->mountpoint));
    auto again = create_volume(paths_, "alpha", {});  // idempotent, labels kept
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->labels.at("k"), "v");
    ASSERT_TRUE(create_volume(paths_, "beta", {}).ok());
    EXPECT_FALSE(create_volume(paths_, "b/../x", {}).ok());
    auto list = list_volumes(paths_);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].name, "alpha");
    json j = volume_to_json((*list)[0]);
    EXPECT_EQ(j["Driver"], "local");
    EXPECT_EQ(j["Scope"], "local");
    EXPECT_EQ(j["Labels"]["k"], "v");
    ASSERT_TRUE(remove_volume(paths_, "alpha").ok());
    auto gone = get_volume(paths_, "alpha");
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().code(), ENOENT);
    EXPECT_EQ(list_volumes(paths_)->size(), 1u);
}

TEST_F(VolumeStore, AnonymousVolumesOfAContainer) {
    const std::string id = "0123456789abcdef";
    json cfg = json::parse(R"({"Config":{"Volumes":{"/anon":{}}},
        "HostConfig":{"Binds":["named:/n"]}})");
    cfg["Id"] = id;
    const std::string anon = anonymous_volume_name(id, "/anon");
    ASSERT_TRUE(create_volume(paths_, anon, {{kAnonymousVolumeLabel, ""}}).ok());
    ASSERT_TRUE(create_volume(paths_, "named", {}).ok());
    auto names = container_volume_names(cfg);
    EXPECT_EQ(names, (std::vector<std::string>{"named", anon}));

    json mounts = mounts_for_inspect(paths_, cfg);
    ASSERT_EQ(mounts.size(), 2u);
    EXPECT_EQ(mounts[0]["Name"], "named");
    EXPECT_EQ(mounts[0]["Destination"], "/n");
    EXPECT_EQ(mounts[0]["Source"], paths_.root + "/volumes/named/_data");
    EXPECT_EQ(mounts[0]["RW"], true);
    EXPECT_EQ(mounts[1]["Name"], anon);

    ASSERT_TRUE(remove_anonymous_volumes(paths_, cfg).ok());
    EXPECT_FALSE(get_volume(paths_, anon).ok());
    EXPECT_TRUE(get_volume(paths_, "named").ok());            // rm -v keeps named volumes
    EXPECT_TRUE(remove_anonymous_volumes(paths_, cfg).ok());  // already gone: fine
}

TEST_F(VolumeStore, TreeSizeCountsHardLinksOnce) {
    auto v = create_volume(paths_, "sized", {});
    ASSERT_TRUE(v.ok());
    std::ofstream(v->mountpoint + "/a") << std::string(1000, 'x');
    std::filesystem::create_directory(v->mountpoint + "/d");
    std::ofstream(v->mountpoint + "/d/b") << std::string(500, 'y');
    std::filesystem::create_hard_link(v->mountpoint + "/a", v->mountpoint + "/d/a2");
    EXPECT_EQ(tree_size(v->mountpoint), 1500u);
}

}  // namespace
}  // namespace nook::engine
