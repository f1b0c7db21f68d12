// The parse tree of a Go text/template (the part docker's --format uses),
// built once by parse_template and walked by the executor in go_template.cpp.
// Internal to the template engine; callers use go_template.h.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::engine::tmpl {

struct Pipeline;

// One word of a command: the head (a function name or a value) or an argument.
struct Operand {
    enum Kind { Dot, Field, Var, Literal, Func, Paren } kind = Dot;
    std::string name;                 // Func: the function; Var: "$x" ("$" = the root)
    std::vector<std::string> fields;  // a chain of .A.B after the base (Field, Var, Paren)
    nlohmann::json literal;           // Literal: string, number, bool or null
    std::shared_ptr<Pipeline> sub;    // Paren: the inner pipeline
    std::string text;                 // as written, for error messages
    int line = 1, col = 0;            // where it starts, for error messages
};

struct Command {
    std::vector<Operand> words;
};

// "$k, $v := cmd | cmd": declared (or, with assign, reassigned) variables and
// the commands, each one's result fed to the next as its last argument.
struct Pipeline {
    std::vector<std::string> vars;
    bool assign = false;  // "=" rather than ":="
    std::vector<Command> cmds;
    std::string text;
};

struct Node;
using List = std::vector<Node>;

struct Node {
    enum Kind { Text, Action, If, Range, With, Break, Continue } kind = Text;
    std::string text;  // Text: the literal text
    int line = 1;
    Pipeline pipe;   // Action, If, Range, With
    List list;       // If/With: then; Range: body
    List else_list;  // If/With/Range: the {{else}} part ({{else if}} nests an If)
};

// Parse an already unescaped template. Errors read like Go's, e.g.
// "template: :1: unexpected {{end}}", "template: :1: function \"x\" not defined".
Result<List> parse_template(const std::string& text);

// The functions a template may call (Go's builtins and docker's additions).
bool is_template_func(const std::string& name);

}  // namespace nook::engine::tmpl
