// nook push [--tls-verify=false] [--chunk-size N] IMAGE [DESTINATION]
#include <cstdio>
#include <memory>

#include "cli/nook/progress.h"
#include "cli/nook/registry_flags.h"
#include "cli/nook/verbs.h"
#include "image/push.h"

namespace nook::cli {

namespace {
struct Opts {
    std::string image, dest;
    int64_t chunk = 0;
    std::string mount_from;
    bool quiet = false;
    RegistryFlags reg;
};
}  // namespace

void setup_push(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("image", o->image, "Local image")->required();
    cmd.add_option("destination", o->dest, "NAME[:TAG] to push as (default: the image name)");
    cmd.add_option("--chunk-size", o->chunk, "Upload blobs in PATCH chunks of this many bytes");
    cmd.add_option("--mount-from", o->mount_from, "Repository to cross-mount blobs from");
    cmd.add_flag("-q,--quiet", o->quiet, "Only print the digest");
    add_registry_flags(cmd, o->reg);
    cmd.callback([&g, o] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        image::PushOptions po;
        po.registry = o->reg.options();
        po.chunk_size = o->chunk;
        po.mount_from = o->mount_from;
        auto view = std::make_shared<ProgressView>(stdout_is_terminal());
        if (!o->quiet)
            po.progress = [view](const std::string& id, const std::string& st, int64_t c,
                                 int64_t t) { view->update(id, st, c, t); };
        auto d = image::push_image(*store, o->image, o->dest, po);
        if (!d.ok()) return fail(g, d.error());
        std::printf(o->quiet ? "%s\n" : "digest: %s\n", d->c_str());
    });
}

}  // namespace nook::cli
