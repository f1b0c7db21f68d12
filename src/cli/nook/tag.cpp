// nook tag SOURCE_IMAGE TARGET_IMAGE[:TAG]
#include <memory>

#include "cli/nook/verbs.h"
#include "engine/events/events.h"

namespace nook::cli {

void setup_tag(CLI::App& cmd, Globals& g) {
    auto src = std::make_shared<std::string>();
    auto dst = std::make_shared<std::string>();
    cmd.add_option("source", *src, "Existing image (name or ID)")->required();
    cmd.add_option("target", *dst, "New name[:tag]")->required();
    cmd.callback([&g, src, dst] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto rec = store->resolve(*src);
        if (!rec.ok()) return fail(g, rec.error());
        auto ref = image::parse_reference(*dst);
        if (!ref.ok()) return fail(g, ref.error());
        if (!ref->digest.empty())
            return fail(g, invalid_input("tag " + *dst + ": a tag cannot contain a digest"));
        auto st = store->tag(rec->id, *ref);
        if (!st.ok()) return fail(g, st.error());
        engine::events::emit({g.root, g.runroot}, "image", "tag", rec->id,
                             {{"name", ref->familiar()}});
    });
}

}  // namespace nook::cli
