// Container ids and docker-style random names (names.h).
#include "engine/store/names.h"

#include <cctype>
#include <cstdint>

#include "sys/daemon.h"

namespace nook::engine {

namespace {

const char* const kAdjectives[] = {
    "admiring",   "agitated", "amazing",  "angry",     "awesome",  "blissful", "bold",
    "boring",     "brave",    "busy",     "charming",  "clever",   "cool",     "dazzling",
    "eager",      "elated",   "epic",     "festive",   "focused",  "friendly", "funny",
    "gallant",    "gifted",   "happy",    "hopeful",   "jolly",    "keen",     "kind",
    "laughing",   "loving",   "lucid",    "magical",   "modest",   "nifty",    "nostalgic",
    "optimistic", "peaceful", "pensive",  "practical", "quirky",   "relaxed",  "serene",
    "sharp",      "silly",    "stoic",    "sweet",     "tender",   "trusting", "upbeat",
    "vibrant",    "vigilant", "wizardly", "wonderful", "youthful", "zealous",  "zen"};

const char* const kSurnames[] = {
    "albattani", "allen",    "archimedes", "babbage",  "bardeen", "bell",     "bohr",    "curie",
    "darwin",    "dijkstra", "einstein",   "euclid",   "euler",   "fermat",   "feynman", "gauss",
    "goldberg",  "hamilton", "hopper",     "hypatia",  "johnson", "kepler",   "knuth",   "lamarr",
    "lovelace",  "margulis", "maxwell",    "mccarthy", "meitner", "morse",    "newton",  "noether",
    "pascal",    "pasteur",  "poincare",   "ritchie",  "shannon", "sinoussi", "tesla",   "thompson",
    "torvalds",  "turing",   "wilson",     "wozniak",  "wright",  "yalow",    "yonath"};

template <size_t N>
const char* pick(const char* const (&list)[N], unsigned char byte0, unsigned char byte1) {
    return list[((static_cast<unsigned>(byte0) << 8) | byte1) % N];
}

}  // namespace

Result<std::string> new_container_id() {
    TRY_ASSIGN(std::string raw, sys::random_bytes(32));
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (unsigned char c : raw) {
        id += hex[c >> 4];
        id += hex[c & 15];
    }
    return id;
}

Result<std::string> random_name() {
    TRY_ASSIGN(std::string raw, sys::random_bytes(4));
    auto b = [&](int i) { return static_cast<unsigned char>(raw[i]); };
    return std::string(pick(kAdjectives, b(0), b(1))) + "_" + pick(kSurnames, b(2), b(3));
}

Status validate_name(const std::string& name) {
    std::string n = !name.empty() && name[0] == '/' ? name.substr(1) : name;
    bool ok = n.size() >= 2 && std::isalnum(static_cast<unsigned char>(n[0]));
    for (char c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
            ok = false;
    if (!ok)
        return invalid_input("invalid container name \"" + name +
                             "\", only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    return {};
}

}  // namespace nook::engine
