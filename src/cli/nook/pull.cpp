// nook pull [--platform os/arch[/variant]] [--tls-verify=false] NAME[:TAG|@DIGEST]
#include <cstdio>
#include <memory>

#include "cli/nook/progress.h"
#include "cli/nook/registry_flags.h"
#include "cli/nook/verbs.h"
#include "engine/events/events.h"
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
        auto ref = image::parse_reference(o->ref);
        if (!ref.ok()) return fail(g, ref.error());
        if (auto given = image::parse_reference_no_default(o->ref);
            !o->quiet && given.ok() && given->tag.empty() && given->digest.empty())
            std::printf("Using default tag: %s\n", ref->tag.c_str());
        // As docker's, "TAG: Pulling from NAME" once the registry answered
        // (the first progress event), so an unreachable one shows only the
        // error.
        auto header = std::make_shared<std::string>();
        if (!o->quiet && !ref->tag.empty() && ref->digest.empty())
            *header = ref->tag + ": Pulling from " + ref->familiar_name() + "\n";
        auto print_header = [header] {
            std::fputs(header->c_str(), stdout);
            header->clear();
        };
        auto view = std::make_shared<ProgressView>(stdout_is_terminal());
        if (!o->quiet)
            po.progress = [view, print_header](const std::string& id, const std::string& st,
                                               int64_t c, int64_t t) {
                print_header();
                view->update(id, st, c, t);
            };
        auto r = image::pull_image(*store, o->ref, po);
        // stdout is block-buffered on a pipe: what was printed goes out
        // before the error on stderr, in the order it happened.
        std::fflush(stdout);
        if (!r.ok()) return fail(g, r.error());
        engine::events::emit({g.root, g.runroot}, "image", "pull", ref->familiar(),
                             {{"name", ref->familiar_name()}});
        print_header();
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
