#include "cli/nook/progress.h"

#include <cstdio>

#include "image/images.h"

namespace nook::cli {

void ProgressView::update(const std::string& id, const std::string& status, int64_t cur,
                          int64_t total) {
    Line* l = nullptr;
    for (auto& x : lines_)
        if (x.id == id) l = &x;
    if (!l) {
        lines_.push_back({id, "", 0, 0});
        l = &lines_.back();
    }
    bool changed = l->status != status;
    *l = {id, status, cur, total};
    if (tty_) return redraw();
    if (changed) std::printf("%s: %s\n", id.c_str(), status.c_str());
    std::fflush(stdout);
}

void ProgressView::redraw() {
    if (drawn_ > 0) std::printf("\033[%zuA", drawn_);
    for (auto& l : lines_) {
        std::string bar;
        if (l.status == "Downloading" || l.status == "Pushing") {
            int w = 40, fill = l.total > 0 ? static_cast<int>(w * l.cur / l.total) : 0;
            bar = "[" + std::string(fill, '=') + (fill < w ? ">" : "") +
                  std::string(w - fill > 0 ? w - fill - 1 : 0, ' ') + "] " +
                  image::human_size(l.cur) + "/" + image::human_size(l.total);
        }
        std::printf("\033[2K%s: %-18s %s\n", l.id.c_str(), l.status.c_str(), bar.c_str());
    }
    drawn_ = lines_.size();
    std::fflush(stdout);
}

}  // namespace nook::cli
