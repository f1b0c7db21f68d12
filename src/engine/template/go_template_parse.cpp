// Lexing and parsing of Go templates into the tree of go_template_parse.h.
// Two passes: split the text into literal text and {{ actions }} (honouring
// "{{- " / " -}}" trim markers, comments, and "}}" inside quoted strings),
// then a recursive descent over those items that pairs if/range/with with
// their else/end and checks function and variable names as Go does at parse
// time, so a typo fails even in a branch that never runs.
#include <cctype>
#include <cstdlib>

#include "engine/template/go_template_parse.h"

namespace nook::engine::tmpl {

namespace {

using json = nlohmann::json;

struct Token {
    enum Kind { Dot, Field, Var, Literal, Ident, LParen, RParen, Pipe, Comma, Declare, Assign };
    Kind kind;
    std::string text;                 // as written
    std::vector<std::string> fields;  // Field: A, B of .A.B; Var: the chain after the name
    json value;                       // Literal
    bool space_before = false;
    int line = 1, col = 0;  // where it starts (Go's "line:col" in execution errors)
};

struct Item {
    bool action = false;
    std::string text;  // Text: the literal text; Action: the body, for messages
    std::vector<Token> toks;
    int line = 1;
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

Error perr(int line, const std::string& what) {
    return invalid_input("template: :" + std::to_string(line) + ": " + what);
}

// A "..." string at b[i] with Go's escapes; i ends past the closing quote.
Result<std::string> lex_quoted(const std::string& b, size_t& i, int line) {
    std::string out;
    for (i++; i < b.size(); i++) {
        char c = b[i];
        if (c == '"') {
            i++;
            return out;
        }
        if (c == '\n') break;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= b.size()) break;
        switch (b[i]) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case '\\':
                out += '\\';
                break;
            case '"':
                out += '"';
                break;
            case '\'':
                out += '\'';
                break;
            default:
                return perr(line, std::string("invalid escape \\") + b[i] + " in string");
        }
    }
    return perr(line, "unterminated quoted string");
}

// ".A.B" chains: appends A, B to fields while b[i] starts another field.
void lex_fields(const std::string& b, size_t& i, std::vector<std::string>& fields) {
    while (i + 1 < b.size() && b[i] == '.' && ident_start(b[i + 1])) {
        size_t s = ++i;
        while (i < b.size() && ident_char(b[i])) i++;
        fields.push_back(b.substr(s, i - s));
    }
}

Result<json> lex_number(const std::string& b, size_t& i, int line) {
    size_t s = i;
    if (b[i] == '-' || b[i] == '+') i++;
    while (i < b.size() &&
           (std::isalnum(static_cast<unsigned char>(b[i])) || b[i] == '.' || b[i] == '_' ||
            ((b[i] == '-' || b[i] == '+') && (b[i - 1] == 'e' || b[i - 1] == 'E'))))
        i++;
    std::string t = b.substr(s, i - s);
    bool hex = t.find("0x") != std::string::npos || t.find("0X") != std::string::npos;
    char* end = nullptr;
    if (!hex && t.find_first_of(".eE") != std::string::npos) {
        double d = std::strtod(t.c_str(), &end);
        if (*end == 0) return json(d);
    } else {
        long long n = std::strtoll(t.c_str(), &end, 0);
        if (*end == 0) return json(n);
    }
    return perr(line, "bad number syntax: \"" + t + "\"");
}

// b: an action's body; line and col0: where b starts in the template.
Result<std::vector<Token>> lex_action(const std::string& b, int line, int col0) {
    std::vector<Token> out;
    bool space = false;
    size_t i = 0;
    int tok_line = line;
    size_t line_start = 0;  // offset in b where tok_line starts (col0 applies before any newline)
    bool first_line = true;
    while (i < b.size()) {
        char c = b[i];
        if (c == '\n') tok_line++, line_start = i + 1, first_line = false;
        if (is_space(c)) {
            space = true;
            i++;
            continue;
        }
        Token t;
        t.space_before = space;
        t.line = tok_line;
        t.col = static_cast<int>(i - line_start) + (first_line ? col0 : 0);
        space = false;
        size_t s = i;
        if (c == '"') {
            TRY_ASSIGN(auto str, lex_quoted(b, i, line));
            t.kind = Token::Literal;
            t.value = str;
        } else if (c == '`') {
            size_t end = b.find('`', i + 1);
            if (end == std::string::npos) return perr(line, "unterminated raw quoted string");
            t.kind = Token::Literal;
            t.value = b.substr(i + 1, end - i - 1);
            i = end + 1;
        } else if (c == '|' || c == ',' || c == '(' || c == ')' || c == '=') {
            t.kind = c == '|'   ? Token::Pipe
                     : c == ',' ? Token::Comma
                     : c == '(' ? Token::LParen
                     : c == ')' ? Token::RParen
                                : Token::Assign;
            i++;
        } else if (c == ':' && i + 1 < b.size() && b[i + 1] == '=') {
            t.kind = Token::Declare;
            i += 2;
        } else if (c == '$') {
            t.kind = Token::Var;
            i++;
            while (i < b.size() && ident_char(b[i])) i++;
            std::string name = b.substr(s, i - s);
            lex_fields(b, i, t.fields);
            t.value = name;
        } else if (c == '.' && i + 1 < b.size() && ident_start(b[i + 1])) {
            t.kind = Token::Field;
            lex_fields(b, i, t.fields);
        } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                   ((c == '-' || c == '+' || c == '.') && i + 1 < b.size() &&
                    std::isdigit(static_cast<unsigned char>(b[i + 1])))) {
            t.kind = Token::Literal;
            TRY_ASSIGN(t.value, lex_number(b, i, line));
        } else if (c == '.') {
            t.kind = Token::Dot;
            i++;
        } else if (ident_start(c)) {
            while (i < b.size() && ident_char(b[i])) i++;
            std::string w = b.substr(s, i - s);
            if (w == "true" || w == "false" || w == "nil") {
                t.kind = Token::Literal;
                t.value = w == "nil" ? json() : json(w == "true");
            } else {
                t.kind = Token::Ident;
            }
        } else {
            return perr(line, std::string("unexpected \"") + c + "\" in command");
        }
        t.text = b.substr(s, i - s);
        out.push_back(std::move(t));
    }
    return out;
}

void trim_right(std::string& s) {
    while (!s.empty() && is_space(s.back())) s.pop_back();
}

// The first "}}" not inside a quoted string, from p; npos with bad_quote
// set when a quoted string runs to the end of its line (or of the text).
size_t find_close(const std::string& s, size_t p, bool& bad_quote) {
    bad_quote = false;
    for (size_t q = p; q + 1 < s.size(); q++) {
        char c = s[q];
        if (c == '"' || c == '`' || c == '\'') {
            for (q++; q < s.size() && s[q] != c && (c == '`' || s[q] != '\n'); q++)
                if (s[q] == '\\' && c != '`') q++;
            if (q >= s.size() || s[q] != c) {
                bad_quote = true;
                return std::string::npos;
            }
            continue;
        }
        if (c == '}' && s[q + 1] == '}') return q;
    }
    return std::string::npos;
}

Result<std::vector<Item>> split_items(const std::string& s) {
    std::vector<Item> items;
    size_t pos = 0;
    int line = 1;
    bool trim_next = false;
    auto count_lines = [](const std::string& t) {
        int n = 0;
        for (char c : t) n += c == '\n';
        return n;
    };
    while (pos <= s.size()) {
        size_t open = s.find("{{", pos);
        std::string text =
            s.substr(pos, open == std::string::npos ? std::string::npos : open - pos);
        int text_line = line;
        line += count_lines(text);
        if (trim_next) {
            size_t k = 0;
            while (k < text.size() && is_space(text[k])) k++;
            text.erase(0, k);
        }
        size_t p = open == std::string::npos ? s.size() : open + 2;
        const bool trim_left =
            open != std::string::npos && p + 1 < s.size() && s[p] == '-' && is_space(s[p + 1]);
        if (trim_left) trim_right(text), p++;
        if (!text.empty()) items.push_back(Item{false, text, {}, text_line});
        if (open == std::string::npos) break;
        size_t q = p;
        while (q < s.size() && is_space(s[q])) q++;
        size_t close;
        bool comment = s.compare(q, 2, "/*") == 0;
        if (comment) {
            size_t end = s.find("*/", q + 2);
            if (end == std::string::npos) return perr(line, "unclosed comment");
            close = end + 2;
            while (close < s.size() && (is_space(s[close]) || s[close] == '-')) close++;
            if (s.compare(close, 2, "}}") != 0)
                return perr(line, "comment ends before closing delimiter");
        } else {
            bool bad_quote = false;
            close = find_close(s, p, bad_quote);
            if (bad_quote) return perr(line, "unterminated quoted string");
            if (close == std::string::npos) return perr(line, "unclosed action");
        }
        const bool trim = close >= p + 2 && s[close - 1] == '-' && is_space(s[close - 2]);
        std::string body = s.substr(p, close - p - (trim ? 1 : 0));
        if (!comment) {
            const size_t nl = s.rfind('\n', p == 0 ? 0 : p - 1);
            const int col0 = static_cast<int>(nl == std::string::npos || nl >= p ? p : p - nl - 1);
            TRY_ASSIGN(auto toks, lex_action(body, line, col0));
            trim_right(body);
            size_t k = 0;
            while (k < body.size() && is_space(body[k])) k++;
            items.push_back(Item{true, body.substr(k), std::move(toks), line});
        }
        line += count_lines(s.substr(open, close + 2 - open));
        pos = close + 2;
        trim_next = trim;
    }
    return items;
}

class Parser {
  public:
    explicit Parser(std::vector<Item> items) : items_(std::move(items)) {}

    Result<List> parse_all() {
        List out;
        std::string stop;
        std::vector<Token> rest;
        TRY(parse_list(out, stop, rest, false));
        return out;
    }

  private:
    using Toks = std::vector<Token>;

    // Items up to an {{end}} or {{else ...}} of the enclosing block (its
    // keyword in stop, the words after it in rest) or the end of the text.
    Status parse_list(List& out, std::string& stop, Toks& rest, bool nested) {
        while (pos_ < items_.size()) {
            const Item& it = items_[pos_++];
            line_ = it.line;
            if (!it.action) {
                Node n;
                n.kind = Node::Text;
                n.text = it.text;
                n.line = it.line;
                out.push_back(std::move(n));
                continue;
            }
            const Toks& t = it.toks;
            if (t.empty()) return perr(line_, "missing value for command");
            std::string kw = t[0].kind == Token::Ident ? t[0].text : "";
            if (kw == "end" || kw == "else") {
                if (!nested) return perr(line_, "unexpected {{" + kw + "}}");
                if (kw == "end" && t.size() > 1) return perr(line_, "unexpected words in {{end}}");
                stop = kw;
                rest.assign(t.begin() + 1, t.end());
                return {};
            }
            if (kw == "if" || kw == "range" || kw == "with") {
                TRY_ASSIGN(auto n, parse_control(kw, Toks(t.begin() + 1, t.end()), it.text));
                out.push_back(std::move(n));
                continue;
            }
            if (kw == "break" || kw == "continue") {
                if (range_depth_ == 0) return perr(line_, "{{" + kw + "}} outside {{range}}");
                if (t.size() > 1) return perr(line_, "unexpected words in {{" + kw + "}}");
                Node n;
                n.kind = kw == "break" ? Node::Break : Node::Continue;
                n.line = line_;
                out.push_back(std::move(n));
                continue;
            }
            if (kw == "define" || kw == "template" || kw == "block")
                return perr(line_, "{{" + kw + "}} is not supported");
            Node n;
            n.kind = Node::Action;
            n.line = line_;
            TRY(parse_pipeline(t, n.pipe, "command", false));
            n.pipe.text = it.text;
            out.push_back(std::move(n));
        }
        if (nested) return perr(line_, "unexpected EOF");
        return {};
    }

    // {{if|range|with PIPE}} LIST [{{else [if|with PIPE]}} LIST] {{end}}
    Result<Node> parse_control(const std::string& kw, const Toks& t, const std::string& text) {
        Node n;
        n.kind = kw == "if" ? Node::If : kw == "range" ? Node::Range : Node::With;
        n.line = line_;
        const size_t mark = vars_.size();
        TRY(parse_pipeline(t, n.pipe, kw, kw == "range"));
        n.pipe.text = text;
        std::string stop;
        Toks rest;
        if (kw == "range") range_depth_++;
        auto body = parse_list(n.list, stop, rest, true);
        if (kw == "range") range_depth_--;
        TRY(std::move(body));
        if (stop == "else") {
            if (!rest.empty()) {
                // {{else if ...}} / {{else with ...}}: a nested block that
                // shares this one's {{end}}.
                std::string k2 = rest[0].kind == Token::Ident ? rest[0].text : "";
                if (k2 != kw || kw == "range")
                    return perr(line_, "unexpected \"" + rest[0].text + "\" in else");
                TRY_ASSIGN(auto inner, parse_control(k2, Toks(rest.begin() + 1, rest.end()), text));
                n.else_list.push_back(std::move(inner));
            } else {
                TRY(parse_list(n.else_list, stop, rest, true));
                if (stop != "end") return perr(line_, "expected end; found {{else}}");
            }
        }
        vars_.resize(mark);
        return n;
    }

    Status parse_pipeline(const Toks& t, Pipeline& p, const std::string& ctx, bool is_range) {
        size_t i = 0;
        // Declarations: "$x :=", "$x =", and in range "$k, $v :=".
        auto plain_var = [&](size_t k) {
            return k < t.size() && t[k].kind == Token::Var && t[k].fields.empty();
        };
        if (plain_var(0) && t.size() > 1 &&
            (t[1].kind == Token::Declare || t[1].kind == Token::Assign)) {
            p.vars = {t[0].text};
            p.assign = t[1].kind == Token::Assign;
            i = 2;
        } else if (plain_var(0) && t.size() > 3 && t[1].kind == Token::Comma && plain_var(2) &&
                   (t[3].kind == Token::Declare || t[3].kind == Token::Assign)) {
            if (!is_range) return perr(line_, "too many declarations in " + ctx);
            p.vars = {t[0].text, t[2].text};
            p.assign = t[3].kind == Token::Assign;
            i = 4;
        }
        for (auto& v : p.vars)
            if (p.assign && !defined(v)) return perr(line_, "undefined variable \"" + v + "\"");
        TRY(parse_commands(t, i, p, ctx, false));
        if (!p.assign) vars_.insert(vars_.end(), p.vars.begin(), p.vars.end());
        return {};
    }

    // Commands separated by "|" up to the end (or a ")" when in_paren).
    Status parse_commands(const Toks& t, size_t& i, Pipeline& p, const std::string& ctx,
                          bool in_paren) {
        while (true) {
            Command c;
            while (i < t.size() && t[i].kind != Token::Pipe && t[i].kind != Token::RParen) {
                TRY_ASSIGN(auto op, parse_operand(t, i));
                c.words.push_back(std::move(op));
            }
            if (c.words.empty()) return perr(line_, "missing value for " + ctx);
            p.cmds.push_back(std::move(c));
            if (i < t.size() && t[i].kind == Token::Pipe) {
                i++;
                continue;
            }
            if (i < t.size() && !in_paren) return perr(line_, "unexpected \")\"");
            if (i >= t.size() && in_paren) return perr(line_, "unclosed left paren");
            return {};
        }
    }

    Result<Operand> parse_operand(const Toks& t, size_t& i) {
        const Token& k = t[i++];
        Operand op;
        op.text = k.text;
        op.line = k.line;
        op.col = k.col;
        switch (k.kind) {
            case Token::Dot:
                op.kind = Operand::Dot;
                break;
            case Token::Field:
                op.kind = Operand::Field;
                op.fields = k.fields;
                break;
            case Token::Var:
                op.kind = Operand::Var;
                op.name = k.value.get<std::string>();
                op.fields = k.fields;
                if (!defined(op.name)) return perr(line_, "undefined variable \"" + op.name + "\"");
                break;
            case Token::Literal:
                op.kind = Operand::Literal;
                op.literal = k.value;
                break;
            case Token::Ident:
                if (!is_template_func(k.text))
                    return perr(line_, "function \"" + k.text + "\" not defined");
                op.kind = Operand::Func;
                op.name = k.text;
                break;
            case Token::LParen: {
                op.kind = Operand::Paren;
                op.sub = std::make_shared<Pipeline>();
                TRY(parse_commands(t, i, *op.sub, "parenthesized pipeline", true));
                i++;  // the ")"
                // (pipeline).A.B
                if (i < t.size() && t[i].kind == Token::Field && !t[i].space_before)
                    op.fields = t[i++].fields;
                op.text = "(...)";
                break;
            }
            default:
                return perr(line_, "unexpected \"" + k.text + "\" in operand");
        }
        return op;
    }

    bool defined(const std::string& v) const {
        if (v == "$") return true;
        for (auto& d : vars_)
            if (d == v) return true;
        return false;
    }

    std::vector<Item> items_;
    size_t pos_ = 0;
    int line_ = 1;
    int range_depth_ = 0;
    std::vector<std::string> vars_;  // in scope, innermost last
};

}  // namespace

Result<List> parse_template(const std::string& text) {
    TRY_ASSIGN(auto items, split_items(text));
    Parser p(std::move(items));
    return p.parse_all();
}

}  // namespace nook::engine::tmpl
