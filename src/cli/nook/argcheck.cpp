#include "cli/nook/argcheck.h"

#include <cstdio>
#include <cstring>
#include <sstream>

#include "cli/nook/docker_flags.h"
#include "cli/nook/suggest.h"

namespace nook::cli {

namespace {

std::vector<CLI::App*> subcommands_of(CLI::App* app) {
    return app->get_subcommands([](CLI::App*) { return true; });
}

CLI::App* find_subcommand(CLI::App* app, const std::string& word) {
    for (CLI::App* s : subcommands_of(app))
        if (s->check_name(word)) return s;
    return nullptr;
}

std::string full(const std::string& path) {
    return path.empty() ? "nook" : "nook " + path;
}

// "nook: MSG" and docker's pointer to the verb's help.
int flag_error(const std::string& path, const std::string& msg) {
    std::fprintf(stderr, "nook: %s\nSee '%s --help'.\n", msg.c_str(), full(path).c_str());
    return 125;
}

int unknown_command(CLI::App* group, const std::string& path, const std::string& word) {
    std::vector<std::string> names;
    for (CLI::App* s : subcommands_of(group)) {
        names.push_back(s->get_name());
        for (auto& a : s->get_aliases()) names.push_back(a);
    }
    std::string line = "nook: unknown command: " + full(path) + " " + word + "\n";
    auto close = suggest(word, names);
    if (!close.empty()) {
        line += "Did you mean this?";
        for (auto& c : close) line += " " + c;
        line += "\n";
    }
    std::fprintf(stderr, "%sRun '%s --help' for more information\n", line.c_str(),
                 full(path).c_str());
    return 1;
}

// A flag CLI11 does not know: docker's by name, else unknown.
int bad_flag(const std::string& path, const std::string& flag, const std::string& arg) {
    std::string d = docker_flag(path, flag);
    if (!d.empty()) return flag_error(path, d + " is not supported yet");
    if (flag.size() == 2)
        return flag_error(path, "unknown shorthand flag: '" + flag.substr(1) + "' in " + arg);
    return flag_error(path, "unknown flag: " + flag);
}

bool takes_value(const CLI::Option* opt) {
    return opt->get_items_expected_max() > 0;
}

enum class Step { next, help, error };

// One argv word that starts with '-': known flags and their values are
// skipped (i moves past them); anything else is reported.
Step check_flag(CLI::App* cmd, const std::string& path, int argc, char** argv, int& i, int& rc) {
    std::string a = argv[i];
    const CLI::Option* help = cmd->get_help_ptr();
    if (a.rfind("--", 0) == 0) {
        auto eq = a.find('=');
        std::string name = a.substr(0, eq);
        const CLI::Option* opt = cmd->get_option_no_throw(name);
        if (!opt) {
            rc = bad_flag(path, name, a);
            return Step::error;
        }
        if (opt == help) return Step::help;
        if (takes_value(opt) && eq == std::string::npos) {
            if (i + 1 >= argc) {
                rc = flag_error(path, "flag needs an argument: " + name);
                return Step::error;
            }
            i++;
        }
        i++;
        return Step::next;
    }
    // A cluster of short flags (-it); the first one taking a value ends it,
    // with the rest of the word (-p80) or the next word as its value.
    for (size_t k = 1; k < a.size(); k++) {
        std::string name = std::string("-") + a[k];
        const CLI::Option* opt = cmd->get_option_no_throw(name);
        if (!opt) {
            rc = bad_flag(path, name, a);
            return Step::error;
        }
        if (opt == help) return Step::help;
        if (!takes_value(opt)) continue;
        if (k + 1 == a.size()) {
            if (i + 1 >= argc) {
                rc = flag_error(path,
                                "flag needs an argument: '" + std::string(1, a[k]) + "' in " + a);
                return Step::error;
            }
            i++;
        }
        break;
    }
    i++;
    return Step::next;
}

// `nook help [VERB...]`, as docker: the named command's --help.
int help_for(CLI::App& root, int argc, char** argv, int first) {
    CLI::App* cmd = &root;
    std::string path;
    for (int i = first; i < argc; i++) {
        CLI::App* sub = find_subcommand(cmd, argv[i]);
        if (!sub) return unknown_command(cmd, path, argv[i]);
        cmd = sub;
        path += (path.empty() ? "" : " ") + sub->get_name();
    }
    std::fputs(cmd->help().c_str(), stdout);
    return 0;
}

std::vector<const CLI::Option*> positionals_of(const CLI::App* cmd) {
    return cmd->get_options([](const CLI::Option* o) { return o->get_positional(); });
}

}  // namespace

std::string docker_flag(const std::string& path, const std::string& flag) {
    auto lookup = [&](const std::string& p) -> std::string {
        for (size_t i = 0; i < kDockerFlagsCount; i++) {
            if (p != kDockerFlags[i].path) continue;
            std::istringstream in(kDockerFlags[i].flags);
            std::string tok;
            while (in >> tok) {
                if (!tok.empty() && tok.back() == '=') tok.pop_back();
                auto comma = tok.find(',');
                std::string s = comma == std::string::npos ? "" : tok.substr(0, comma);
                std::string l = comma == std::string::npos ? tok : tok.substr(comma + 1);
                if (flag == s || flag == l) return s.empty() ? l : s + ", " + l;
            }
            return "";
        }
        return "\n";  // no such path
    };
    std::string d = lookup(path);
    if (d != "\n") return d;
    auto sp = path.find(' ');
    if (sp != std::string::npos &&
        (path.rfind("container ", 0) == 0 || path.rfind("image ", 0) == 0)) {
        d = lookup(path.substr(sp + 1));
        if (d != "\n") return d;
    }
    return "";
}

int check_command_line(CLI::App& root, int argc, char** argv, CommandLine& out) {
    CLI::App* cmd = &root;
    std::string path;
    for (int i = 1; i < argc;) {
        std::string a = argv[i];
        const bool group = !subcommands_of(cmd).empty();
        if (a == "--") break;
        if (a.size() > 1 && a[0] == '-') {
            int rc = 0;
            switch (check_flag(cmd, path, argc, argv, i, rc)) {
                case Step::next:
                    continue;
                case Step::help:
                    out = {cmd, path};
                    return -1;
                case Step::error:
                    return rc;
            }
        }
        if (group) {
            CLI::App* sub = find_subcommand(cmd, a);
            if (!sub && cmd == &root && a == "help") return help_for(root, argc, argv, i + 1);
            if (!sub) return unknown_command(cmd, path, a);
            cmd = sub;
            path += (path.empty() ? "" : " ") + sub->get_name();
            i++;
            continue;
        }
        // run, create, exec: the first positional ends the options.
        if (cmd->get_prefix_command()) break;
        i++;
    }
    out = {cmd, path};
    // A group alone (`nook`, `nook volume`) prints its help, as docker.
    if (!subcommands_of(cmd).empty()) {
        for (int i = 1; i < argc; i++)
            if (std::strcmp(argv[i], "--version") == 0) return -1;
        std::fputs(cmd->help().c_str(), stdout);
        return 0;
    }
    return -1;
}

int report_parse_error(const CommandLine& line, const CLI::ParseError& e) {
    const std::string name = full(line.path);
    // By type: CLI11 names some errors after the app that threw them.
    const bool extras = dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr;
    if (extras || dynamic_cast<const CLI::RequiredError*>(&e)) {
        // Argument counts: docker's wording, exit 1.
        int min = 0;
        bool open = false;  // a positional takes any number
        int max = 0;
        bool missing = false;
        for (auto* p : positionals_of(line.cmd)) {
            if (p->get_required()) min += p->get_items_expected_min();
            if (p->get_required() && p->count() == 0) missing = true;
            if (p->get_items_expected_max() >= CLI::detail::expected_max_vector_size)
                open = true;
            else
                max += p->get_items_expected_max();
        }
        std::string msg;
        if (extras && max == 0 && !open)
            msg = "'" + name + "' accepts no arguments";
        else if (extras)
            msg = "'" + name + "' accepts at most " + std::to_string(max) + " argument" +
                  (max == 1 ? "" : "s");
        else if (missing)
            msg = "'" + name + "' requires " + (open || min != max ? "at least " : "") +
                  std::to_string(min) + " argument" + (min == 1 ? "" : "s");
        if (!msg.empty()) {
            std::fprintf(stderr, "nook: %s\nSee '%s --help'.\n", msg.c_str(), name.c_str());
            return 1;
        }
    }
    std::string what = e.what();
    for (auto& c : what)
        if (c == '\n') c = ' ';
    // docker's wording for a value that is not of the flag's type.
    const std::string conv = "Could not convert: ";
    auto eq = what.find(" = ");
    if (what.rfind(conv, 0) == 0 && eq != std::string::npos)
        what = " \"" + what.substr(eq + 3) + "\" for \"" +
               what.substr(conv.size(), eq - conv.size()) + "\" flag: not a valid value";
    else
        what = ": " + what;
    std::fprintf(stderr, "nook: invalid argument%s\nSee '%s --help'.\n", what.c_str(),
                 name.c_str());
    return 125;
}

}  // namespace nook::cli
