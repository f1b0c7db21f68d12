// nook inspect / nook image inspect IMAGE... : docker-like JSON array.
#include <cstdio>
#include <memory>

#include "cli/nook/verbs.h"
#include "image/images.h"

namespace nook::cli {

void setup_inspect(CLI::App& cmd, Globals& g) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto format = std::make_shared<std::string>();
    cmd.add_option("image", *names, "Images to inspect")->required();
    cmd.add_option("-f,--format", *format, "Print one top-level field ({{.Id}} style) instead");
    cmd.callback([&g, names, format] {
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        nlohmann::json out = nlohmann::json::array();
        for (auto& n : *names) {
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
            // Minimal Go-template support: {{.Field}} or {{json .Field}}.
            std::string f = *format;
            bool as_json = f.find("json") != std::string::npos;
            auto dot = f.find('.');
            auto end = f.find("}}");
            std::string field = dot == std::string::npos ? "" : f.substr(dot + 1, end - dot - 1);
            while (!field.empty() && field.back() == ' ') field.pop_back();
            for (auto& j : out) {
                nlohmann::json v = field.empty() ? j : j.value(field, nlohmann::json());
                std::printf("%s\n", (!as_json && v.is_string()) ? v.get<std::string>().c_str()
                                                                : v.dump().c_str());
            }
            return;
        }
        if (!out.empty() || g.exit_code == 0) std::printf("%s\n", out.dump(4).c_str());
    });
}

}  // namespace nook::cli
