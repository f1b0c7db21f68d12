// Lookup in a constant {name, value} table (capability, rlimit, seccomp and
// scheduler names share this shape).
#pragma once

#include <string>

namespace nook::runtime::security {

// One row of such a table.
template <typename T>
struct Named {
    const char* name;
    T value;
};

template <typename Table, typename T>
bool lookup(const Table& table, const std::string& name, T* out) {
    for (const auto& e : table) {
        if (name == e.name) {
            *out = e.value;
            return true;
        }
    }
    return false;
}

}  // namespace nook::runtime::security
