// nook completion bash|zsh|fish: shell completion generated from the same
// CLI11 command tree the parser uses (verbs, their subcommands and flags), so
// a verb or flag added to the table completes without editing a script.
#include <cstdio>
#include <functional>
#include <memory>

#include "cli/nook/help.h"
#include "cli/nook/verbs.h"

namespace nook::cli {

namespace {

std::vector<const CLI::App*> subs(const CLI::App* app) {
    return app->get_subcommands([](const CLI::App*) { return true; });
}

// Every command of the tree, parents first.
void walk(const CLI::App* app, const std::function<void(const CLI::App*)>& f) {
    f(app);
    for (auto* s : subs(app)) walk(s, f);
}

std::vector<const CLI::Option*> flags_of(const CLI::App* app) {
    return app->get_options([](const CLI::Option* o) { return !o->get_positional(); });
}

std::string words_of(const CLI::App* app) {
    std::string out;
    for (auto* s : subs(app)) {
        out += (out.empty() ? "" : " ") + s->get_name();
        for (auto& a : s->get_aliases()) out += " " + a;
    }
    return out;
}

std::string flag_words(const CLI::App* app) {
    std::string out;
    for (auto* o : flags_of(app)) {
        for (auto& s : o->get_snames()) out += (out.empty() ? "-" : " -") + s;
        for (auto& l : o->get_lnames()) out += (out.empty() ? "--" : " --") + l;
    }
    return out;
}

// Inside a single-quoted shell word.
std::string squote(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
}

// bash: two tables keyed by the command path; the function descends through
// the words typed so far and offers the subcommands (or, after '-', the flags)
// of the deepest command. zsh loads the same through bashcompinit.
std::string bash_script(const CLI::App* root) {
    std::string subs_tab, flags_tab;
    walk(root, [&](const CLI::App* c) {
        // bash refuses an empty key: paths start with "nook".
        std::string path = command_path(c);
        std::string key = "[\"nook" + (path.empty() ? "" : " " + path) + "\"]";
        if (!subs(c).empty()) subs_tab += "    " + key + "='" + words_of(c) + "'\n";
        flags_tab += "    " + key + "='" + flag_words(c) + "'\n";
    });
    return "# nook bash completion: source <(nook completion bash)\n"
           "declare -gA _nook_subs=(\n" +
           subs_tab +
           ")\n"
           "declare -gA _nook_flags=(\n" +
           flags_tab +
           ")\n"
           "_nook() {\n"
           "    local cur=${COMP_WORDS[COMP_CWORD]} path=nook w i\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        w=${COMP_WORDS[i]}\n"
           "        [[ $w == -* ]] && continue\n"
           "        if [[ \" ${_nook_subs[$path]} \" == *\" $w \"* ]]; then\n"
           "            path=\"$path $w\"\n"
           "        fi\n"
           "    done\n"
           "    if [[ $cur == -* ]]; then\n"
           "        COMPREPLY=($(compgen -W \"${_nook_flags[$path]}\" -- \"$cur\"))\n"
           "    elif [[ -n ${_nook_subs[$path]} ]]; then\n"
           "        COMPREPLY=($(compgen -W \"${_nook_subs[$path]}\" -- \"$cur\"))\n"
           "    else\n"
           "        COMPREPLY=()\n"
           "    fi\n"
           "}\n"
           "complete -o default -F _nook nook\n";
}

std::string zsh_script(const CLI::App* root) {
    return "#compdef nook\n"
           "# nook zsh completion: source <(nook completion zsh)\n"
           "autoload -U +X bashcompinit && bashcompinit\n" +
           bash_script(root);
}

// fish: one `complete` line per subcommand and per flag, conditioned on the
// words of the command's path having been typed.
std::string fish_script(const CLI::App* root) {
    std::string out =
        "# nook fish completion: nook completion fish | source\ncomplete -c nook -f\n";
    walk(root, [&](const CLI::App* c) {
        std::string path = command_path(c);
        std::string cond;
        if (path.empty()) {
            cond = "__fish_use_subcommand";
        } else {
            // The last word of the path typed, and none of its subcommands yet.
            std::string last =
                path.substr(path.rfind(' ') == std::string::npos ? 0 : path.rfind(' ') + 1);
            cond = "__fish_seen_subcommand_from " + last;
            if (!subs(c).empty()) cond += "; and not __fish_seen_subcommand_from " + words_of(c);
        }
        for (auto* s : subs(c))
            out += "complete -c nook -n '" + cond + "' -a " + s->get_name() + " -d '" +
                   squote(s->get_description()) + "'\n";
        for (auto* o : flags_of(c)) {
            out += "complete -c nook -n '" + cond + "'";
            for (auto& s : o->get_snames()) out += " -s " + s;
            for (auto& l : o->get_lnames()) out += " -l " + l;
            if (!option_type(o).empty()) out += " -r";
            out += " -d '" + squote(o->get_description()) + "'\n";
        }
    });
    return out;
}

}  // namespace

void setup_completion(CLI::App& cmd, Globals& g) {
    auto shell = std::make_shared<std::string>();
    cmd.add_option("shell", *shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    cmd.callback([&cmd, &g, shell] {
        const CLI::App* root = &cmd;
        while (root->get_parent()) root = root->get_parent();
        std::string text = *shell == "bash"  ? bash_script(root)
                           : *shell == "zsh" ? zsh_script(root)
                                             : fish_script(root);
        std::fputs(text.c_str(), stdout);
        g.exit_code = 0;
    });
}

}  // namespace nook::cli
