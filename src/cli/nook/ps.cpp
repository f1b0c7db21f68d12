// nook ps: docker's container list. -a, -q, -n N, -l, --no-trunc,
// --filter (status, name, id, label, exited, ancestor; repeatable: the same
// key ORs, different keys AND) and --format (table, json, or a Go template
// with docker's placeholders, see engine/views/ps_view.h). -s/--size (or a format
// using .Size) measures each container's writable layer: "1.05MB (virtual
// 3.2MB)" (engine/views/container_size.h).
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/template/go_template.h"
#include "engine/views/container_size.h"
#include "engine/views/ps_view.h"

namespace nook::cli {

namespace {

constexpr const char* kDefaultFormat =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{."
    "Names}}";

struct PsFlags {
    bool all = false, quiet = false, no_trunc = false, latest = false, size = false;
    int last = -1;
    std::string format;
    std::vector<std::string> filters;
};

Status list(Globals& g, const PsFlags& f) {
    TRY_ASSIGN(auto filters, engine::parse_filters(f.filters, {"status", "name", "id", "label",
                                                               "exited", "ancestor"}));
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto rows, eng.list());
    // A status filter, -n and -l look at stopped containers too (docker).
    const bool all = f.all || filters.count("status") || f.latest || f.last >= 0;
    int limit = f.latest ? 1 : f.last;
    std::vector<engine::ContainerRow> shown;
    for (auto& r : rows) {
        if (!all && r.status != "running") continue;
        TRY_ASSIGN(bool match, engine::ps_filter_match(filters, r));
        if (!match) continue;
        if (limit >= 0 && static_cast<int>(shown.size()) >= limit) break;
        shown.push_back(r);
    }
    if (f.quiet) {
        for (auto& r : shown) std::printf("%s\n", (f.no_trunc ? r.id : r.id.substr(0, 12)).c_str());
        return {};
    }
    std::string format = f.format.empty() || f.format == "table" ? kDefaultFormat : f.format;
    if (f.size && format == kDefaultFormat) format += "\t{{.Size}}";
    // Sizes walk every container's writable layer: only when asked for, or
    // when the template shows them (as docker).
    const bool sizes = f.size || format.find(".Size") != std::string::npos;
    engine::ImageSizes images;
    if (sizes) {
        TRY_ASSIGN(images, engine::image_sizes(eng.paths()));
    }
    auto summary = [&](const engine::ContainerRow& r) {
        auto j = engine::ps_summary(r, f.no_trunc);
        if (sizes)
            j["Size"] =
                engine::size_text(engine::container_sizes(eng.paths(), r.id, r.image_id, images));
        return j;
    };
    if (format == "json") {
        for (auto& r : shown) {
            auto j = summary(r);
            j.erase("Label");
            std::printf("%s\n", j.dump().c_str());
        }
        return {};
    }
    const bool table = format.rfind("table", 0) == 0;
    if (table) format = format.substr(5);
    while (!format.empty() && format[0] == ' ') format.erase(0, 1);
    TRY(engine::check_template(format));
    std::string text;
    if (table) {
        TRY_ASSIGN(auto head, engine::render_template(format, engine::ps_headers(),
                                                      engine::TemplateOptions{.header = true}));
        text += head + "\n";
    }
    for (auto& r : shown) {
        TRY_ASSIGN(auto line, engine::render_template(format, summary(r)));
        text += line + "\n";
    }
    std::fputs(table ? engine::align_table(text).c_str() : text.c_str(), stdout);
    return {};
}

}  // namespace

void setup_ps(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<PsFlags>();
    cmd.add_flag("-a,--all", f->all, "Show all containers (default shows just running)");
    cmd.add_flag("-q,--quiet", f->quiet, "Only display container IDs");
    cmd.add_flag("--no-trunc", f->no_trunc, "Don't truncate output");
    cmd.add_flag("-l,--latest", f->latest,
                 "Show the latest created container (includes all states)");
    cmd.add_option("-n,--last", f->last, "Show n last created containers (includes all states)");
    cmd.add_flag("-s,--size", f->size, "Display total file sizes");
    cmd.add_option("--format", f->format, "table, json, or a Go template ({{.ID}} {{.Names}} ...)");
    cmd.add_option("-f,--filter", f->filters, "Filter output based on conditions provided")
        ->allow_extra_args(false);
    cmd.callback([&g, f] {
        auto s = list(g, *f);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
