// docker-format seccomp profiles -> OCI linux.seccomp for this machine (seccomp_default.h).
#include "engine/spec/seccomp_default.h"

#include <algorithm>
#include <cstdlib>

#include "sys/file.h"

namespace nook::engine {

extern const char* const kDefaultSeccompProfile;  // seccomp_default_profile.cpp

namespace {

using json = nlohmann::json;

// The libseccomp name of the machine we run on.
const char* native_scmp_arch() {
#if defined(__x86_64__)
    return "SCMP_ARCH_X86_64";
#elif defined(__aarch64__)
    return "SCMP_ARCH_AARCH64";
#elif defined(__i386__)
    return "SCMP_ARCH_X86";
#elif defined(__arm__)
    return "SCMP_ARCH_ARM";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "SCMP_ARCH_PPC64LE";
#elif defined(__s390x__)
    return "SCMP_ARCH_S390X";
#elif defined(__riscv) && __riscv_xlen == 64
    return "SCMP_ARCH_RISCV64";
#else
    return "";
#endif
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

// "5.10.0-21-amd64" -> {5, 10}; unknown parts are 0.
std::pair<int, int> version_of(const std::string& s) {
    int major = std::atoi(s.c_str());
    auto dot = s.find('.');
    int minor = dot == std::string::npos ? 0 : std::atoi(s.c_str() + dot + 1);
    return {major, minor};
}

std::pair<int, int> running_kernel() {
    auto r = sys::read_file("/proc/sys/kernel/osrelease");
    return r.ok() ? version_of(*r) : std::pair<int, int>{0, 0};
}

Result<std::vector<std::string>> string_list(const json& j, const std::string& field) {
    std::vector<std::string> out;
    if (j.is_null()) return out;
    if (!j.is_array()) return invalid_input(field + ": want an array of strings");
    for (const auto& v : j) {
        if (!v.is_string()) return invalid_input(field + ": want an array of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

// Does a rule's includes (want = true) or excludes (want = false) filter
// let it through?
Result<bool> filter_passes(const json& f, bool want, const std::vector<std::string>& caps,
                           const std::string& field) {
    if (f.is_null()) return true;
    if (!f.is_object()) return invalid_input(field + ": want an object");
    TRY_ASSIGN(auto fcaps, string_list(f.value("caps", json()), field + ".caps"));
    TRY_ASSIGN(auto arches, string_list(f.value("arches", json()), field + ".arches"));
    std::string min_kernel = f.value("minKernel", "");
    if (want) {
        for (const auto& c : fcaps)
            if (!contains(caps, c)) return false;
        if (!arches.empty() && !contains(arches, native_arch_name())) return false;
        if (!min_kernel.empty() && running_kernel() < version_of(min_kernel)) return false;
        return true;
    }
    for (const auto& c : fcaps)
        if (contains(caps, c)) return false;
    if (contains(arches, native_arch_name())) return false;
    if (!min_kernel.empty() && running_kernel() >= version_of(min_kernel)) return false;
    return true;
}

Result<oci::SeccompArg> arg_of(const json& a, const std::string& field) {
    if (!a.is_object()) return invalid_input(field + ": want an object");
    oci::SeccompArg out;
    try {
        out.index = a.at("index").get<uint32_t>();
        out.value = a.value("value", uint64_t{0});
        out.value_two = a.value("valueTwo", uint64_t{0});
        out.op = a.at("op").get<std::string>();
    } catch (const json::exception&) {
        return invalid_input(field + ": want {index, value, valueTwo, op} with numbers and an op");
    }
    if (out.index > 5)
        return invalid_input(field + ".index " + std::to_string(out.index) + ": must be 0 to 5");
    return out;
}

}  // namespace

const char* native_arch_name() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__i386__)
    return "386";
#elif defined(__arm__)
    return "arm";
#elif defined(__powerpc64__)
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__riscv)
    return "riscv64";
#else
    return "unknown";
#endif
}

const json& default_seccomp_profile() {
    static const json profile = json::parse(kDefaultSeccompProfile);
    return profile;
}

Result<oci::Seccomp> seccomp_from_profile(const json& profile,
                                          const std::vector<std::string>& caps) {
    if (!profile.is_object()) return invalid_input("seccomp profile: want a JSON object");
    oci::Seccomp s;
    const json& da = profile.value("defaultAction", json());
    if (!da.is_string() || da.get<std::string>().empty())
        return invalid_input("seccomp profile: defaultAction missing");
    s.default_action = da.get<std::string>();
    if (profile.contains("defaultErrnoRet")) {
        if (!profile["defaultErrnoRet"].is_number_unsigned())
            return invalid_input("seccomp profile: defaultErrnoRet: want a number");
        s.default_errno_ret = profile["defaultErrnoRet"].get<uint32_t>();
    }
    TRY_ASSIGN(s.architectures, string_list(profile.value("architectures", json()),
                                            "seccomp profile: architectures"));
    if (profile.contains("archMap")) {
        if (!s.architectures.empty())
            return invalid_input("seccomp profile: use either architectures or archMap, not both");
        const json& am = profile["archMap"];
        if (!am.is_array()) return invalid_input("seccomp profile: archMap: want an array");
        for (const auto& e : am) {
            if (!e.is_object() || e.value("architecture", "") != native_scmp_arch()) continue;
            s.architectures.push_back(native_scmp_arch());
            TRY_ASSIGN(auto subs, string_list(e.value("subArchitectures", json()),
                                              "seccomp profile: archMap.subArchitectures"));
            s.architectures.insert(s.architectures.end(), subs.begin(), subs.end());
        }
    }
    TRY_ASSIGN(s.flags, string_list(profile.value("flags", json()), "seccomp profile: flags"));
    s.listener_path = profile.value("listenerPath", "");
    s.listener_metadata = profile.value("listenerMetadata", "");
    const json& calls = profile.value("syscalls", json::array());
    if (!calls.is_array()) return invalid_input("seccomp profile: syscalls: want an array");
    for (size_t i = 0; i < calls.size(); i++) {
        const std::string field = "seccomp profile: syscalls[" + std::to_string(i) + "]";
        const json& c = calls[i];
        if (!c.is_object()) return invalid_input(field + ": want an object");
        TRY_ASSIGN(bool in,
                   filter_passes(c.value("includes", json()), true, caps, field + ".includes"));
        TRY_ASSIGN(bool ex,
                   filter_passes(c.value("excludes", json()), false, caps, field + ".excludes"));
        oci::SeccompSyscall sc;
        TRY_ASSIGN(sc.names, string_list(c.value("names", json()), field + ".names"));
        if (c.contains("name")) {
            if (!c["name"].is_string()) return invalid_input(field + ".name: want a string");
            sc.names.push_back(c["name"].get<std::string>());
        }
        if (sc.names.empty()) return invalid_input(field + ": no syscall names");
        const json& action = c.value("action", json());
        if (!action.is_string() || action.get<std::string>().empty())
            return invalid_input(field + ": action missing");
        sc.action = action.get<std::string>();
        if (c.contains("errnoRet")) {
            if (!c["errnoRet"].is_number_unsigned())
                return invalid_input(field + ".errnoRet: want a number");
            sc.errno_ret = c["errnoRet"].get<uint32_t>();
        }
        const json& args = c.value("args", json());
        if (!args.is_null()) {
            if (!args.is_array()) return invalid_input(field + ".args: want an array");
            for (size_t a = 0; a < args.size(); a++) {
                TRY_ASSIGN(auto arg, arg_of(args[a], field + ".args[" + std::to_string(a) + "]"));
                sc.args.push_back(arg);
            }
        }
        if (in && ex) s.syscalls.push_back(std::move(sc));
    }
    return s;
}

}  // namespace nook::engine
