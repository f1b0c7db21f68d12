// config.json <-> Spec. Strict on types, lenient on unknown keys (as runc):
// a value of the wrong type fails with one line naming the file and JSON path,
//   config.json: process.args[1]: expected string, got number
// while keys this runtime does not know are ignored so newer specs still load.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/spec.h"

namespace nook::oci {

// file_for_errors prefixes every message (usually the path of config.json).
Result<Spec> parse_spec(std::string_view json_text, const std::string& file_for_errors);
// Read and parse the file at path; I/O errors carry errno ("open <path>: ...").
Result<Spec> load_spec(const std::string& path);

// Serialise with the spec's camelCase names, in runtime-spec field order.
// Empty optionals, empty lists and empty strings that the spec marks optional
// are omitted, so parse_spec(to_json(s)) reproduces s. pretty: tab-indented,
// as `runc spec` writes.
std::string to_json(const Spec& spec, bool pretty = false);

}  // namespace nook::oci
