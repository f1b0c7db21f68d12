// Pure parts of the engine verbs: Go templates, ps filters, time arguments.
#include <gtest/gtest.h>

#include "engine/logs/log_read.h"
#include "engine/pause.h"
#include "engine/template/go_template.h"
#include "engine/views/ps_view.h"
#include "engine/views/times.h"

using namespace nook::engine;
using nlohmann::json;

TEST(GoTemplate, FieldsJsonIndexAndEscapes) {
    json d = {{"State", {{"Status", "running"}, {"Pid", 42}}}, {"L", {{"a", "b"}}}};
    EXPECT_EQ(*render_template("{{.State.Status}}:{{.State.Pid}}", d), "running:42");
    EXPECT_EQ(*render_template("{{json .L}}", d), R"({"a":"b"})");
    EXPECT_EQ(*render_template("{{.L \"a\"}}|{{index .L \"a\"}}", d), "b|b");
    EXPECT_EQ(*render_template("{{.Missing}}", d), "<no value>");
    EXPECT_EQ(*render_template("{{.L}}", d), "map[a:b]");
    EXPECT_EQ(*render_template("x\\ty", d), "x\ty");
    EXPECT_FALSE(render_template("{{.A", d).ok());
    EXPECT_FALSE(render_template("{{nosuch .A}}", d).ok());
}

TEST(GoTemplate, AlignTable) {
    EXPECT_EQ(align_table("A\tBB\nCCC\tD\n"), "A     BB\nCCC   D\n");
}

ContainerRow row(const std::string& status, int code, const std::string& labels = "{}") {
    ContainerRow r;
    r.id = "abcdef0123456789";
    r.name = "web_1";
    r.image = "bb:1";
    r.image_id = "sha256:feedbeef";
    r.status = status;
    r.exit_code = code;
    r.config = R"({"Config":{"Cmd":["sleep","100"],"Labels":)" + labels + "}}";
    return r;
}

TEST(PsFilters, KeysAndValues) {
    auto f = parse_filters({"status=exited", "status=running", "name=web"}, {"status", "name"});
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(*ps_filter_match(*f, row("exited", 0)));
    EXPECT_FALSE(*ps_filter_match(*f, row("created", 0)));
    EXPECT_FALSE(parse_filters({"bogus=1"}, {"status"}).ok());
    auto bad = parse_filters({"status=sleepy"}, {"status"});
    EXPECT_FALSE(ps_filter_match(*bad, row("exited", 0)).ok());
    auto ex = parse_filters({"exited=3"}, {"exited"});
    EXPECT_TRUE(*ps_filter_match(*ex, row("exited", 3)));
    EXPECT_FALSE(*ps_filter_match(*ex, row("exited", 0)));
    auto lab = parse_filters({"label=tier=web"}, {"label"});
    EXPECT_TRUE(*ps_filter_match(*lab, row("exited", 0, R"({"tier":"web"})")));
    EXPECT_FALSE(*ps_filter_match(*lab, row("exited", 0, R"({"tier":"db"})")));
    auto anc = parse_filters({"ancestor=bb:1", "ancestor=feedbe"}, {"ancestor"});
    EXPECT_TRUE(*ps_filter_match(*anc, row("exited", 0)));
    auto anc2 = parse_filters({"ancestor=other"}, {"ancestor"});
    EXPECT_FALSE(*ps_filter_match(*anc2, row("exited", 0)));
}

TEST(PsView, StatusTextAndCommand) {
    auto r = row("created", 0);
    EXPECT_EQ(status_text(r), "Created");
    r.status = "running";
    r.paused = true;
    r.started_at = now_rfc3339_nano();
    EXPECT_EQ(status_text(r), "Up Less than a second (Paused)");
    EXPECT_EQ(container_state(r), "paused");
    EXPECT_EQ(command_text(r, true), "\"sleep 100\"");
}

TEST(Times, TimeArguments) {
    EXPECT_DOUBLE_EQ(*parse_go_duration("1h30m"), 5400);
    EXPECT_DOUBLE_EQ(*parse_go_duration("250ms"), 0.25);
    EXPECT_FALSE(parse_go_duration("10x").ok());
    EXPECT_DOUBLE_EQ(*parse_time_arg("10m", 1000), 400);
    EXPECT_DOUBLE_EQ(*parse_time_arg("1700000000", 0), 1700000000);
    EXPECT_DOUBLE_EQ(*parse_time_arg("2023-11-14T22:13:20Z", 0), 1700000000);
    EXPECT_DOUBLE_EQ(*parse_time_arg("2023-11-15T00:13:20+02:00", 0), 1700000000);
    EXPECT_FALSE(parse_time_arg("yesterday", 0).ok());
}

TEST(Logs, SelectSinceUntilTail) {
    std::vector<LogEntry> es = {{"a\n", "stdout", "2023-11-14T22:13:19Z"},
                                {"b\n", "stdout", "2023-11-14T22:13:20Z"},
                                {"c\n", "stdout", "2023-11-14T22:13:21Z"}};
    LogQuery q;
    q.since = 1700000000;
    EXPECT_EQ(select_entries(es, q).size(), 2u);
    q.until = 1700000000;
    EXPECT_EQ(select_entries(es, q).size(), 1u);
    LogQuery t;
    t.tail = 1;
    ASSERT_EQ(select_entries(es, t).size(), 1u);
    EXPECT_EQ(select_entries(es, t)[0].log, "c\n");
}

TEST(Units, DockerStyle) {
    EXPECT_EQ(bytes_binary(1536 * 1024), "1.5MiB");
    EXPECT_EQ(bytes_decimal(0), "0B");
    EXPECT_EQ(bytes_decimal(1200), "1.2kB");
}
