// nook image prune [-a] [-f]: remove dangling (untagged) images -- all unused
// ones with -a -- then every blob and snapshot nothing references.
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "image/images.h"

namespace nook::cli {

void setup_prune(CLI::App& cmd, Globals& g) {
    auto all = std::make_shared<bool>(false);
    auto force = std::make_shared<bool>(false);
    cmd.add_flag("-a,--all", *all, "Remove all images without containers, not just dangling ones");
    cmd.add_flag("-f,--force", *force, "Do not prompt (nook never prompts)");
    cmd.callback([&g, all] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto recs = store->list();
        if (!recs.ok()) return fail(g, recs.error());
        for (auto& r : *recs) {
            if (!r.repo_tags.empty() && !*all) continue;
            auto users = store->containers_using(r.id);
            if (!users.ok() || !users->empty()) continue;
            auto st = store->remove_record(r.id);
            if (!st.ok()) return fail(g, st.error());
            std::printf("Deleted: %s\n", r.id.c_str());
        }
        auto freed = store->collect_garbage();
        if (!freed.ok()) return fail(g, freed.error());
        std::printf("Total reclaimed space: %s\n", image::human_size(*freed).c_str());
    });
}

}  // namespace nook::cli
