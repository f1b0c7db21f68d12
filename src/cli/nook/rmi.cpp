// nook rmi [-f] IMAGE... : untag/delete images, then collect unused layers.
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "engine/events/events.h"
#include "image/images.h"

namespace nook::cli {

namespace {
struct Opts {
    std::vector<std::string> images;
    bool force = false;
};

void run(Globals& g, const Opts& o) {
    auto store = open_store(g);
    if (!store.ok()) return fail(g, store.error());
    for (auto& name : o.images) {
        auto rec = store->resolve(name);
        auto lines = image::remove_image(*store, name, o.force);
        if (!lines.ok()) {
            fail(g, lines.error());
            g.exit_code = 1;
            continue;
        }
        for (auto& l : *lines) {
            std::printf("%s\n", l.c_str());
            // docker's events: untag (name=the reference) then delete.
            const bool untag = l.rfind("Untagged: ", 0) == 0;
            if (untag || l.rfind("Deleted: ", 0) == 0)
                engine::events::emit({g.root, g.runroot}, "image", untag ? "untag" : "delete",
                                     untag && rec.ok() ? rec->id : l.substr(l.find(' ') + 1),
                                     {{"name", untag ? l.substr(10) : name}});
        }
    }
    auto gc = store->collect_garbage();
    if (!gc.ok()) fail(g, gc.error());
}
}  // namespace

void setup_rmi(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("image", o->images, "Images to remove")->required();
    cmd.add_flag("-f,--force", o->force, "Remove even if containers use it or it has several tags");
    cmd.callback([&g, o] { run(g, *o); });
}

}  // namespace nook::cli
