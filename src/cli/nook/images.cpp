// nook images [REPOSITORY[:TAG]] (also `nook image ls`): docker's image list.
// -q, --no-trunc, --digests, -f/--filter (dangling, label, reference, before,
// since; see image/image_list.h) and --format: table (optionally "table
// TEMPLATE"), json, or a Go template over docker's fields (ID, Repository,
// Tag, Digest, CreatedSince, CreatedAt, Size, ...).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/nook/verbs.h"
#include "engine/template/go_template.h"
#include "image/image_list.h"

namespace nook::cli {

namespace {

constexpr const char* kDefaultFormat =
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
constexpr const char* kDigestsFormat =
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

struct Opts {
    std::string repository;
    bool quiet = false;
    bool no_trunc = false;
    bool all = false;
    bool digests = false;
    std::string format;
    std::vector<std::string> filters;
};

const nlohmann::json& headers() {
    static const nlohmann::json h = {{"Containers", "CONTAINERS"},
                                     {"CreatedAt", "CREATED AT"},
                                     {"CreatedSince", "CREATED"},
                                     {"Digest", "DIGEST"},
                                     {"ID", "IMAGE ID"},
                                     {"Repository", "REPOSITORY"},
                                     {"SharedSize", "SHARED SIZE"},
                                     {"Size", "SIZE"},
                                     {"Tag", "TAG"},
                                     {"UniqueSize", "UNIQUE SIZE"},
                                     {"VirtualSize", "VIRTUAL SIZE"}};
    return h;
}

Status list(Globals& g, const Opts& o) {
    std::string format = o.format;
    if (format.empty() || format == "table") format = o.digests ? kDigestsFormat : kDefaultFormat;
    const bool json_lines = format == "json";
    const bool table = format.rfind("table", 0) == 0;
    if (table) format = format.substr(5);
    while (!format.empty() && format[0] == ' ') format.erase(0, 1);
    if (!json_lines && !o.quiet) TRY(engine::check_template(format));

    TRY_ASSIGN(auto store, open_store(g));
    image::ListOptions lo;
    lo.filters = o.filters;
    lo.repository = o.repository;
    lo.no_trunc = o.no_trunc;
    TRY_ASSIGN(auto rows, image::list_images(store, lo));
    if (o.quiet) {
        std::vector<std::string> seen;
        for (auto& r : rows) {
            std::string id = r["ID"];
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
            seen.push_back(id);
            std::printf("%s\n", id.c_str());
        }
        return {};
    }
    if (json_lines) {
        for (auto& r : rows) std::printf("%s\n", r.dump().c_str());
        return {};
    }
    std::string text;
    if (table) {
        TRY_ASSIGN(auto head, engine::render_template(format, headers(),
                                                      engine::TemplateOptions{.header = true}));
        text += head + "\n";
    }
    for (auto& r : rows) {
        TRY_ASSIGN(auto line, engine::render_template(format, r));
        text += line + "\n";
    }
    std::fputs(table ? engine::align_table(text).c_str() : text.c_str(), stdout);
    return {};
}

}  // namespace

void setup_images(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("repository", o->repository, "Show only images of this REPOSITORY[:TAG]");
    cmd.add_flag("-q,--quiet", o->quiet, "Only show image IDs");
    cmd.add_flag("--no-trunc", o->no_trunc, "Don't truncate output");
    cmd.add_flag("--digests", o->digests, "Show digests");
    cmd.add_flag("-a,--all", o->all, "Show all images (no intermediate images exist in nook)");
    cmd.add_option("-f,--filter", o->filters,
                   "Filter output based on conditions provided (dangling, label, reference, "
                   "before, since)")
        ->allow_extra_args(false);
    cmd.add_option("--format", o->format,
                   "table, json, or a Go template ({{.ID}} {{.Repository}} {{.Tag}} ...)");
    cmd.callback([&g, o] {
        auto s = list(g, *o);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
