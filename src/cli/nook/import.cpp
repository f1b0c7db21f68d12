// nook import [-c CHANGE]... [-m MSG] FILE|- [REPOSITORY[:TAG]]
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "engine/events/events.h"
#include "image/archive.h"

namespace nook::cli {

namespace {
struct Opts {
    std::string file;
    std::string ref;
    image::ImportOptions io;
};
}  // namespace

void setup_import(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("file", o->file, "Root filesystem tarball (- for stdin)")->required();
    cmd.add_option("reference", o->ref, "REPOSITORY[:TAG] for the new image");
    cmd.add_option("-c,--change", o->io.changes, "Apply CMD/ENTRYPOINT/ENV/WORKDIR/USER");
    cmd.add_option("-m,--message", o->io.message, "Commit message for the history");
    cmd.callback([&g, o] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto rec = image::import_rootfs(*store, o->file, o->ref, o->io);
        if (!rec.ok()) return fail(g, rec.error());
        engine::events::emit({g.root, g.runroot}, "image", "import", rec->id, {{"name", o->ref}});
        std::printf("%s\n", rec->id.c_str());
    });
}

}  // namespace nook::cli
