// nook diff CONTAINER: what the container changed in its image's filesystem,
// docker's "A /added", "C /changed", "D /deleted" lines sorted by path
// (read from its overlay upper dir, image/layer_diff.h).
#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "image/layer_diff.h"
#include "image/snapshot.h"

namespace nook::cli {

namespace {

Status diff(Globals& g, const std::string& container) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto locked, eng.lock(container));
    TRY_ASSIGN(auto store, open_store(g));
    TRY_ASSIGN(auto rec, store.resolve(locked.row.image_id).context("image of " + locked.row.name));
    TRY_ASSIGN(auto upper, image::container_upper_dir(store, locked.row.id));
    TRY_ASSIGN(auto changes, image::upper_changes(upper, image::layer_dirs(store, rec)));
    std::string out;
    for (auto& c : changes) out += std::string(1, c.kind) + " " + c.path + "\n";
    std::fputs(out.c_str(), stdout);
    return {};
}

}  // namespace

void setup_diff(CLI::App& cmd, Globals& g) {
    auto c = std::make_shared<std::string>();
    cmd.add_option("container", *c, "Container")->required();
    cmd.callback([&g, c] {
        if (auto s = diff(g, *c); !s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
