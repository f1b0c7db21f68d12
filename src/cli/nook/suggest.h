// Close-name suggestions for a mistyped verb ("rn" -> "run"), as cobra's
// "Did you mean this?": pure functions, unit-tested in tests/engine-cli.
#pragma once

#include <string>
#include <vector>

namespace nook::cli {

// Levenshtein distance between a and b (insert, delete, substitute: 1 each).
size_t edit_distance(const std::string& a, const std::string& b);

// The candidates within distance 2 of word (1 when either is three letters
// or less), or that start with it (two letters typed at least); those that
// start with it first, then the closest; ties keep the candidates' order.
std::vector<std::string> suggest(const std::string& word,
                                 const std::vector<std::string>& candidates);

}  // namespace nook::cli
