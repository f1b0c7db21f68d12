// nook history IMAGE: the config's history, newest first.
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "image/images.h"

namespace nook::cli {

void setup_history(CLI::App& cmd, Globals& g) {
    auto name = std::make_shared<std::string>();
    auto no_trunc = std::make_shared<bool>(false);
    auto quiet = std::make_shared<bool>(false);
    cmd.add_option("image", *name, "Image")->required();
    cmd.add_flag("--no-trunc", *no_trunc, "Do not truncate output");
    cmd.add_flag("-q,--quiet", *quiet, "Only show image IDs");
    cmd.callback([&g, name, no_trunc, quiet] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto rec = store->resolve(*name);
        if (!rec.ok()) return fail(g, rec.error());
        auto cfg = image::image_config(*store, *rec);
        if (!cfg.ok()) return fail(g, cfg.error());
        if (!*quiet)
            std::printf("%-12s   %-16s   %-45s   %-8s   %s\n", "IMAGE", "CREATED", "CREATED BY",
                        "SIZE", "COMMENT");
        // Walk history newest first; non-empty entries consume layers from the top.
        size_t layer = rec->layers.size();
        auto& h = cfg->history;
        for (size_t i = h.size(); i-- > 0;) {
            std::string size = "0B";
            if (!h[i].empty_layer && layer > 0)
                size = image::human_size(rec->layers[--layer].blob.size);
            std::string id = i + 1 == h.size() ? image::short_id(rec->id) : "<missing>";
            if (*quiet) {
                std::printf("%s\n", id.c_str());
                continue;
            }
            std::string by = h[i].created_by;
            if (!*no_trunc && by.size() > 45) by = by.substr(0, 42) + "...";
            std::printf("%-12s   %-16s   %-45s   %-8s   %s\n", id.c_str(),
                        image::human_age(h[i].created).c_str(), by.c_str(), size.c_str(),
                        h[i].comment.c_str());
        }
    });
}

}  // namespace nook::cli
