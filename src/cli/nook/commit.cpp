// nook commit [-m MSG] [-a AUTHOR] [-c CHANGE]... [-p=false] CONTAINER [REPOSITORY[:TAG]]
// A new image from a container's changes: its overlay upper dir becomes one
// more layer (image/layer_diff.h) over its image's, with the container's
// config. A running container is paused meanwhile (docker's default) so the
// layer is one consistent moment of its filesystem.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/scope_exit.h"
#include "cli/nook/container_common.h"
#include "engine/pause.h"
#include "image/layer_diff.h"
#include "image/snapshot.h"

namespace nook::cli {

namespace {

struct Opts {
    std::string container, ref;
    image::CommitOptions co;
    bool pause = true;
};

Result<std::string> commit(Globals& g, Opts& o) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto row, eng.get(o.container));
    bool paused_here = false;
    if (o.pause && row.status == "running" && !row.paused) {
        TRY(engine::pause(eng, row.id));
        paused_here = true;
    }
    ScopeExit resume([&] {
        if (paused_here) (void)engine::unpause(eng, row.id);
    });
    // Held while the layer is read: the container cannot be removed meanwhile.
    TRY_ASSIGN(auto locked, eng.lock(row.id));
    TRY_ASSIGN(auto store, open_store(g));
    TRY_ASSIGN(auto base, store.resolve(row.image_id).context("image of " + row.name));
    TRY_ASSIGN(auto upper, image::container_upper_dir(store, row.id));
    o.co.container_id = row.id;
    o.co.ref = o.ref;
    auto cfg = nlohmann::json::parse(row.config, nullptr, false);
    if (!cfg.is_discarded()) o.co.container_config = cfg;
    TRY_ASSIGN(auto rec, image::commit_upper(store, base, upper, o.co));
    return rec.id;
}

}  // namespace

void setup_commit(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("container", o->container, "Container")->required();
    cmd.add_option("reference", o->ref, "REPOSITORY[:TAG] for the new image");
    cmd.add_option("-m,--message", o->co.comment, "Commit message");
    cmd.add_option("-a,--author", o->co.author,
                   "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")");
    cmd.add_option("-c,--change", o->co.changes,
                   "Apply Dockerfile instruction to the created image (CMD, ENTRYPOINT, ENV, "
                   "EXPOSE, LABEL, USER, VOLUME, WORKDIR)")
        ->allow_extra_args(false);
    cmd.add_flag("-p,--pause,!--no-pause", o->pause,
                 "Pause container during commit (default true)");
    cmd.callback([&g, o] {
        auto id = commit(g, *o);
        if (!id.ok()) return fail(g, id.error());
        std::printf("%s\n", id->c_str());
    });
}

}  // namespace nook::cli
