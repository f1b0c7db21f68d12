// Unit tests: the template executor's missing_key_error (docker inspect's
// missingkey=error), the HostConfig defaults, the event log's filters and
// default line.
#include <gtest/gtest.h>

#include <ctime>

#include "engine/events/events.h"
#include "engine/template/go_template.h"
#include "engine/views/inspect_view.h"

namespace nook::engine {
namespace {

using json = nlohmann::json;

std::string strict(const std::string& t, const json& d) {
    TemplateOptions o;
    o.missing_key_error = true;
    auto r = render_template(t, d, o);
    return r.ok() ? *r : "ERR " + r.error().message();
}

TEST(InspectTemplate, MissingKeyIsAnErrorOnlyWhenAsked) {
    json d = {{"Name", "/x"}, {"State", {{"Pid", 0}}}, {"Nil", nullptr}};
    EXPECT_EQ(*render_template("{{.Nme}}", d), "<no value>");
    EXPECT_EQ(strict("{{.Name}} {{.State.Pid}}", d), "/x 0");
    EXPECT_EQ(strict("{{.Nme}}", d),
              "ERR template: :1:2: executing \"\" at <.Nme>: map has no entry for key \"Nme\"");
    EXPECT_EQ(strict("ab\n {{.State.Nme}}", d),
              "ERR template: :2:3: executing \"\" at <.State.Nme>: map has no entry for key "
              "\"Nme\"");
    EXPECT_EQ(strict("{{.Nil}}", d), "<no value>");
    EXPECT_EQ(strict("{{.Nil.X}}", d),
              "ERR template: :1:2: executing \"\" at <.Nil.X>: nil pointer evaluating "
              "interface {}.X");
    // index of a missing key is not an error (the template's own
    // missing-label reading: "").
    EXPECT_EQ(strict("{{index .State \"nope\"}}", d), "");
}

TEST(InspectShape, HostConfigDefaultsKeepStoredValues) {
    json h = complete_host_config({{"Memory", 1024}, {"LogConfig", {{"Type", "none"}}}});
    EXPECT_EQ(h["Memory"], 1024);
    EXPECT_EQ(h["CpuShares"], 0);
    EXPECT_TRUE(h["PidsLimit"].is_null());
    EXPECT_EQ(h["LogConfig"]["Type"], "none");
    EXPECT_TRUE(h["LogConfig"]["Config"].is_object());
    EXPECT_FALSE(h["MaskedPaths"].empty());
    EXPECT_TRUE(complete_host_config({{"Privileged", true}})["MaskedPaths"].empty());
}

TEST(Events, FiltersAndLine) {
    json m = events::make_message("container", "die", std::string(64, 'a'),
                                  {{"name", "web"}, {"image", "bb:1"}, {"exitCode", "3"}},
                                  1700000000123456789);
    events::Filter f;
    EXPECT_TRUE(f.matches(m));
    ASSERT_TRUE(events::add_filter(f, "container=web").ok());
    ASSERT_TRUE(events::add_filter(f, "event=die").ok());
    EXPECT_TRUE(f.matches(m));
    ASSERT_TRUE(events::add_filter(f, "image=bb:1").ok());
    EXPECT_TRUE(f.matches(m));
    events::Filter g;
    ASSERT_TRUE(events::add_filter(g, "container=aaaa").ok());  // an id prefix
    EXPECT_TRUE(g.matches(m));
    ASSERT_TRUE(events::add_filter(g, "type=image").ok());
    EXPECT_FALSE(g.matches(m));
    EXPECT_FALSE(events::add_filter(g, "nosuch=1").ok());
    setenv("TZ", "UTC", 1);
    tzset();
    EXPECT_EQ(events::format_line(m), "2023-11-14T22:13:20.123456789Z container die " +
                                          std::string(64, 'a') +
                                          " (exitCode=3, image=bb:1, name=web)");
    EXPECT_EQ(events::exec_action("exec_start", {"sh", "-c", "x"}), "exec_start: sh -c x");
}

}  // namespace
}  // namespace nook::engine
