// The Go template executor over JSON data (go_template.h).
#include "engine/template/go_template.h"

#include "engine/template/go_template_funcs.h"
#include "engine/template/go_template_parse.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace nook::engine {

using json = nlohmann::json;

namespace {

std::string unescape(const std::string& f) {
    std::string out;
    for (size_t i = 0; i < f.size(); i++) {
        if (f[i] == '\\' && i + 1 < f.size() && (f[i + 1] == 't' || f[i + 1] == 'n')) {
            out += f[i + 1] == 't' ? '\t' : '\n';
            i++;
        } else {
            out += f[i];
        }
    }
    return out;
}

using tmpl::Command;
using tmpl::List;
using tmpl::Node;
using tmpl::Operand;
using tmpl::Pipeline;

// Walks the parse tree with "." (dot) and the variables in scope, appending
// to out. {{break}}/{{continue}} travel up as a Flow to their range.
class Exec {
  public:
    enum class Flow { Normal, Break, Continue };

    Exec(const json& root, const TemplateOptions& opts) : opts_(opts) {
        vars_.push_back({"$", root});
    }

    Result<Flow> run(const List& list, const json& dot) {
        const size_t mark = vars_.size();  // {{$x := ...}} lasts to the end of its list
        for (const Node& n : list) {
            TRY_ASSIGN(Flow f, node(n, dot));
            if (f != Flow::Normal) {
                vars_.resize(mark);
                return f;
            }
        }
        vars_.resize(mark);
        return Flow::Normal;
    }

    std::string out;

  private:
    Result<Flow> node(const Node& n, const json& dot) {
        switch (n.kind) {
            case Node::Text:
                out += n.text;
                return Flow::Normal;
            case Node::Break:
                return Flow::Break;
            case Node::Continue:
                return Flow::Continue;
            case Node::Action: {
                TRY_ASSIGN(json v, pipeline(n.pipe, dot));
                if (n.pipe.vars.empty()) out += go_print(v);
                return Flow::Normal;
            }
            case Node::If:
            case Node::With: {
                const size_t mark = vars_.size();
                TRY_ASSIGN(json v, pipeline(n.pipe, dot));
                bool yes = tmpl::truthy(v);
                const json& inner = n.kind == Node::With && yes ? v : dot;
                auto f = run(yes ? n.list : n.else_list, inner);
                vars_.resize(mark);
                return f;
            }
            case Node::Range:
                return range(n, dot);
        }
        return Flow::Normal;
    }

    Result<Flow> range(const Node& n, const json& dot) {
        TRY_ASSIGN(json v, commands(n.pipe, dot));
        const size_t mark = vars_.size();
        for (auto& name : n.pipe.vars) vars_.push_back({name, json()});
        auto each = [&](const json& key, const json& elem) -> Result<Flow> {
            if (n.pipe.vars.size() == 1) vars_[mark].second = elem;
            if (n.pipe.vars.size() == 2) vars_[mark].second = key, vars_[mark + 1].second = elem;
            return run(n.list, elem);
        };
        size_t count = 0;
        Status st;
        auto loop = [&]() -> Status {
            if (v.is_array()) {
                for (size_t i = 0; i < v.size(); i++, count++) {
                    TRY_ASSIGN(Flow f, each(json(i), v[i]));
                    if (f == Flow::Break) break;
                }
            } else if (v.is_object()) {  // keys in sorted order, as Go ranges over maps
                for (auto it = v.begin(); it != v.end(); ++it, count++) {
                    TRY_ASSIGN(Flow f, each(json(it.key()), it.value()));
                    if (f == Flow::Break) break;
                }
            } else if (v.is_number_integer()) {  // Go 1.22: range over an int
                for (long long i = 0; i < v.get<long long>(); i++, count++) {
                    TRY_ASSIGN(Flow f, each(json(i), json(i)));
                    if (f == Flow::Break) break;
                }
            } else if (!v.is_null()) {
                return xerr(first_operand(n.pipe), "range can't iterate over " + go_print(v));
            }
            return {};
        };
        st = loop();
        vars_.resize(mark);
        TRY(std::move(st));
        if (count == 0) return run(n.else_list, dot);
        return Flow::Normal;
    }

    // A pipeline with its declaration: {{$x := ...}} / {{$x = ...}}.
    Result<json> pipeline(const Pipeline& p, const json& dot) {
        TRY_ASSIGN(json v, commands(p, dot));
        if (p.vars.empty()) return v;
        if (!p.assign) {
            vars_.push_back({p.vars[0], v});
        } else {
            for (size_t i = vars_.size(); i-- > 0;)
                if (vars_[i].first == p.vars[0]) {
                    vars_[i].second = v;
                    break;
                }
        }
        return v;
    }

    Result<json> commands(const Pipeline& p, const json& dot) {
        json v;
        for (size_t i = 0; i < p.cmds.size(); i++) {
            const json* piped = i ? &v : nullptr;
            TRY_ASSIGN(json r, command(p.cmds[i], dot, piped));
            v = std::move(r);
        }
        return v;
    }

    Result<json> command(const Command& c, const json& dot, const json* piped) {
        const Operand& head = c.words[0];
        std::vector<json> args;
        for (size_t i = 1; i < c.words.size(); i++) {
            TRY_ASSIGN(json a, operand(c.words[i], dot));
            args.push_back(std::move(a));
        }
        if (piped) args.push_back(*piped);
        if (head.kind == Operand::Func) return call(head, args);
        TRY_ASSIGN(json v, operand(head, dot));
        if (args.empty()) return v;
        // docker's map methods with an argument: {{.Label "k"}} indexes .Label.
        if ((head.kind == Operand::Field || head.kind == Operand::Var) && args.size() == 1 &&
            (v.is_object() || v.is_string())) {
            args.insert(args.begin(), v);
            return call(head, args, "index");
        }
        return xerr(head, "can't give argument to non-function " + head.text);
    }

    Result<json> call(const Operand& at, const std::vector<json>& args,
                      const std::string& name = "") {
        auto r = tmpl::call_func(name.empty() ? at.name : name, args, opts_.header);
        if (!r.ok()) return xerr(at, r.error().message());
        return r;
    }

    Result<json> operand(const Operand& op, const json& dot) {
        switch (op.kind) {
            case Operand::Dot:
                return dot;
            case Operand::Literal:
                return op.literal;
            case Operand::Func:
                return call(op, {});
            case Operand::Field:
                return walk(dot, op);
            case Operand::Var:
                for (size_t i = vars_.size(); i-- > 0;)
                    if (vars_[i].first == op.name) return walk(vars_[i].second, op);
                return xerr(op, "undefined variable: " + op.name);
            case Operand::Paren: {
                TRY_ASSIGN(json v, commands(*op.sub, dot));
                return walk(v, op);
            }
        }
        return json();
    }

    // .A.B on a value: a missing key gives nil ("<no value>"), as Go's maps;
    // with missing_key_error it fails as Go's missingkey=error does, and so
    // does a field of nil (Go fails on that whatever the option).
    Result<json> walk(json v, const Operand& op) {
        for (const auto& f : op.fields) {
            if (v.is_null()) {
                if (!opts_.missing_key_error) return v;
                return xerr(op, "nil pointer evaluating interface {}." + f);
            }
            if (!v.is_object())
                return xerr(op, "can't evaluate field " + f + " in type " + tmpl::go_type(v));
            auto it = v.find(f);
            if (it == v.end() && opts_.missing_key_error)
                return xerr(op, "map has no entry for key \"" + f + "\"");
            v = it == v.end() ? json() : json(*it);
        }
        return v;
    }

    static const Operand* first_operand(const Pipeline& p) {
        return p.cmds.empty() || p.cmds[0].words.empty() ? nullptr : &p.cmds[0].words[0];
    }
    Error xerr(const Operand* at, const std::string& what) const {
        static const Operand none;
        return xerr(at ? *at : none, what);
    }
    // Go's words: "template: :LINE:COL: executing \"\" at <OPERAND>: WHAT".
    Error xerr(const Operand& at, const std::string& what) const {
        return invalid_input("template: :" + std::to_string(at.line) + ":" +
                             std::to_string(at.col) + ": executing \"\" at <" + at.text +
                             ">: " + what);
    }

    const TemplateOptions& opts_;
    std::vector<std::pair<std::string, json>> vars_;
};

}  // namespace

std::string go_print(const json& v) {
    if (v.is_null()) return "<no value>";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_float()) {
        std::ostringstream o;
        o << v.get<double>();
        return o.str();
    }
    if (v.is_number()) return v.dump();
    std::string out;
    if (v.is_array()) {
        for (const auto& e : v) out += (out.empty() ? "" : " ") + go_print(e);
        return "[" + out + "]";
    }
    for (auto it = v.begin(); it != v.end(); ++it)  // nlohmann keeps keys sorted, as Go prints
        out += (out.empty() ? "" : " ") + it.key() + ":" + go_print(it.value());
    return "map[" + out + "]";
}

Result<std::string> render_template(const std::string& format, const json& data) {
    return render_template(format, data, TemplateOptions{});
}

Status check_template(const std::string& format) {
    TRY(tmpl::parse_template(unescape(format)));
    return {};
}

Result<std::string> render_template(const std::string& format, const json& data,
                                    const TemplateOptions& opts) {
    TRY_ASSIGN(auto tree, tmpl::parse_template(unescape(format)));
    Exec ex(data, opts);
    TRY(ex.run(tree, data));
    return std::move(ex.out);
}

std::string align_table(const std::string& text) {
    auto width = [](const std::string& s) {
        size_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // UTF-8 code points
        return n;
    };
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        size_t p = 0;
        for (size_t t; (t = line.find('\t', p)) != std::string::npos; p = t + 1)
            cells.push_back(line.substr(p, t - p));
        cells.push_back(line.substr(p));
        rows.push_back(std::move(cells));
    }
    std::vector<size_t> w;
    for (auto& r : rows)
        for (size_t i = 0; i + 1 < r.size(); i++) {
            if (w.size() <= i) w.resize(i + 1, 0);
            w[i] = std::max(w[i], width(r[i]));
        }
    std::string out;
    for (auto& r : rows) {
        for (size_t i = 0; i < r.size(); i++) {
            out += r[i];
            if (i + 1 < r.size()) out += std::string(w[i] - width(r[i]) + 3, ' ');
        }
        out += "\n";
    }
    return out;
}

}  // namespace nook::engine
