// nook save [-o FILE] [--format docker-archive|oci-archive|oci-dir] IMAGE...
#include <unistd.h>

#include <memory>

#include "cli/nook/verbs.h"
#include "image/archive.h"

namespace nook::cli {

void setup_save(CLI::App& cmd, Globals& g) {
    auto images = std::make_shared<std::vector<std::string>>();
    auto output = std::make_shared<std::string>("-");
    auto format = std::make_shared<std::string>("docker-archive");
    cmd.add_option("image", *images, "Images to save")->required();
    cmd.add_option("-o,--output", *output, "Write to a file (default stdout)");
    cmd.add_option("--format", *format, "docker-archive (default), oci-archive or oci-dir");
    cmd.callback([&g, images, output, format] {
        auto f = image::parse_save_format(*format);
        if (!f.ok()) return fail(g, f.error());
        if (*output == "-" && *f != image::SaveFormat::oci_dir && ::isatty(1))
            return fail(g, invalid_input("refusing to write an archive to a terminal (use -o)"));
        auto store = open_store(g);
        if (!store.ok()) return fail(g, store.error());
        auto st = image::save_images(*store, *images, *f, *output);
        if (!st.ok()) fail(g, st.error());
    });
}

}  // namespace nook::cli
