// nook volume create|ls|inspect|rm|prune: named volumes (engine/volumes/volumes.h),
// with docker's output formats.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/template/go_template.h"
#include "engine/volumes/volumes.h"

namespace nook::cli {

namespace {

using json = nlohmann::json;

// docker's tabwriter (minwidth 10, padding 3).
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> w;
    for (auto& r : rows) {
        w.resize(std::max(w.size(), r.size()), 0);
        for (size_t i = 0; i < r.size(); i++)
            w[i] = std::max(w[i], std::max<size_t>(r[i].size() + 3, 10));
    }
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); i++) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(w[i] - r[i].size(), ' ');
        }
        std::printf("%s\n", line.c_str());
    }
}

// docker's units.HumanSize: decimal units, 4 significant digits.
std::string human_size(double n) {
    static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    size_t u = 0;
    while (n >= 1000 && u + 1 < std::size(kUnits)) n /= 1000, u++;
    char b[32];
    std::snprintf(b, sizeof b, "%.4g%s", n, kUnits[u]);
    return b;
}

// Everything `volume ls/rm/prune` needs: the engine (for the containers
// using each volume) and the volumes.
struct Ctx {
    engine::Engine eng;
    std::map<std::string, std::vector<std::string>> users;
};

Result<Ctx> open_ctx(Globals& g) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto rows, eng.list());
    TRY_ASSIGN(auto users, engine::volume_users(rows));
    return Ctx{std::move(eng), std::move(users)};
}

// --filter KEY=VALUE: different keys must all match, values of one key any.
Result<std::function<bool(const engine::Volume&)>> make_filter(
    const std::vector<std::string>& filters, const Ctx& ctx) {
    std::map<std::string, std::vector<std::string>> by_key;
    for (auto& f : filters) {
        size_t eq = f.find('=');
        std::string key = f.substr(0, eq);
        if (eq == std::string::npos ||
            (key != "name" && key != "dangling" && key != "label" && key != "driver"))
            return invalid_input("--filter " + f +
                                 ": invalid filter (name, dangling, label, driver)");
        std::string val = f.substr(eq + 1);
        if (key == "dangling" && val != "true" && val != "false" && val != "1" && val != "0")
            return invalid_input("--filter " + f + ": invalid filter 'dangling=" + val + "'");
        by_key[key].push_back(val);
    }
    return std::function<bool(const engine::Volume&)>([by_key, &ctx](const engine::Volume& v) {
        for (auto& [key, vals] : by_key) {
            bool any = false;
            for (auto& val : vals) {
                if (key == "name") {
                    any |= v.name.find(val) != std::string::npos;
                } else if (key == "driver") {
                    any |= val == "local";
                } else if (key == "dangling") {
                    bool dangling = val == "true" || val == "1";
                    any |= dangling == (ctx.users.count(v.name) == 0);
                } else {
                    size_t eq = val.find('=');
                    auto it = v.labels.find(val.substr(0, eq));
                    any |= it != v.labels.end() &&
                           (eq == std::string::npos || it->second == val.substr(eq + 1));
                }
            }
            if (!any) return false;
        }
        return true;
    });
}

void vol_create(CLI::App& cmd, Globals& g) {
    auto name = std::make_shared<std::string>();
    auto labels = std::make_shared<std::vector<std::string>>();
    auto driver = std::make_shared<std::string>("local");
    cmd.add_option("name", *name, "Volume name (random when omitted)");
    cmd.add_option("--label", *labels, "Set metadata for a volume (KEY=VALUE)")
        ->allow_extra_args(false);
    cmd.add_option("-d,--driver", *driver, "Volume driver name (only local)");
    cmd.callback([&g, name, labels, driver] {
        if (*driver != "local")
            return fail(g, invalid_input("--driver " + *driver + ": only the local driver exists"));
        std::map<std::string, std::string> l;
        for (auto& kv : *labels) {
            size_t eq = kv.find('=');
            l[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
        }
        engine::Paths p{g.root, g.runroot};
        std::string n = *name;
        if (n.empty()) {
            auto r = engine::random_volume_name();
            if (!r.ok()) return fail(g, r.error());
            n = *r;
        }
        auto v = engine::create_volume(p, n, l);
        if (!v.ok()) return fail(g, v.error());
        std::printf("%s\n", v->name.c_str());
    });
}

void vol_ls(CLI::App& cmd, Globals& g) {
    auto quiet = std::make_shared<bool>(false);
    auto filters = std::make_shared<std::vector<std::string>>();
    cmd.add_flag("-q,--quiet", *quiet, "Only display volume names");
    cmd.add_option("-f,--filter", *filters, "Filter output (name=, dangling=, label=, driver=)")
        ->allow_extra_args(false);
    cmd.callback([&g, quiet, filters] {
        auto ctx = open_ctx(g);
        if (!ctx.ok()) return fail(g, ctx.error());
        auto keep = make_filter(*filters, *ctx);
        if (!keep.ok()) return fail(g, keep.error());
        auto vols = engine::list_volumes(ctx->eng.paths());
        if (!vols.ok()) return fail(g, vols.error());
        std::vector<std::vector<std::string>> rows = {{"DRIVER", "VOLUME NAME"}};
        for (auto& v : *vols) {
            if (!(*keep)(v)) continue;
            if (*quiet)
                std::printf("%s\n", v.name.c_str());
            else
                rows.push_back({"local", v.name});
        }
        if (!*quiet) print_table(rows);
    });
}

void vol_inspect(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto format = std::make_shared<std::string>();
    cmd.add_option("volume", *names, "Volumes to inspect")->required();
    cmd.add_option("-f,--format", *format, "Format output using a Go template, or json");
    cmd.callback([&g, names, format] {
        if (!format->empty() && *format != "json") {
            if (auto st = engine::check_template(*format); !st.ok()) return fail(g, st.error());
        }
        engine::Paths p{g.root, g.runroot};
        json out = json::array();
        for (auto& n : *names) {
            auto v = engine::get_volume(p, n);
            if (!v.ok()) {
                fail_with(g, v.error(), 1);  // docker: exit 1 for a missing object
                continue;
            }
            json j = engine::volume_to_json(*v);
            if (format->empty()) {
                out.push_back(std::move(j));
            } else if (*format == "json") {
                std::printf("%s\n", j.dump().c_str());
            } else if (auto line = engine::render_template(*format, j); line.ok()) {
                std::printf("%s\n", line->c_str());
            } else {
                return fail(g, line.error());
            }
        }
        if (format->empty()) std::printf("%s\n", out.dump(4).c_str());
    });
}

// The one-line refusal docker gives for a volume in use.
Error in_use(const std::string& name, const std::vector<std::string>& ids) {
    std::string list;
    for (auto& id : ids) list += (list.empty() ? "" : " ") + id;
    return Error(EBUSY, "remove " + name + ": volume is in use - [" + list + "]")
        .without_errno_text();
}

void vol_rm(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto force = std::make_shared<bool>(false);
    cmd.add_option("volume", *names, "Volumes to remove")->required();
    cmd.add_flag("-f,--force", *force, "Do not fail on volumes that do not exist");
    cmd.callback([&g, names, force] {
        auto ctx = open_ctx(g);
        if (!ctx.ok()) return fail(g, ctx.error());
        for (auto& n : *names) {
            if (auto u = ctx->users.find(n); u != ctx->users.end()) {
                fail(g, in_use(n, u->second));
                continue;
            }
            auto st = engine::remove_volume(ctx->eng.paths(), n);
            if (!st.ok() && !(*force && st.error().code() == ENOENT)) {
                fail(g, st.error());
                continue;
            }
            std::printf("%s\n", n.c_str());
        }
    });
}

// docker >= 23: only anonymous volumes unless -a. Without -f the question
// is asked and the answer read from stdin, terminal or not (as docker); any
// answer but y/yes ends quietly with exit 0.
void vol_prune(CLI::App& cmd, Globals& g) {
    auto force = std::make_shared<bool>(false);
    auto all = std::make_shared<bool>(false);
    auto filters = std::make_shared<std::vector<std::string>>();
    cmd.add_flag("-f,--force", *force, "Do not prompt for confirmation");
    cmd.add_flag("-a,--all", *all, "Remove all unused volumes, not just anonymous ones");
    cmd.add_option("--filter", *filters,
                   "Provide filter values (label=K[=V], label!=K[=V], all=true)")
        ->allow_extra_args(false);
    cmd.callback([&g, force, all, filters] {
        auto filter = engine::parse_volume_prune_filters(*filters);
        if (!filter.ok()) return fail(g, filter.error());
        const bool everything = *all || filter->all;
        if (!*force) {
            std::printf(
                "WARNING! This will remove %s local volumes not used by at least one "
                "container.\nAre you sure you want to continue? [y/N] ",
                everything ? "all" : "anonymous");
            std::fflush(stdout);
            std::string answer;
            std::getline(std::cin, answer);
            while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back())))
                answer.pop_back();
            std::transform(answer.begin(), answer.end(), answer.begin(), ::tolower);
            if (answer != "y" && answer != "yes") return;
        }
        auto ctx = open_ctx(g);
        if (!ctx.ok()) return fail(g, ctx.error());
        auto rep = engine::prune_unused_volumes(ctx->eng.paths(), ctx->users, everything, *filter);
        if (!rep.ok()) return fail(g, rep.error());
        if (!rep->deleted.empty()) {
            std::printf("Deleted Volumes:\n");
            for (auto& n : rep->deleted) std::printf("%s\n", n.c_str());
            std::printf("\n");
        }
        std::printf("Total reclaimed space: %s\n", human_size(double(rep->reclaimed)).c_str());
        for (auto& e : rep->errors) fail(g, e);
    });
}

}  // namespace

void setup_volume(CLI::App& cmd, Globals& g) {
    cmd.require_subcommand(1);
    vol_create(*cmd.add_subcommand("create", "Create a volume"), g);
    CLI::App* ls = cmd.add_subcommand("ls", "List volumes");
    ls->alias("list");
    vol_ls(*ls, g);
    vol_inspect(*cmd.add_subcommand("inspect", "Display detailed information on volumes"), g);
    CLI::App* rm = cmd.add_subcommand("rm", "Remove one or more volumes");
    rm->alias("remove");
    vol_rm(*rm, g);
    vol_prune(*cmd.add_subcommand("prune", "Remove unused local volumes"), g);
}

}  // namespace nook::cli
