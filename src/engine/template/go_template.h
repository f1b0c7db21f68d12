// Go's text/template as docker's --format flags use it, over JSON data:
//   {{.}} {{.A.B}} {{$}} {{$v.A}}   values (a missing field: "<no value>", as Go,
//                                   or an error with missing_key_error)
//   {{.A "k"}}                      index .A by "k" (docker's {{.Label "k"}})
//   {{f ARG...}} {{ARG | f ARG}}    function calls and pipelines, (parentheses)
//   {{if P}} {{else if P}} {{else}} {{end}}, {{with P}}...{{end}}
//   {{range P}} {{range $v := P}} {{range $k, $v := P}} ... {{else}} {{end}},
//   {{break}} {{continue}}, {{$x := P}} {{$x = P}}, {{/* comment */}}
//   {{- and -}} trim the whitespace before/after the action
// Functions: Go's and, or, not, len, index, eq, ne, lt, le, gt, ge, print,
// printf, println and docker's json, split, join, lower, upper, title, pad,
// truncate (engine/template/go_template_funcs.h). Truth is Go's: false, 0, nil and
// empty strings/arrays/maps are false. Values print as Go's fmt does:
// strings raw, maps as map[k:v], arrays as [a b]. "\t" and "\n" escapes in
// the format become tab and newline (docker's CLI does the same).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"

namespace nook::engine {

// Fails with one line naming the problem, Go's words: "template: :1:
// function \"nosuch\" not defined", "template: :1: unexpected EOF",
// "template: :1:2: executing \"\" at <.A.B>: can't evaluate field B in type string".
Result<std::string> render_template(const std::string& format, const nlohmann::json& data);

struct TemplateOptions {
    // Rendering a table header row from column titles: the text functions
    // (json, split, join, title, lower, upper, truncate) return the title
    // unchanged, as docker's header functions do.
    bool header = false;
    // A field the data has no key for is an error ("map has no entry for
    // key"), as Go's missingkey=error that docker's inspect uses: its data
    // mirrors docker's types, where an unknown field cannot be evaluated.
    // Off: "<no value>", as Go's default for map data.
    bool missing_key_error = false;
};
Result<std::string> render_template(const std::string& format, const nlohmann::json& data,
                                    const TemplateOptions& opts);

// Parse only: the error render_template would give for a malformed template
// (so a list command can reject a bad --format even with nothing to list).
Status check_template(const std::string& format);

// Go's %v of a JSON value (used for every printed value).
std::string go_print(const nlohmann::json& v);

// Align tab-separated cells in columns three spaces apart (docker's
// tabwriter settings: minwidth 10... per column, padding 3).
std::string align_table(const std::string& text);

}  // namespace nook::engine
