// nook inspect NAME... / nook image inspect IMAGE... : docker-like JSON array.
// The top-level verb looks for a container first, then an image (as docker);
// --type restricts it to one kind.
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/nook/container_common.h"
#include "cli/nook/verbs.h"
#include "image/images.h"

namespace nook::cli {

void setup_inspect(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto format = std::make_shared<std::string>();
    auto type = std::make_shared<std::string>();
    // Under `nook image` only images are looked up.
    const bool image_only = cmd.get_parent() && cmd.get_parent()->get_name() == "image";
    if (image_only) *type = "image";
    cmd.add_option("image", *names,
                   image_only ? "Images to inspect" : "Containers or images to inspect")
        ->required();
    if (!image_only)
        cmd.add_option("--type", *type, "Only this kind of object")
            ->check(CLI::IsMember({"container", "image"}));
    cmd.add_option("-f,--format", *format, "Print one top-level field ({{.Id}} style) instead");
    cmd.callback([&g, names, format, type] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        std::optional<engine::Engine> eng;
        if (*type != "image") {
            auto e = open_engine(g);
            if (!e.ok()) return fail(g, e.error());
            eng.emplace(std::move(*e));
        }
        nlohmann::json out = nlohmann::json::array();
        for (auto& n : *names) {
            if (eng) {
                auto row = eng->get(n);
                if (row.ok()) {
                    auto j = eng->inspect(*row);
                    if (!j.ok()) return fail(g, j.error());
                    out.push_back(*j);
                    continue;
                }
                if (*type == "container") {
                    fail(g, row.error());
                    g.exit_code = 1;
                    continue;
                }
            }
            auto rec = store->resolve(n);
            if (!rec.ok()) {
                fail(g, rec.error());
                g.exit_code = 1;
                continue;
            }
            auto j = image::inspect_json(*store, *rec);
            if (!j.ok()) return fail(g, j.error());
            out.push_back(*j);
        }
        if (!format->empty()) {
            // Minimal Go-template support: {{.Field.Sub}} or {{json .Field}}.
            std::string f = *format;
            bool as_json = f.find("json") != std::string::npos;
            auto dot = f.find('.');
            auto end = f.find("}}");
            std::string field = dot == std::string::npos ? "" : f.substr(dot + 1, end - dot - 1);
            while (!field.empty() && field.back() == ' ') field.pop_back();
            for (auto& j : out) {
                // A dotted path walks nested objects: {{.State.Status}}.
                nlohmann::json v = j;
                for (size_t pos = 0; !field.empty() && pos != std::string::npos;) {
                    size_t dot2 = field.find('.', pos);
                    std::string key =
                        field.substr(pos, dot2 == std::string::npos ? dot2 : dot2 - pos);
                    v = v.is_object() ? v.value(key, nlohmann::json()) : nlohmann::json();
                    pos = dot2 == std::string::npos ? dot2 : dot2 + 1;
                }
                std::printf("%s\n", (!as_json && v.is_string()) ? v.get<std::string>().c_str()
                                                                : v.dump().c_str());
            }
            return;
        }
        if (!out.empty() || g.exit_code == 0) std::printf("%s\n", out.dump(4).c_str());
    });
}

}  // namespace nook::cli
