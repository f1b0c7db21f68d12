// nook images [REPOSITORY[:TAG]] [-q] [--no-trunc] [--format json|table]
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/nook/verbs.h"
#include "image/images.h"

namespace nook::cli {

namespace {

struct Opts {
    std::string filter;
    bool quiet = false;
    bool no_trunc = false;
    bool all = false;
    std::string format;
};

struct Row {
    std::string repo, tag, digest, id, created, size;
    const image::ImageRecord* rec;
};

void run(Globals& g, const Opts& o) {
    auto store = open_store(g);
    if (!store.ok()) return fail(g, store.error());
    auto recs = store->list();
    if (!recs.ok()) return fail(g, recs.error());
    std::optional<image::Reference> want;
    if (!o.filter.empty()) {
        auto r = image::parse_reference_no_default(o.filter);
        if (!r.ok()) return fail(g, r.error());
        want = *r;
    }
    std::vector<Row> rows;
    for (auto& rec : *recs) {
        std::string id = o.no_trunc ? rec.id : image::short_id(rec.id);
        auto add = [&](const std::string& repo, const std::string& tag) {
            rows.push_back({repo, tag, "", id, image::human_age(rec.created),
                            image::human_size(rec.size), &rec});
        };
        if (rec.repo_tags.empty()) {
            if (!want) add("<none>", "<none>");
            continue;
        }
        for (auto& t : rec.repo_tags) {
            auto r = image::parse_reference(t);
            if (!r.ok()) continue;
            if (want && (want->name() != r->name() || (!want->tag.empty() && want->tag != r->tag)))
                continue;
            add(r->familiar_name(), r->tag);
        }
    }
    if (o.quiet) {
        std::string last;
        for (auto& r : rows)
            if (r.id != last) std::printf("%s\n", (last = r.id).c_str());
        return;
    }
    if (o.format == "json" || o.format == "{{json .}}") {
        for (auto& r : rows) {
            nlohmann::json j = {{"Repository", r.repo},
                                {"Tag", r.tag},
                                {"ID", r.id},
                                {"CreatedSince", r.created},
                                {"CreatedAt", r.rec->created},
                                {"Size", r.size},
                                {"Digest", r.rec->manifest_digest}};
            std::printf("%s\n", j.dump().c_str());
        }
        return;
    }
    if (!o.format.empty() && o.format != "table") {
        return fail(g, invalid_input("unsupported --format " + o.format + " (table or json)"));
    }
    size_t w = 10;
    for (auto& r : rows) w = std::max(w, r.repo.size());
    std::printf("%-*s   %-10s   %-*s   %-24s   %s\n", static_cast<int>(w), "REPOSITORY", "TAG",
                o.no_trunc ? 71 : 12, "IMAGE ID", "CREATED", "SIZE");
    for (auto& r : rows)
        std::printf("%-*s   %-10s   %-*s   %-24s   %s\n", static_cast<int>(w), r.repo.c_str(),
                    r.tag.c_str(), o.no_trunc ? 71 : 12, r.id.c_str(), r.created.c_str(),
                    r.size.c_str());
}

}  // namespace

void setup_images(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("repository", o->filter, "Show only images of this REPOSITORY[:TAG]");
    cmd.add_flag("-q,--quiet", o->quiet, "Only show image IDs");
    cmd.add_flag("--no-trunc", o->no_trunc, "Do not truncate IDs");
    cmd.add_flag("-a,--all", o->all, "Show all images (no intermediate images exist in nook)");
    cmd.add_option("--format", o->format, "table (default) or json");
    cmd.callback([&g, o] { run(g, *o); });
}

}  // namespace nook::cli
