// nook pull [--platform os/arch[/variant]] [--tls-verify=false] NAME[:TAG|@DIGEST]
#include <cstdio>
#include <memory>

#include "cli/nook/progress.h"
#include "cli/nook/registry_flags.h"
#include "cli/nook/verbs.h"
#include "image/pull.h"

namespace nook::cli {

namespace {
struct Opts {
    std::string ref;
    std::string platform;
    bool quiet = false;
    RegistryFlags reg;
};
}  // namespace

void setup_pull(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("reference", o->ref, "NAME[:TAG|@DIGEST]")->required();
    cmd.add_option("--platform", o->platform, "os/arch[/variant] (default: this host)");
    cmd.add_flag("-q,--quiet", o->quiet, "Only print the image reference");
    add_registry_flags(cmd, o->reg);
    cmd.callback([&g, o] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        image::PullOptions po;
        po.registry = o->reg.options();
        if (!o->platform.empty()) {
            auto p = image::parse_platform(o->platform);
            if (!p.ok()) return fail(g, p.error());
            po.platform = *p;
        }
        auto view = std::make_shared<ProgressView>(stdout_is_terminal());
        if (!o->quiet)
            po.progress = [view](const std::string& id, const std::string& st, int64_t c,
                                 int64_t t) { view->update(id, st, c, t); };
        auto ref = image::parse_reference(o->ref);
        if (!ref.ok()) return fail(g, ref.error());
        if (!o->quiet && !ref->tag.empty() && ref->digest.empty())
            std::printf("%s: Pulling from %s\n", ref->tag.c_str(), ref->familiar_name().c_str());
        auto r = image::pull_image(*store, o->ref, po);
        if (!r.ok()) return fail(g, r.error());
        if (o->quiet) {
            std::printf("%s\n", ref->str().c_str());
            return;
        }
        std::printf("Digest: %s\n", r->digest.c_str());
        std::printf("Status: %s for %s\n",
                    r->up_to_date ? "Image is up to date" : "Downloaded newer image",
                    ref->familiar().c_str());
        std::printf("%s\n", ref->str().c_str());
    });
}

}  // namespace nook::cli
