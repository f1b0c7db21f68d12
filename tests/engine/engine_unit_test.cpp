// Unit tests of the engine's pure parts: config merging, spec building,
// user lookup, the json-file log format, names and time formatting.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "engine/config.h"
#include "engine/logs/json_log.h"
#include "engine/monitor/status_pipe.h"
#include "engine/store/names.h"
#include "engine/views/times.h"
#include "sys/daemon.h"
#include "sys/file.h"

namespace nook::engine {
namespace {

image::ImageConfig image_with(const nlohmann::json& config) {
    image::ImageConfig c;
    c.raw = {{"config", config}};
    return c;
}

const std::string kId(64, 'a');

TEST(MakeConfig, ImageCmdEntrypointAndEnvMerge) {
    auto img = image_with({{"Entrypoint", {"/ep"}},
                           {"Cmd", {"x"}},
                           {"Env", {"A=1", "B=2"}},
                           {"WorkingDir", "/w"},
                           {"User", "7"}});
    RunRequest r;
    r.image = "img";
    r.env = {"B=3", "C=4"};
    auto j = make_config(r, img, kId);
    ASSERT_TRUE(j.ok()) << j.error().what();
    const auto& c = (*j)["Config"];
    EXPECT_EQ(command_of(c), (std::vector<std::string>{"/ep", "x"}));
    auto env = c["Env"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(env.begin(), env.end(), "B=3"), env.end());
    EXPECT_EQ(std::find(env.begin(), env.end(), "B=2"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "C=4"), env.end());
    EXPECT_TRUE(env[0].starts_with("PATH="));  // added when the image has none
    EXPECT_EQ(c["WorkingDir"], "/w");
    EXPECT_EQ(c["User"], "7");
    EXPECT_EQ(c["Hostname"], kId.substr(0, 12));
}

TEST(MakeConfig, EntrypointFlagDropsImageCmd) {
    auto img = image_with({{"Cmd", {"/bin/sh"}}});
    RunRequest r;
    r.entrypoint = "/bin/echo";
    auto j = make_config(r, img, kId);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(command_of((*j)["Config"]), (std::vector<std::string>{"/bin/echo"}));
    r.cmd = {"a", "b"};
    j = make_config(r, img, kId);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(command_of((*j)["Config"]), (std::vector<std::string>{"/bin/echo", "a", "b"}));
}

TEST(MakeConfig, NoCommandIsAnError) {
    RunRequest r;
    r.image = "empty";
    auto j = make_config(r, image_with(nlohmann::json::object()), kId);
    ASSERT_FALSE(j.ok());
    EXPECT_NE(j.error().what().find("no command"), std::string::npos);
}

TEST(BuildSpec, DockerDefaults) {
    RunRequest r;
    r.cmd = {"true"};
    r.hostname = "box";
    auto j = make_config(r, image_with(nlohmann::json::object()), kId);
    ASSERT_TRUE(j.ok());
    const Paths paths{"/nonexistent/root", "/nonexistent/run"};
    auto s = build_spec(*j, kId, paths);
    ASSERT_TRUE(s.ok()) << s.error().what();
    EXPECT_EQ(s->hostname, "box");
    EXPECT_EQ(s->root->path, paths.rootfs(kId));
    EXPECT_FALSE(s->root->readonly);
    EXPECT_EQ(s->process->capabilities->bounding.size(), 14u);
    EXPECT_FALSE(s->process->no_new_privileges);
    int etc = 0;
    for (auto& m : s->mounts)
        if (m.destination.starts_with("/etc/") && m.type == "bind") etc++;
    EXPECT_EQ(etc, 3);
    std::vector<std::string> ns;
    for (auto& n : s->linux_->namespaces) ns.push_back(n.type);
    for (auto t : {"pid", "ipc", "uts", "mount", "network"})
        EXPECT_NE(std::find(ns.begin(), ns.end(), t), ns.end()) << t;
}

class UserTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/engine-user-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ASSERT_TRUE(sys::mkdir_p(dir_ + "/etc").ok());
        ASSERT_TRUE(
            sys::write_file_atomic(dir_ + "/etc/passwd",
                                   "root:x:0:0::/root:/bin/sh\nbob:x:1000:1001::/:/bin/sh\n")
                .ok());
        ASSERT_TRUE(sys::write_file_atomic(dir_ + "/etc/group", "root:x:0:\nwheel:x:10:\n").ok());
    }
    void TearDown() override { (void)sys::remove_tree(dir_); }
    std::string dir_;
};

TEST_F(UserTest, NamesAndNumbers) {
    auto u = resolve_user("bob", dir_);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->uid, 1000u);
    EXPECT_EQ(u->gid, 1001u);
    u = resolve_user("1000:wheel", dir_);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->uid, 1000u);
    EXPECT_EQ(u->gid, 10u);
    u = resolve_user("4242:77", dir_);  // unknown numeric ids are fine
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->uid, 4242u);
    EXPECT_EQ(u->gid, 77u);
    EXPECT_FALSE(resolve_user("nobody", dir_).ok());
    EXPECT_FALSE(resolve_user("bob:nogroup", dir_).ok());
}

TEST(JsonLog, WriterSplitsLinesAndReaderParsesThem) {
    auto p = sys::make_pipe();
    ASSERT_TRUE(p.ok());
    LogWriter w(p->write.get());
    ASSERT_TRUE(w.feed("stdout", "a\nb", 3).ok());
    ASSERT_TRUE(w.feed("stderr", "e\n", 2).ok());
    ASSERT_TRUE(w.feed("stdout", "c\n\"q\"", 5).ok());
    ASSERT_TRUE(w.flush().ok());
    p->write.reset();
    auto text = sys::read_fd(p->read.get());
    ASSERT_TRUE(text.ok());
    std::vector<LogEntry> es;
    size_t start = 0;
    for (size_t nl; (nl = text->find('\n', start)) != std::string::npos; start = nl + 1) {
        auto e = parse_entry(text->substr(start, nl - start));
        ASSERT_TRUE(e.ok()) << text->substr(start, nl - start);
        es.push_back(*e);
    }
    ASSERT_EQ(es.size(), 4u);
    EXPECT_EQ(es[0].log, "a\n");
    EXPECT_EQ(es[1].log, "e\n");
    EXPECT_EQ(es[1].stream, "stderr");
    EXPECT_EQ(es[2].log, "bc\n");
    EXPECT_EQ(es[3].log, "\"q\"");  // partial line flushed at the end
    EXPECT_GT(parse_rfc3339(es[0].time), 1.6e9);
    EXPECT_TRUE(text->starts_with("{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\""));
}

TEST(StatusPipe, RoundTrip) {
    auto p = sys::make_pipe();
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(sys::write_all(p->write.get(), format_status({"error", 2, "no\nsuch"}) +
                                                   format_status({"exit", 137, ""}))
                    .ok());
    p->write.reset();
    StatusReader r(std::move(p->read));
    auto m = r.next(1000);
    ASSERT_TRUE(m.ok() && *m);
    EXPECT_EQ((*m)->kind, "error");
    EXPECT_EQ((*m)->code, 2);
    EXPECT_EQ((*m)->text, "no such");
    m = r.next(1000);
    ASSERT_TRUE(m.ok() && *m);
    EXPECT_EQ((*m)->kind, "exit");
    EXPECT_EQ((*m)->code, 137);
    m = r.next(1000);
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(*m);  // end of file
}

TEST(Names, IdsAndNames) {
    auto a = new_container_id(), b = new_container_id();
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->size(), 64u);
    EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(*a, *b);
    auto n = random_name();
    ASSERT_TRUE(n.ok());
    EXPECT_NE(n->find('_'), std::string::npos);
    EXPECT_TRUE(validate_name(*n).ok());
    EXPECT_FALSE(validate_name("a").ok());
    EXPECT_FALSE(validate_name("bad name").ok());
    EXPECT_FALSE(validate_name("../x").ok());
}

TEST(Times, HumanDurations) {
    EXPECT_EQ(human_duration(0.5), "Less than a second");
    EXPECT_EQ(human_duration(3.2), "3 seconds");
    EXPECT_EQ(human_duration(70), "About a minute");
    EXPECT_EQ(human_duration(600), "10 minutes");
    EXPECT_EQ(human_duration(3 * 3600), "3 hours");
    EXPECT_LT(parse_rfc3339(kZeroTime), 0);
    EXPECT_NEAR(parse_rfc3339("2024-01-02T03:04:05.5Z"), 1704164645.5, 1e-3);
}

}  // namespace
}  // namespace nook::engine
