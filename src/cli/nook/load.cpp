// nook load [-i FILE|DIR] : docker-archive or OCI layout (tar or directory).
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "engine/events/events.h"
#include "image/archive.h"
#include "image/images.h"

namespace nook::cli {

void setup_load(CLI::App& cmd, Globals& g) {
    auto input = std::make_shared<std::string>("-");
    auto quiet = std::make_shared<bool>(false);
    cmd.add_option("-i,--input", *input, "Archive file or OCI layout directory (default stdin)");
    cmd.add_flag("-q,--quiet", *quiet, "Suppress output");
    cmd.callback([&g, input, quiet] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto recs = image::load_archive(*store, *input);
        if (!recs.ok()) return fail(g, recs.error());
        for (auto& r : *recs)
            engine::events::emit({g.root, g.runroot}, "image", "load", r.id,
                                 {{"name", r.repo_tags.empty() ? r.id : r.repo_tags[0]}});
        if (*quiet) return;
        for (auto& r : *recs) {
            if (r.repo_tags.empty()) std::printf("Loaded image ID: %s\n", r.id.c_str());
            for (auto& t : r.repo_tags)
                std::printf("Loaded image: %s\n", image::familiar_tag(t).c_str());
        }
    });
}

}  // namespace nook::cli
