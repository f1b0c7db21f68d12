// `--help` laid out as docker's: Usage line, description, Aliases, Options
// with their value types and defaults, and on the top level the verbs grouped
// as docker 28 groups them (Common, Management, Commands).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace nook::cli {

std::shared_ptr<CLI::FormatterBase> docker_help_formatter();

// The words below the root naming cmd: "container ls" ("" for the root).
std::string command_path(const CLI::App* cmd);
// docker's type word for an option's value ("string", "int", "list"); empty for a flag.
std::string option_type(const CLI::Option* opt);
// The option's names as docker prints them: "-d, --detach" or "    --rm".
std::string option_names(const CLI::Option* opt);

}  // namespace nook::cli
