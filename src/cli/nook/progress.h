// Pull/push progress: per-layer bars redrawn in place on a terminal, one plain
// line per status change otherwise (logs, CI).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nook::cli {

class ProgressView {
  public:
    explicit ProgressView(bool tty) : tty_(tty) {}
    void update(const std::string& id, const std::string& status, int64_t cur, int64_t total);

  private:
    struct Line {
        std::string id, status;
        int64_t cur = 0, total = 0;
    };
    void redraw();
    bool tty_;
    std::vector<Line> lines_;
    size_t drawn_ = 0;
};

}  // namespace nook::cli
