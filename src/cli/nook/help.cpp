#include "cli/nook/help.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "cli/nook/verbs.h"

namespace nook::cli {

namespace {

// docker 28's top-level groups; the rest of nook's verbs are "Commands".
const std::vector<std::string> kCommon = {"run",    "exec",  "ps",     "build",  "pull",    "push",
                                          "images", "login", "logout", "search", "version", "info"};
const std::set<std::string> kContainerGroup = {
    "attach", "commit", "cp",    "create", "diff",    "exec",    "export", "inspect",
    "kill",   "logs",   "pause", "port",   "rename",  "restart", "rm",     "run",
    "start",  "stats",  "stop",  "top",    "unpause", "update",  "wait"};

std::vector<const CLI::App*> subs(const CLI::App* app) {
    return app->get_subcommands([](const CLI::App*) { return true; });
}

bool is_group(const CLI::App* app) {
    return !subs(app).empty();
}

const CLI::App* root_of(const CLI::App* app) {
    while (app->get_parent()) app = app->get_parent();
    return app;
}

// The verb table row a command comes from (through `container`/`image` too).
const Verb* row_of(const CLI::App* cmd) {
    const CLI::App* parent = cmd->get_parent();
    if (!parent) return nullptr;
    std::string name = cmd->get_name();
    std::string group = parent->get_parent() ? parent->get_name() : "";
    if (group == "container" && name == "ls") name = "ps";
    for (size_t i = 0; i < kVerbCount; i++) {
        const Verb& v = kVerbs[i];
        if (group.empty() || group == "container") {
            if (name == v.name) return &v;
        } else if (group == "image" && v.image_subcommand) {
            if (name == (v.image_alias ? v.image_alias : v.name)) return &v;
        }
    }
    return nullptr;
}

std::vector<std::string> aliases_of(const CLI::App* cmd) {
    std::vector<std::string> out;
    const Verb* v = row_of(cmd);
    const std::string path = command_path(cmd);
    if (v) {
        const std::string name = v->name;
        const CLI::App* root = root_of(cmd);
        auto has = [&](const std::string& p) {
            const CLI::App* a = root;
            size_t start = 0;
            while (start <= p.size()) {
                size_t sp = p.find(' ', start);
                std::string w = p.substr(start, sp == std::string::npos ? p.npos : sp - start);
                const CLI::App* next = nullptr;
                for (auto* s : subs(a))
                    if (s->get_name() == w) next = s;
                if (!next) return false;
                a = next;
                if (sp == std::string::npos) break;
                start = sp + 1;
            }
            return true;
        };
        std::vector<std::string> paths;
        if (kContainerGroup.count(name)) paths.push_back("container " + name);
        if (name == "ps") paths.push_back("container ls");
        if (v->image_subcommand)
            paths.push_back(std::string("image ") + (v->image_alias ? v->image_alias : v->name));
        paths.push_back(name);
        for (auto& p : paths)
            if (has(p)) out.push_back("nook " + p);
    }
    std::string parent = command_path(cmd->get_parent());
    for (auto& a : cmd->get_aliases())
        if (!v || a != v->name || parent != "image")  // `image images`: an artefact
            out.push_back("nook " + (parent.empty() ? "" : parent + " ") + a);
    if (out.size() < 2) return {};  // docker prints Aliases only when there are some
    return out;
}

std::string usage_args(const CLI::App* cmd) {
    std::string out;
    auto pos = cmd->get_options([](const CLI::Option* o) { return o->get_positional(); });
    for (const CLI::Option* p : pos) {
        std::string n = p->get_name();
        std::transform(n.begin(), n.end(), n.begin(), ::toupper);
        const bool many = p->get_items_expected_max() >= CLI::detail::expected_max_vector_size;
        std::string w;
        if (n == "COMMAND")
            w = p->get_required() ? "COMMAND [ARG...]" : "[COMMAND] [ARG...]";
        else if (many)
            w = p->get_required() ? n + " [" + n + "...]" : "[" + n + "...]";
        else
            w = p->get_required() ? n : "[" + n + "]";
        out += " " + w;
    }
    return out;
}

std::string pad(std::string s, size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

std::string options_block(const CLI::App* cmd) {
    auto opts = cmd->get_options([](const CLI::Option* o) { return !o->get_positional(); });
    std::vector<std::pair<std::string, std::string>> rows;
    for (const CLI::Option* o : opts) {
        std::string left = option_names(o);
        std::string type = option_type(o);
        if (!type.empty()) left += " " + type;
        std::string desc = o->get_description();
        std::string def = o->get_default_str();
        if (!def.empty() && !type.empty() && type != "list")
            desc += type == "string" ? " (default \"" + def + "\")" : " (default " + def + ")";
        rows.emplace_back(left, desc);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        auto key = [](const std::string& s) {
            auto at = s.find("--");
            return at == std::string::npos ? s.substr(1) : s.substr(at + 2);
        };
        return key(a.first) < key(b.first);
    });
    size_t width = 0;
    for (auto& r : rows) width = std::max(width, r.first.size());
    std::string out;
    for (auto& r : rows) out += "  " + pad(r.first, width + 3) + r.second + "\n";
    return out;
}

std::string commands_block(const std::vector<const CLI::App*>& cmds) {
    size_t width = 12;
    for (auto* c : cmds) width = std::max(width, c->get_name().size() + 2);
    std::string out;
    for (auto* c : cmds) out += "  " + pad(c->get_name(), width) + c->get_description() + "\n";
    return out;
}

class DockerHelp : public CLI::FormatterBase {
  public:
    std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const override {
        const std::string path = command_path(app);
        const std::string name = path.empty() ? "nook" : "nook " + path;
        const bool root = app->get_parent() == nullptr;
        std::string out = "\nUsage:  " + name;
        if (root)
            out += " [OPTIONS] COMMAND";
        else if (is_group(app))
            out += " COMMAND";
        else
            out += " [OPTIONS]" + usage_args(app);
        out += "\n\n" + app->get_description() + "\n";
        auto aliases = aliases_of(app);
        if (!aliases.empty()) {
            out += "\nAliases:\n  ";
            for (size_t i = 0; i < aliases.size(); i++) out += (i ? ", " : "") + aliases[i];
            out += "\n";
        }
        if (is_group(app)) {
            auto all = subs(app);
            if (root) {
                std::vector<const CLI::App*> common, management, rest;
                for (auto& n : kCommon)
                    for (auto* c : all)
                        if (c->get_name() == n) common.push_back(c);
                for (auto* c : all) {
                    if (std::find(common.begin(), common.end(), c) != common.end()) continue;
                    (is_group(c) ? management : rest).push_back(c);
                }
                auto by_name = [](const CLI::App* a, const CLI::App* b) {
                    return a->get_name() < b->get_name();
                };
                std::sort(management.begin(), management.end(), by_name);
                std::sort(rest.begin(), rest.end(), by_name);
                out += "\nCommon Commands:\n" + commands_block(common);
                out += "\nManagement Commands:\n" + commands_block(management);
                out += "\nCommands:\n" + commands_block(rest);
                out += "\nGlobal Options:\n" + options_block(app);
            } else {
                std::sort(all.begin(), all.end(), [](const CLI::App* a, const CLI::App* b) {
                    return a->get_name() < b->get_name();
                });
                out += "\nCommands:\n" + commands_block(all);
            }
            out += "\nRun '" + name + " COMMAND --help' for more information on a command.\n";
            return out;
        }
        out += "\nOptions:\n" + options_block(app);
        return out;
    }
};

}  // namespace

std::shared_ptr<CLI::FormatterBase> docker_help_formatter() {
    return std::make_shared<DockerHelp>();
}

std::string command_path(const CLI::App* cmd) {
    std::string path;
    for (; cmd && cmd->get_parent(); cmd = cmd->get_parent())
        path = cmd->get_name() + (path.empty() ? "" : " " + path);
    return path;
}

std::string option_type(const CLI::Option* opt) {
    if (opt->get_items_expected_max() == 0) return "";
    if (opt->get_items_expected_max() >= CLI::detail::expected_max_vector_size) return "list";
    // CLI11's name, maybe with a validator's suffix ("TEXT:{a,b}").
    std::string t = opt->get_type_name();
    t = t.substr(0, t.find(':'));
    if (t == "TEXT") return "string";
    if (t == "INT") return "int";
    if (t == "UINT") return "uint";
    if (t == "FLOAT") return "decimal";
    std::transform(t.begin(), t.end(), t.begin(), ::tolower);
    return t.empty() ? "string" : t;
}

std::string option_names(const CLI::Option* opt) {
    std::string out = opt->get_snames().empty() ? "    " : "-" + opt->get_snames()[0] + ", ";
    for (size_t i = 0; i < opt->get_lnames().size(); i++)
        out += (i ? ", --" : "--") + opt->get_lnames()[i];
    return out;
}

}  // namespace nook::cli
