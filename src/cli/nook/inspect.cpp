// nook inspect NAME... / nook image inspect IMAGE... : docker-like JSON array.
// The top-level verb looks for a container first, then an image (as docker);
// --type restricts it to one kind. -f applies a Go template (go_template.h:
// nested fields, json, index, ...) to each object. Names not found: "No such
// object" on stderr and exit 1, the others are still shown (as docker).
// -s/--size adds a container's SizeRw and SizeRootFs (engine/views/container_size.h).
// The objects have every key docker's have (engine/views/inspect_view.h); a
// template naming a field docker has no such thing for fails as docker's
// ("template parsing error: ... map has no entry for key") after the
// others' output; exit 125 as every nook CLI error (docker: 1, and 64 for a
// template that does not parse, which fails before anything is looked up).
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/nook/container_common.h"
#include "cli/nook/verbs.h"
#include "engine/template/go_template.h"
#include "engine/views/container_size.h"
#include "engine/views/inspect_view.h"
#include "image/images.h"

namespace nook::cli {

namespace {

struct InspectFlags {
    std::vector<std::string> names;
    std::string format;
    std::string type;
    bool size = false;
};

// The object named n, or nullopt when there is none of the wanted kind.
Result<std::optional<nlohmann::json>> find(std::optional<engine::Engine>& eng, image::Store& store,
                                           const std::string& type, const std::string& n) {
    if (eng && type != "image") {
        auto row = eng->get(n);
        if (row.ok()) {
            TRY_ASSIGN(auto j, eng->inspect(*row));
            return std::optional<nlohmann::json>(std::move(j));
        }
        if (row.error().code() != ENOENT) return std::move(row).error();
    }
    if (type == "container") return std::optional<nlohmann::json>();
    auto rec = store.resolve(n);
    if (!rec.ok()) return std::optional<nlohmann::json>();
    TRY_ASSIGN(auto j, image::inspect_json(store, *rec));
    return std::optional<nlohmann::json>(engine::complete_image_inspect(j, store, *rec));
}

}  // namespace

void setup_inspect(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<InspectFlags>();
    // Under `nook image` only images are looked up; under `nook container`
    // only containers.
    const std::string parent = cmd.get_parent() ? cmd.get_parent()->get_name() : "";
    if (parent == "image") f->type = "image";
    if (parent == "container") f->type = "container";
    cmd.add_option("name", f->names,
                   parent == "image" ? "Images to inspect" : "Containers or images to inspect")
        ->required();
    if (parent.empty() || parent == "nook")
        cmd.add_option("--type", f->type, "Only this kind of object")
            ->check(CLI::IsMember({"container", "image"}));
    cmd.add_option("-f,--format", f->format, "Format the output using a Go template");
    if (parent != "image") cmd.add_flag("-s,--size", f->size, "Display total file sizes");
    cmd.callback([&g, f] {
        if (!f->format.empty())
            if (auto st = engine::check_template(f->format); !st.ok()) return fail(g, st.error());
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        std::optional<engine::Engine> eng;
        if (f->type != "image") {
            auto e = open_engine(g);
            if (!e.ok()) return fail(g, e.error());
            eng.emplace(std::move(*e));
        }
        nlohmann::json out = nlohmann::json::array();
        std::string text;
        bool missing = false;
        std::string template_errors;
        for (auto& n : f->names) {
            auto j = find(eng, *store, f->type, n);
            if (!j.ok()) return fail(g, j.error());
            if (!*j) {
                std::fprintf(stderr, "Error: No such %s: %s\n",
                             f->type.empty() ? "object" : f->type.c_str(), n.c_str());
                missing = true;
                continue;
            }
            if (f->size && eng && (**j).contains("State")) {  // a container
                auto images = engine::image_sizes(eng->paths());
                if (!images.ok()) return fail(g, images.error());
                auto sz = engine::container_sizes(eng->paths(), (**j).value("Id", ""),
                                                  (**j).value("Image", ""), *images);
                (**j)["SizeRw"] = sz.rw;
                (**j)["SizeRootFs"] = sz.root_fs;
            }
            if (!f->format.empty()) {
                const bool container = (**j).contains("State");
                engine::TemplateOptions opts;
                opts.missing_key_error = true;
                auto line = engine::render_template(f->format,
                                                    container ? engine::container_template_view(**j)
                                                              : engine::image_template_view(**j),
                                                    opts);
                if (line.ok())
                    text += *line + "\n";
                else  // docker reports them after the others' output
                    template_errors += "template parsing error: " + line.error().message() + "\n";
            }
            out.push_back(std::move(**j));
        }
        if (!f->format.empty())
            std::fputs(text.c_str(), stdout);
        else
            std::printf("%s\n", out.dump(4).c_str());
        std::fputs(template_errors.c_str(), stderr);
        if (missing) g.exit_code = 1;
        if (!template_errors.empty()) g.exit_code = 125;
    });
}

}  // namespace nook::cli
