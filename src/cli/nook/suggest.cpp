#include "cli/nook/suggest.h"

#include <algorithm>
#include <utility>

namespace nook::cli {

size_t edit_distance(const std::string& a, const std::string& b) {
    // One row of the dynamic-programming table at a time.
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) row[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::vector<std::string> suggest(const std::string& word,
                                 const std::vector<std::string>& candidates) {
    // cobra's rule: distance <= 2, or the word is a prefix of the verb.
    std::vector<std::pair<size_t, std::string>> hits;
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        bool prefix = word.size() >= 2 && c.rfind(word, 0) == 0;
        // Two edits would turn a short word into any other short verb ("rn"
        // into "ps"): short words get one.
        const size_t max_d = std::min(word.size(), c.size()) <= 3 ? 1 : 2;
        if (d <= max_d || prefix) hits.emplace_back(prefix ? 0 : d, c);
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (auto& h : hits)
        if (std::find(out.begin(), out.end(), h.second) == out.end()) out.push_back(h.second);
    return out;
}

}  // namespace nook::cli
