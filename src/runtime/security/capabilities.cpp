#include "runtime/security/capabilities.h"

#include <sys/capability.h>

#include <cctype>

#include "base/log.h"

namespace nook::runtime::security {

namespace {

// Largest capability number that fits our 64-bit masks.
constexpr int kMaxCapBits = 64;

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

Result<int> capability_number(const std::string& name) {
    // libcap also accepts numbers and lower case; the spec (and runc) only
    // accept the canonical "CAP_XXX" spelling, so check that first.
    bool canonical = name.size() > 4 && name.compare(0, 4, "CAP_") == 0 && upper(name) == name;
    cap_value_t value = 0;
    if (!canonical || cap_from_name(name.c_str(), &value) != 0 || value < 0 ||
        value >= kMaxCapBits) {
        return invalid_input("unknown capability \"" + name + "\"");
    }
    return static_cast<int>(value);
}

std::string capability_name(int cap) {
    char* n = cap_to_name(static_cast<cap_value_t>(cap));
    std::string s = n ? upper(n) : "";
    if (n) cap_free(n);
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
        return "CAP_" + std::to_string(cap);
    return s;
}

Result<uint64_t> capability_mask(const std::vector<std::string>& names, const std::string& field,
                                 int last_cap) {
    uint64_t mask = 0;
    for (const auto& name : names) {
        auto n = capability_number(name);
        if (!n.ok()) return std::move(n).error().context(field);
        if (*n > last_cap) {
            log::debug(field + ": skipping " + name + ": not supported by the running kernel");
            continue;
        }
        mask |= uint64_t{1} << *n;
    }
    return mask;
}

Result<CapSets> parse_capabilities(const oci::Capabilities& caps, int last_cap) {
    CapSets s;
    TRY_ASSIGN(s.bounding,
               capability_mask(caps.bounding, "process.capabilities.bounding", last_cap));
    TRY_ASSIGN(s.effective,
               capability_mask(caps.effective, "process.capabilities.effective", last_cap));
    TRY_ASSIGN(s.inheritable,
               capability_mask(caps.inheritable, "process.capabilities.inheritable", last_cap));
    TRY_ASSIGN(s.permitted,
               capability_mask(caps.permitted, "process.capabilities.permitted", last_cap));
    TRY_ASSIGN(s.ambient, capability_mask(caps.ambient, "process.capabilities.ambient", last_cap));
    return s;
}

std::vector<std::string> known_capabilities() {
    // Every name libcap can resolve (its table is compiled in): cap_to_name
    // falls back to a bare number for values it has no name for.
    std::vector<std::string> out;
    for (int i = 0; i < kMaxCapBits; ++i) {
        char* n = cap_to_name(static_cast<cap_value_t>(i));
        if (n == nullptr) break;
        std::string s = n;
        cap_free(n);
        if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) break;
        out.push_back(upper(s));
    }
    return out;
}

}  // namespace nook::runtime::security
