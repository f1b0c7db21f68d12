// Unit tests of the monitor's pure parts: attach frames, restart policy and
// backoff, log options, json-file rotation, detach keys.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/attach/attach_client.h"
#include "engine/attach/attach_proto.h"
#include "engine/logs/json_log.h"
#include "engine/logs/log_config.h"
#include "engine/monitor/restart_policy.h"

namespace nook::engine {
namespace {

TEST(AttachFrames, RoundTripAcrossSplitReads) {
    std::string wire = encode_frame(frame::kStdout, "hello") + encode_frame(frame::kExit, "137") +
                       encode_frame(frame::kStdin, std::string(70000, 'z'));
    FrameReader r;
    std::vector<Frame> got;
    for (size_t i = 0; i < wire.size(); i += 7) {
        r.feed(wire.data() + i, std::min<size_t>(7, wire.size() - i));
        while (auto f = r.next()) got.push_back(*f);
    }
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].type, frame::kStdout);
    EXPECT_EQ(got[0].payload, "hello");
    EXPECT_EQ(got[1].payload, "137");
    EXPECT_EQ(got[2].payload.size(), 70000u);
    EXPECT_FALSE(r.next());
}

TEST(RestartPolicy, ParsesDockerValues) {
    EXPECT_EQ(parse_restart_flag("no")->name, "no");
    EXPECT_EQ(parse_restart_flag("always")->name, "always");
    EXPECT_EQ(parse_restart_flag("unless-stopped")->name, "unless-stopped");
    auto p = parse_restart_flag("on-failure:5");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->name, "on-failure");
    EXPECT_EQ(p->max_retries, 5);
    EXPECT_EQ(restart_policy_json(*p),
              (nlohmann::json{{"Name", "on-failure"}, {"MaximumRetryCount", 5}}));
    for (const char* bad :
         {"sometimes", "always:2", "on-failure:", "on-failure:-1", "on-failure:x", ""})
        EXPECT_FALSE(parse_restart_flag(bad).ok()) << bad;
    EXPECT_NE(parse_restart_flag("bogus").error().what().find("--restart"), std::string::npos);
}

TEST(RestartPolicy, Decisions) {
    RestartPolicy no, always{"always", 0}, onf{"on-failure", 2}, onf_inf{"on-failure", 0};
    EXPECT_FALSE(should_restart(no, 1, 0, false));
    EXPECT_TRUE(should_restart(always, 0, 100, false));
    EXPECT_FALSE(should_restart(always, 1, 0, true));  // the user stopped it
    EXPECT_FALSE(should_restart(onf, 0, 0, false));
    EXPECT_TRUE(should_restart(onf, 3, 1, false));
    EXPECT_FALSE(should_restart(onf, 3, 2, false));
    EXPECT_TRUE(should_restart(onf_inf, 3, 1000, false));
    nlohmann::json hc = {{"RestartPolicy", {{"Name", "on-failure"}, {"MaximumRetryCount", 4}}}};
    EXPECT_EQ(restart_policy_of(hc).max_retries, 4);
    EXPECT_EQ(restart_policy_of(nlohmann::json::object()).name, "no");
}

TEST(RestartPolicy, BackoffDoublesAndResets) {
    RestartBackoff b;
    EXPECT_EQ(b.next_delay_ms(5), 100);
    EXPECT_EQ(b.next_delay_ms(5), 200);
    EXPECT_EQ(b.next_delay_ms(5), 400);
    EXPECT_EQ(b.next_delay_ms(10000), 100);  // a run of 10 s resets it
    for (int i = 0; i < 20; i++) b.next_delay_ms(0);
    EXPECT_EQ(b.next_delay_ms(0), 60000);
}

TEST(LogConfig, FlagsAndSizes) {
    EXPECT_EQ(*parse_log_size("10k"), 10240);
    EXPECT_EQ(*parse_log_size("2m"), 2 << 20);
    EXPECT_EQ(*parse_log_size("123"), 123);
    EXPECT_FALSE(parse_log_size("lots").ok());
    auto j = log_config_from_flags("json-file", {"max-size=10m", "max-file=3"});
    ASSERT_TRUE(j.ok());
    EXPECT_EQ((*j)["Type"], "json-file");
    EXPECT_EQ((*j)["Config"]["max-file"], "3");
    auto s = log_settings_of({{"LogConfig", *j}});
    EXPECT_EQ(s.max_size, 10 << 20);
    EXPECT_EQ(s.max_file, 3);
    EXPECT_FALSE(log_config_from_flags("syslog", {}).ok());
    EXPECT_FALSE(log_config_from_flags("json-file", {"max-file=3"}).ok());
    EXPECT_FALSE(log_config_from_flags("json-file", {"colour=red"}).ok());
    EXPECT_FALSE(log_config_from_flags("none", {"max-size=1k"}).ok());
    EXPECT_EQ(log_settings_of(nlohmann::json::object()).max_size, -1);
}

TEST(JsonLog, RotatesLikeDocker) {
    char tmpl[] = "/tmp/nook-logrot.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    std::string dir = tmpl, path = dir + "/c-json.log";
    {
        auto w = LogWriter::open(path, 1000, 3);
        ASSERT_TRUE(w.ok());
        for (int i = 0; i < 100; i++) {
            std::string line = "line-" + std::to_string(i) + "-padding-padding\n";
            ASSERT_TRUE(w->feed("stdout", line.data(), line.size()).ok());
        }
    }
    namespace fs = std::filesystem;
    EXPECT_TRUE(fs::exists(path));
    EXPECT_TRUE(fs::exists(path + ".1"));
    EXPECT_TRUE(fs::exists(path + ".2"));
    EXPECT_FALSE(fs::exists(path + ".3"));
    for (auto p : {path, path + ".1", path + ".2"}) EXPECT_LE(fs::file_size(p), 1000u) << p;
    std::ifstream newest(path), oldest(path + ".2");
    std::string a, b, last;
    std::getline(oldest, a);
    while (std::getline(newest, b)) last = b;
    EXPECT_NE(last.find("line-99-"), std::string::npos);
    EXPECT_EQ(a.find("line-0-"), std::string::npos);  // the oldest lines are gone
    fs::remove_all(dir);
}

TEST(DetachKeys, Parse) {
    EXPECT_EQ(*parse_detach_keys("ctrl-p,ctrl-q"), std::string("\x10\x11"));
    EXPECT_EQ(*parse_detach_keys("a,ctrl-@"), std::string("a\0", 2));
    EXPECT_FALSE(parse_detach_keys("ctrl-1").ok());
    EXPECT_FALSE(parse_detach_keys("abc").ok());
}

}  // namespace
}  // namespace nook::engine
