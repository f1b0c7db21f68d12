// Pure parsers for run/create option values: sizes, CPUs, ulimits, caps, sysctls (host_options.h).
#include "engine/spec/host_options.h"

#include <arpa/inet.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "sys/file.h"

namespace nook::engine::opts {

namespace {

using json = nlohmann::json;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// "12", "1.5": digits with at most one fraction part.
bool is_decimal(const std::string& s) {
    auto dot = s.find('.');
    if (dot == std::string::npos) return all_digits(s);
    return all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1));
}

std::optional<int64_t> to_int64(const std::string& s) {
    std::string digits = s[0] == '-' ? s.substr(1) : s;
    if (!all_digits(digits) || digits.size() > 18) return std::nullopt;
    return std::strtoll(s.c_str(), nullptr, 10);
}

// Capability numbers 0..40 as the kernel's uapi header names them.
constexpr const char* kCapNames[] = {"CHOWN",
                                     "DAC_OVERRIDE",
                                     "DAC_READ_SEARCH",
                                     "FOWNER",
                                     "FSETID",
                                     "KILL",
                                     "SETGID",
                                     "SETUID",
                                     "SETPCAP",
                                     "LINUX_IMMUTABLE",
                                     "NET_BIND_SERVICE",
                                     "NET_BROADCAST",
                                     "NET_ADMIN",
                                     "NET_RAW",
                                     "IPC_LOCK",
                                     "IPC_OWNER",
                                     "SYS_MODULE",
                                     "SYS_RAWIO",
                                     "SYS_CHROOT",
                                     "SYS_PTRACE",
                                     "SYS_PACCT",
                                     "SYS_ADMIN",
                                     "SYS_BOOT",
                                     "SYS_NICE",
                                     "SYS_RESOURCE",
                                     "SYS_TIME",
                                     "SYS_TTY_CONFIG",
                                     "MKNOD",
                                     "LEASE",
                                     "AUDIT_WRITE",
                                     "AUDIT_CONTROL",
                                     "SETFCAP",
                                     "MAC_OVERRIDE",
                                     "MAC_ADMIN",
                                     "SYSLOG",
                                     "WAKE_ALARM",
                                     "BLOCK_SUSPEND",
                                     "AUDIT_READ",
                                     "PERFMON",
                                     "BPF",
                                     "CHECKPOINT_RESTORE"};
constexpr int kCapCount = sizeof(kCapNames) / sizeof(kCapNames[0]);

// Our own bounding set: a capability we lack (this host: CAP_SYS_RESOURCE)
// cannot be granted to a container, so "all" means all we have.
uint64_t own_bounding_set() {
    auto status = sys::read_file("/proc/self/status");
    if (!status.ok()) return ~uint64_t{0};
    auto pos = status->find("CapBnd:");
    if (pos == std::string::npos) return ~uint64_t{0};
    return std::strtoull(status->c_str() + pos + 7, nullptr, 16);
}

constexpr std::pair<const char*, const char*> kRlimits[] = {{"as", "RLIMIT_AS"},
                                                            {"core", "RLIMIT_CORE"},
                                                            {"cpu", "RLIMIT_CPU"},
                                                            {"data", "RLIMIT_DATA"},
                                                            {"fsize", "RLIMIT_FSIZE"},
                                                            {"locks", "RLIMIT_LOCKS"},
                                                            {"memlock", "RLIMIT_MEMLOCK"},
                                                            {"msgqueue", "RLIMIT_MSGQUEUE"},
                                                            {"nice", "RLIMIT_NICE"},
                                                            {"nofile", "RLIMIT_NOFILE"},
                                                            {"nproc", "RLIMIT_NPROC"},
                                                            {"rss", "RLIMIT_RSS"},
                                                            {"rtprio", "RLIMIT_RTPRIO"},
                                                            {"rttime", "RLIMIT_RTTIME"},
                                                            {"sigpending", "RLIMIT_SIGPENDING"},
                                                            {"stack", "RLIMIT_STACK"}};

// KEY[=VALUE] lines shared by env and label files.
template <typename Fn>
Status for_each_entry(const std::string& text, const std::string& path, Fn fn) {
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        n++;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '#') continue;
        line = line.substr(start);
        auto eq = line.find('=');
        std::string key = line.substr(0, eq);
        if (key.empty())
            return invalid_input(path + ":" + std::to_string(n) + ": no variable name in \"" +
                                 line + "\"");
        if (key.find_first_of(" \t") != std::string::npos)
            return invalid_input(path + ":" + std::to_string(n) + ": variable '" + key +
                                 "' contains whitespaces");
        fn(key, eq == std::string::npos ? std::optional<std::string>()
                                        : std::optional<std::string>(line.substr(eq + 1)));
    }
    return {};
}

}  // namespace

Result<int64_t> parse_size(const std::string& s) {
    auto bad = [&] { return invalid_input("invalid size: '" + s + "'"); };
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) i++;
    std::string num = s.substr(0, i);
    if (!is_decimal(num)) return bad();
    std::string unit = lower(s.substr(i));
    if (!unit.empty() && unit[0] == ' ') unit = unit.substr(1);
    // Strip an optional trailing "b" or "ib" after a unit letter.
    if (unit.size() >= 2 && unit.back() == 'b') unit.pop_back();
    if (unit.size() >= 2 && unit.back() == 'i') unit.pop_back();
    double mult = 1;
    if (unit.empty() || unit == "b") {
    } else if (unit.size() == 1 && std::string("kmgtp").find(unit[0]) != std::string::npos) {
        mult = std::pow(1024.0, 1 + static_cast<double>(std::string("kmgtp").find(unit[0])));
    } else {
        return bad();
    }
    double v = std::strtod(num.c_str(), nullptr) * mult;
    if (v >= 9.2e18) return bad();
    return static_cast<int64_t>(v);
}

Result<int64_t> parse_swap(const std::string& s) {
    if (s == "-1") return int64_t{-1};
    return parse_size(s);
}

Result<int64_t> parse_nano_cpus(const std::string& s) {
    if (!is_decimal(s) || s.size() > 15) return invalid_input("invalid CPU count: '" + s + "'");
    auto dot = s.find('.');
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    if (frac.size() > 9)
        return invalid_input("invalid CPU count: '" + s + "': more than 9 decimal places");
    frac.resize(9, '0');
    int64_t whole = std::strtoll(s.substr(0, dot).c_str(), nullptr, 10);
    return whole * 1000000000 + std::strtoll(frac.c_str(), nullptr, 10);
}

std::string rlimit_type(const std::string& name) {
    for (auto& [n, t] : kRlimits)
        if (name == n) return t;
    return "";
}

Result<json> parse_ulimit(const std::string& s) {
    auto eq = s.find('=');
    if (eq == std::string::npos) return invalid_input("invalid ulimit argument: " + s);
    std::string name = s.substr(0, eq);
    if (rlimit_type(name).empty()) return invalid_input("invalid ulimit type: " + name);
    std::string val = s.substr(eq + 1);
    auto colon = val.find(':');
    std::string soft_s = val.substr(0, colon);
    std::string hard_s = colon == std::string::npos ? soft_s : val.substr(colon + 1);
    auto soft = to_int64(soft_s);
    auto hard = to_int64(hard_s);
    if (!soft || !hard || *soft < -1 || *hard < -1)
        return invalid_input("invalid ulimit value: " + val);
    // -1 is unlimited: it compares above every number.
    auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
    if (u(*soft) > u(*hard))
        return invalid_input("ulimit soft limit must be less than or equal to hard limit: " +
                             soft_s + " > " + hard_s);
    return json{{"Name", name}, {"Soft", *soft}, {"Hard", *hard}};
}

Result<std::vector<int>> parse_cpuset(const std::string& s) {
    std::vector<int> out;
    std::istringstream in(s);
    std::string part;
    auto bad = [&] { return invalid_input("invalid cpuset list: '" + s + "'"); };
    if (s.empty()) return bad();
    while (std::getline(in, part, ',')) {
        auto dash = part.find('-');
        std::string a = part.substr(0, dash);
        std::string b = dash == std::string::npos ? a : part.substr(dash + 1);
        if (!all_digits(a) || !all_digits(b) || a.size() > 4 || b.size() > 4) return bad();
        int lo = std::atoi(a.c_str()), hi = std::atoi(b.c_str());
        if (lo > hi) return bad();
        for (int i = lo; i <= hi; i++) out.push_back(i);
    }
    if (!s.empty() && s.back() == ',') return bad();
    return out;
}

Result<std::string> normalize_capability(const std::string& name) {
    std::string u = upper(name);
    if (u == "ALL") return u;
    if (u.rfind("CAP_", 0) == 0) u = u.substr(4);
    for (const char* c : kCapNames)
        if (u == c) return "CAP_" + u;
    return invalid_input("unknown capability: \"" + name + "\"");
}

std::vector<std::string> all_capabilities() {
    int last = kCapCount - 1;
    if (auto t = sys::read_file("/proc/sys/kernel/cap_last_cap"); t.ok())
        last = std::min(last, std::atoi(t->c_str()));
    uint64_t have = own_bounding_set();
    std::vector<std::string> out;
    for (int i = 0; i <= last; i++)
        if (have & (uint64_t{1} << i)) out.push_back(std::string("CAP_") + kCapNames[i]);
    return out;
}

std::vector<std::string> merge_capabilities(const std::vector<std::string>& defaults,
                                            const std::vector<std::string>& add,
                                            const std::vector<std::string>& drop) {
    auto has = [](const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    };
    std::vector<std::string> out;
    if (has(add, "ALL")) {
        out = all_capabilities();
    } else if (!has(drop, "ALL")) {
        out = defaults;
    }
    if (!has(add, "ALL"))
        for (const auto& c : add)
            if (!has(out, c)) out.push_back(c);
    if (!has(drop, "ALL")) std::erase_if(out, [&](const std::string& c) { return has(drop, c); });
    return out;
}

Status check_sysctl(const std::string& key, bool own_netns) {
    static const char* kIpc[] = {"kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
                                 "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
                                 "kernel.shmmni", "kernel.shm_rmid_forced"};
    for (const char* k : kIpc)
        if (key == k) return {};
    if (key.rfind("fs.mqueue.", 0) == 0) return {};
    if (key.rfind("net.", 0) == 0) {
        if (own_netns) return {};
        return invalid_input("sysctl '" + key + "' is not allowed in the host's network namespace");
    }
    return invalid_input("sysctl '" + key + "' is not allowed");
}

bool is_ip(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Result<std::vector<std::string>> parse_env_file_text(const std::string& text,
                                                     const std::string& path) {
    std::vector<std::string> out;
    TRY(for_each_entry(text, path, [&](const std::string& k, const std::optional<std::string>& v) {
        if (v) {
            out.push_back(k + "=" + *v);
        } else if (const char* e = std::getenv(k.c_str())) {
            out.push_back(k + "=" + e);
        }
    }));
    return out;
}

Result<std::map<std::string, std::string>> parse_label_file_text(const std::string& text,
                                                                 const std::string& path) {
    std::map<std::string, std::string> out;
    TRY(for_each_entry(text, path, [&](const std::string& k, const std::optional<std::string>& v) {
        out[k] = v.value_or("");
    }));
    return out;
}

}  // namespace nook::engine::opts
