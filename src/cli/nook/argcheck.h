// The parse layer in front of CLI11, with docker's contract (cobra's rules):
// options end at the first positional of run/create/exec (the rest is the
// command, flags included); an unknown flag is an error naming it, a docker
// flag nook lacks is refused by name, an unknown verb gets suggestions, and
// every parse error is one line plus "See 'nook VERB --help'." with docker's
// exit code (125 for flags, 1 for verbs and argument counts).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace nook::cli {

struct CommandLine {
    CLI::App* cmd = nullptr;  // the deepest command named on the line
    std::string path;         // its words below the root: "container ls"
};

// Walk argv against the command tree before CLI11 parses it. Returns -1 to go
// on parsing, else the exit code after printing the error (or a group's help).
int check_command_line(CLI::App& root, int argc, char** argv, CommandLine& out);

// Print a CLI11 parse error of line.cmd docker's way; returns the exit code.
int report_parse_error(const CommandLine& line, const CLI::ParseError& e);

}  // namespace nook::cli
