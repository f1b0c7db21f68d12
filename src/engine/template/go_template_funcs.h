// The functions Go templates may call in docker's --format: Go's builtins
// (and, or, not, len, index, eq, ne, lt, le, gt, ge, print, printf, println)
// and docker's (json, split, join, title, lower, upper, pad, truncate).
// Internal to the template engine; callers use go_template.h.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::engine::tmpl {

// Go's truth: false, 0, nil and empty strings, arrays and maps are false.
bool truthy(const nlohmann::json& v);
// Go's name for the type a JSON value decodes to ("string", "float64", ...).
std::string go_type(const nlohmann::json& v);

// Call a function with evaluated arguments. header: render a table header,
// where docker makes the text functions (json, join, upper, ...) return
// their argument unchanged so the column title stays intact. Errors are the
// bare reason ("wrong number of args for join: want 2 got 1").
Result<nlohmann::json> call_func(const std::string& name, const std::vector<nlohmann::json>& args,
                                 bool header);

}  // namespace nook::engine::tmpl
