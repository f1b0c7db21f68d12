// nook image mount IMAGE CONTAINER_ID TARGET / nook image unmount CONTAINER_ID TARGET
// The engine calls image::mount_rootfs directly; these verbs expose it for
// tests and debugging.
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "image/snapshot.h"

namespace nook::cli {

void setup_mount(CLI::App& cmd, Globals& g) {
    auto img = std::make_shared<std::string>();
    auto id = std::make_shared<std::string>();
    auto target = std::make_shared<std::string>();
    auto copy = std::make_shared<bool>(false);
    cmd.add_option("image", *img, "Image")->required();
    cmd.add_option("container", *id, "Container id owning the writable layer")->required();
    cmd.add_option("target", *target, "Mount point")->required();
    cmd.add_flag("--copy", *copy, "Use a flattened copy instead of overlayfs");
    cmd.callback([&g, img, id, target, copy] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        image::RootfsOptions o;
        o.force_copy = *copy;
        auto p = image::mount_rootfs(*store, *img, *id, *target, o);
        if (!p.ok()) return fail(g, p.error());
        std::printf("%s\n", p->c_str());
    });
}

void setup_unmount(CLI::App& cmd, Globals& g) {
    auto id = std::make_shared<std::string>();
    auto target = std::make_shared<std::string>();
    cmd.add_option("container", *id, "Container id")->required();
    cmd.add_option("target", *target, "Mount point")->required();
    cmd.callback([&g, id, target] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto st = image::remove_container_rootfs(*store, *id, *target);
        if (!st.ok()) fail(g, st.error());
    });
}

}  // namespace nook::cli
