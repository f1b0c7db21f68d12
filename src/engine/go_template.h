// The subset of Go's text/template that docker's --format flags are used
// with: literal text and {{ actions }} where an action is
//   .                 the whole value
//   .A.B.C            a field path (missing: "<no value>", as Go)
//   .A "k"            index .A by "k" (docker's {{.Label "k"}})
//   json PIPE         the value as compact JSON
//   index PIPE "k"    a map entry
//   join PIPE ","     an array's elements joined
//   upper/lower/title PIPE, len PIPE, println PIPE
// Values print as Go's fmt does: strings raw, maps as map[k:v], arrays as
// [a b]. "\t" and "\n" escapes in the format become tab and newline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"

namespace nook::engine {

// Fails on an unterminated action or an unknown function, naming it.
Result<std::string> render_template(const std::string& format, const nlohmann::json& data);

// Go's %v of a JSON value (used for every printed value).
std::string go_print(const nlohmann::json& v);

// Align tab-separated cells in columns three spaces apart (docker's
// tabwriter settings: minwidth 10... per column, padding 3).
std::string align_table(const std::string& text);

}  // namespace nook::engine
