// SizeRw and SizeRootFs of a container, as docker computes them (container_size.h).
#include "engine/views/container_size.h"

#include <cstdio>
#include <iterator>

#include "engine/views/system.h"
#include "image/store.h"

namespace nook::engine {

namespace {

std::string hex_of(const std::string& id) {
    return id.rfind("sha256:", 0) == 0 ? id.substr(7) : id;
}

}  // namespace

Result<ImageSizes> image_sizes(const Paths& paths) {
    TRY_ASSIGN(auto store, image::Store::open(paths.root));
    TRY_ASSIGN(auto recs, store.list());
    ImageSizes out;
    for (auto& r : recs) out[hex_of(r.id)] = r.size;
    return out;
}

ContainerSizes container_sizes(const Paths& paths, const std::string& id,
                               const std::string& image_id, const ImageSizes& images) {
    ContainerSizes s;
    // The same measure `system df` and `container prune` report.
    s.rw = static_cast<int64_t>(container_size(paths, id));
    auto it = images.find(hex_of(image_id));
    s.root_fs = s.rw + (it == images.end() ? 0 : it->second);
    return s;
}

std::string human_size3(double n) {
    static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    size_t u = 0;
    while (n >= 1000 && u + 1 < std::size(kUnits)) n /= 1000, u++;
    char b[32];
    std::snprintf(b, sizeof b, "%.3g%s", n, kUnits[u]);
    return b;
}

std::string size_text(const ContainerSizes& s) {
    std::string rw = human_size3(static_cast<double>(s.rw));
    if (s.root_fs <= 0) return rw;
    return rw + " (virtual " + human_size3(static_cast<double>(s.root_fs)) + ")";
}

}  // namespace nook::engine
