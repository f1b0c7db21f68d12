// Go template engine (engine/template/go_template.h): each construct docker users
// write, and each kind of bad template failing with a one-line message.
#include <gtest/gtest.h>

#include "engine/template/go_template.h"

namespace nook::engine {
namespace {

using json = nlohmann::json;

const json& data() {
    static const json d = json::parse(R"({
        "Name": "/web",
        "State": {"Running": true, "Status": "running", "Pid": 42, "ExitCode": 0},
        "Config": {"Cmd": ["sh", "-c", "sleep 9"], "Labels": {"tier": "web", "app": "shop"},
                   "Env": [], "Empty": {}},
        "Mounts": [{"Name": "v1", "Destination": "/data", "RW": true},
                   {"Name": "", "Destination": "/etc/x", "RW": false}],
        "Count": 3, "Zero": 0, "Ratio": 0.5, "Nothing": null, "Text": "",
        "Yes": true, "No": false
    })");
    return d;
}

// The rendered text, or "ERR: message" so a failing case shows why.
std::string r(const std::string& f, const json& d = data()) {
    auto out = render_template(f, d);
    return out.ok() ? *out : "ERR: " + out.error().message();
}

// The error message of a template expected to fail ("" if it rendered).
std::string err(const std::string& f) {
    auto out = render_template(f, data());
    return out.ok() ? "" : out.error().message();
}

TEST(GoTemplate, FieldsAndPrintingAsBefore) {
    EXPECT_EQ(r("{{.State.Status}}:{{.State.Pid}}"), "running:42");
    EXPECT_EQ(r("{{.Missing}}|{{.State.Missing}}"), "<no value>|<no value>");
    EXPECT_EQ(r("{{.Config.Labels}}"), "map[app:shop tier:web]");
    EXPECT_EQ(r("{{.Config.Cmd}}"), "[sh -c sleep 9]");
    EXPECT_EQ(r("{{.Config.Labels \"tier\"}}|{{index .Config.Labels \"tier\"}}"), "web|web");
    EXPECT_EQ(r("{{json .Config.Labels}}"), R"({"app":"shop","tier":"web"})");
    EXPECT_EQ(r("a\\tb\\nc"), "a\tb\nc");
    EXPECT_EQ(r("{{.}}", json("x")), "x");
}

TEST(GoTemplate, IfElseUsesGoTruth) {
    EXPECT_EQ(r("{{if .State.Running}}up{{else}}down{{end}}"), "up");
    EXPECT_EQ(r("{{if .No}}y{{else}}n{{end}}"), "n");
    // 0, "", nil, [] and {} are false; other values are true.
    for (auto f : {".Zero", ".Text", ".Nothing", ".Missing", ".Config.Env", ".Config.Empty"})
        EXPECT_EQ(r(std::string("{{if ") + f + "}}T{{else}}F{{end}}"), "F") << f;
    for (auto f : {".Count", ".Ratio", ".Name", ".Mounts", ".Config.Labels", ".Yes"})
        EXPECT_EQ(r(std::string("{{if ") + f + "}}T{{else}}F{{end}}"), "T") << f;
    EXPECT_EQ(r("{{if .No}}a{{else if .Zero}}b{{else if .Count}}c{{else}}d{{end}}"), "c");
    EXPECT_EQ(r("{{if .No}}a{{else if .Zero}}b{{end}}"), "");
    EXPECT_EQ(r("{{if not .No}}x{{end}}{{if and .Yes .Count}}y{{end}}{{if or .No .Zero}}z{{end}}"),
              "xy");
}

TEST(GoTemplate, RangeOverArraysAndMaps) {
    EXPECT_EQ(r("{{range .Config.Cmd}}<{{.}}>{{end}}"), "<sh><-c><sleep 9>");
    EXPECT_EQ(r("{{range .Mounts}}{{.Destination}}={{.RW}} {{end}}"), "/data=true /etc/x=false ");
    EXPECT_EQ(r("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}"), "app=shop;tier=web;");
    EXPECT_EQ(r("{{range $i, $e := .Config.Cmd}}{{$i}}:{{$e}} {{end}}"), "0:sh 1:-c 2:sleep 9 ");
    EXPECT_EQ(r("{{range $e := .Config.Cmd}}{{$e}}{{end}}"), "sh-csleep 9");
    // A map's values in key order when ranged with only the dot.
    EXPECT_EQ(r("{{range .Config.Labels}}{{.}},{{end}}"), "shop,web,");
    // {{else}} runs for empty and missing collections.
    EXPECT_EQ(r("{{range .Config.Env}}x{{else}}none{{end}}"), "none");
    EXPECT_EQ(r("{{range .Missing}}x{{else}}none{{end}}"), "none");
    EXPECT_EQ(r("{{range .Mounts}}{{.Name}}{{else}}none{{end}}"), "v1");
    // $ is the root inside a range; break and continue.
    EXPECT_EQ(r("{{range .Config.Cmd}}{{$.Name}}{{end}}"), "/web/web/web");
    EXPECT_EQ(r("{{range .Config.Cmd}}{{if eq . \"-c\"}}{{continue}}{{end}}{{.}};{{end}}"),
              "sh;sleep 9;");
    EXPECT_EQ(r("{{range .Config.Cmd}}{{if eq . \"-c\"}}{{break}}{{end}}{{.}};{{end}}"), "sh;");
}

TEST(GoTemplate, NestingWithAndVariables) {
    EXPECT_EQ(r("{{range .Mounts}}{{if .RW}}{{range $.Config.Cmd}}{{len .}}{{end}}{{end}}|{{end}}"),
              "227||");
    EXPECT_EQ(r("{{with .State}}{{.Status}}{{end}}|{{with .Missing}}x{{else}}none{{end}}"),
              "running|none");
    EXPECT_EQ(r("{{$n := .Name}}{{range .Config.Cmd}}{{$n}}{{end}}"), "/web/web/web");
    EXPECT_EQ(r("{{$c := 0}}{{range .Mounts}}{{$c = .RW}}{{end}}{{$c}}"), "false");
    EXPECT_EQ(r("{{if $s := .State.Status}}{{$s}}{{end}}"), "running");
}

TEST(GoTemplate, DockerFunctions) {
    EXPECT_EQ(r("{{join .Config.Cmd \",\"}}"), "sh,-c,sleep 9");
    EXPECT_EQ(r("{{split \"a:b:c\" \":\"}}|{{index (split \"a:b\" \":\") 1}}"), "[a b c]|b");
    EXPECT_EQ(r("{{len (split \"héllo\" \"\")}}"), "5");
    EXPECT_EQ(r("{{lower \"AbC\"}} {{upper .State.Status}} {{title \"hello big-world x_y\"}}"),
              "abc RUNNING Hello Big-World X_y");
    EXPECT_EQ(r("{{len .Config.Cmd}} {{len .Name}} {{len .Config.Labels}}"), "3 4 2");
    EXPECT_EQ(r("{{eq .State.Status \"running\"}} {{eq .Count 1 2 3}} {{ne .Count 3}}"),
              "true true false");
    EXPECT_EQ(r("{{lt 1 2}} {{gt .Ratio 1}} {{le \"a\" \"b\"}} {{ge .Count 3}}"),
              "true false true true");
    EXPECT_EQ(r("{{println .Name}}"), "/web\n");
    EXPECT_EQ(r("{{print \"a\" 1 2 \"b\"}}"), "a1 2b");
    EXPECT_EQ(r("{{printf \"%s-%d-%5s|%-3d|%q\" .Name .Count \"x\" 7 \"q\"}}"),
              "/web-3-    x|7  |\"q\"");
    EXPECT_EQ(r("[{{truncate .Name 2}}][{{truncate .Name 10}}]"), "[/w][/web]");
    EXPECT_EQ(r("[{{pad .Name 1 2}}][{{pad .Text 1 2}}]"), "[ /web  ][]");
    // The piped value is the last argument, so here it lands on join's separator.
    EXPECT_NE(err("{{.Config.Cmd | join \"+\"}}").find("expected []string"), std::string::npos);
    EXPECT_EQ(r("{{\"+\" | join .Config.Cmd | upper}}"), "SH+-C+SLEEP 9");
    EXPECT_EQ(r("{{.Name | printf \"%s!\"}}"), "/web!");
    EXPECT_EQ(r("{{(index .Mounts 0).Name}}"), "v1");
    EXPECT_EQ(r("{{json (index .Mounts 1).RW}}"), "false");
}

TEST(GoTemplate, TrimMarkersAndComments) {
    EXPECT_EQ(r("a  {{- .Name -}}  \n b"), "a/webb");
    EXPECT_EQ(r("{{range .Config.Cmd -}}\n  {{.}}\n{{- end}}"), "sh-csleep 9");
    EXPECT_EQ(r("x {{- /* note */ -}} y{{/* c */}}"), "xy");
    EXPECT_EQ(r("{{-3}}"), "-3");  // a number, not a trim marker
    EXPECT_EQ(r("{{\"}}\"}}"), "}}");
}

TEST(GoTemplate, TableHeadersKeepTitles) {
    json h = {{"Names", "NAMES"}, {"Label", "LABEL"}};
    TemplateOptions o;
    o.header = true;
    EXPECT_EQ(*render_template(
                  "{{upper .Names}}|{{json .Names}}|{{join .Names \",\"}}|{{.Label \"k\"}}", h, o),
              "NAMES|NAMES|NAMES|LABEL");
    EXPECT_EQ(*render_template("{{lower .Names}}", h), "names");
}

TEST(GoTemplate, ErrorsNameTheProblem) {
    struct Case {
        const char* tmpl;
        const char* want;
    } cases[] = {
        {"{{.Name", "unclosed action"},
        {"{{nosuch .Name}}", "function \"nosuch\" not defined"},
        {"{{if .Yes}}x", "unexpected EOF"},
        {"{{range .Mounts}}x", "unexpected EOF"},
        {"x{{end}}", "unexpected {{end}}"},
        {"{{else}}", "unexpected {{else}}"},
        {"{{if .Yes}}a{{else}}b{{else}}c{{end}}", "expected end; found {{else}}"},
        {"{{}}", "missing value for command"},
        {"{{if}}x{{end}}", "missing value for if"},
        {"{{$x}}", "undefined variable \"$x\""},
        {"{{break}}", "{{break}} outside {{range}}"},
        {"{{\"abc}}", "unterminated quoted string"},
        {"{{(len .Name}}", "unclosed left paren"},
        {"{{/* x }}", "unclosed comment"},
        {"{{range .Name}}x{{end}}", "range can't iterate over /web"},
        {"{{.Name.First}}", "can't evaluate field First in type string"},
        {"{{join .Name \",\"}}", "expected []string; got string"},
        {"{{eq .Name 1}}", "incompatible types for comparison"},
        {"{{index .Mounts 5}}", "index out of range: 5"},
        {"{{len .Count}}", "len of type int"},
        {"{{truncate .Name}}", "wrong number of args for truncate: want 2 got 1"},
        {"{{.Name 1 2}}", "can't give argument to non-function .Name"},
        {"{{template \"x\"}}", "{{template}} is not supported"},
        {"{{1x}}", "bad number syntax: \"1x\""},
        {"{{#}}", "unexpected \"#\" in command"},
    };
    for (auto& c : cases) {
        std::string e = err(c.tmpl);
        EXPECT_NE(e.find(c.want), std::string::npos) << c.tmpl << " -> " << e;
        EXPECT_EQ(e.rfind("template: :1:", 0), 0u) << e;
        EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    }
    EXPECT_NE(err("a\nb\n{{end}}").find("template: :3: unexpected {{end}}"), std::string::npos);
}

}  // namespace
}  // namespace nook::engine
