// --userns auto: host id ranges chosen under a lock, and the OCI id mappings (userns.h).
#include "engine/spec/userns.h"

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/mount.h"

namespace nook::engine {

using json = nlohmann::json;

namespace {

constexpr uint64_t kDefaultPoolStart = uint64_t{1} << 30;
constexpr uint64_t kDefaultPoolSize = uint64_t{1} << 30;

std::optional<uint64_t> number(const std::string& s) {
    if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoull(s);
}

}  // namespace

Result<std::optional<uint32_t>> parse_userns_mode(const std::string& mode) {
    if (mode.empty() || mode == "host") return std::optional<uint32_t>();
    auto bad = [&](const std::string& why) {
        return invalid_input("--userns \"" + mode + "\": " + why);
    };
    if (mode == "auto") return std::optional<uint32_t>(kDefaultUsernsSize);
    if (mode.rfind("auto:", 0) != 0) return bad("use host or auto[:size=N]");
    const std::string opt = mode.substr(5);
    if (opt.rfind("size=", 0) != 0) return bad("the only auto option is size=N");
    auto n = number(opt.substr(5));
    if (!n || *n == 0 || *n > kDefaultPoolSize) return bad("size must be a number from 1 to 2^30");
    return std::optional<uint32_t>(static_cast<uint32_t>(*n));
}

sys::IdRange userns_pool(const std::string& subuid) {
    std::istringstream lines(subuid);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream f(line);
        std::string user, start, count;
        if (!std::getline(f, user, ':') || !std::getline(f, start, ':') || !std::getline(f, count))
            continue;
        auto s = number(start);
        auto c = number(count);
        if (user == "containers" && s && c && *c > 0 && *s + *c <= UINT32_MAX)
            return {static_cast<uint32_t>(*s), static_cast<uint32_t>(*c)};
    }
    return {static_cast<uint32_t>(kDefaultPoolStart), static_cast<uint32_t>(kDefaultPoolSize)};
}

Result<sys::IdRange> pick_range(const sys::IdRange& pool, std::vector<sys::IdRange> taken,
                                uint32_t size) {
    std::sort(taken.begin(), taken.end(),
              [](const sys::IdRange& a, const sys::IdRange& b) { return a.host < b.host; });
    uint64_t candidate = pool.host;
    const uint64_t end = uint64_t{pool.host} + pool.size;
    for (const auto& t : taken) {
        const uint64_t t_end = uint64_t{t.host} + t.size;
        if (t_end <= candidate) continue;
        if (t.host >= candidate + size) break;  // the gap before t fits
        candidate = t_end;
    }
    if (candidate + size > end)
        return Error(ENOSPC, "--userns auto: no free range of " + std::to_string(size) +
                                 " ids left in host ids " + std::to_string(pool.host) + "-" +
                                 std::to_string(end - 1))
            .without_errno_text();
    return sys::IdRange{static_cast<uint32_t>(candidate), size};
}

json idmappings_json(const sys::IdRange& r) {
    const std::string m = "0:" + std::to_string(r.host) + ":" + std::to_string(r.size);
    return {{"UidMap", json::array({m})}, {"GidMap", json::array({m})}};
}

std::optional<sys::IdRange> recorded_range(const json& host) {
    if (!host.is_object() || !host.contains("IDMappings")) return std::nullopt;
    const json& m = host["IDMappings"];
    if (!m.is_object() || !m.contains("UidMap") || !m["UidMap"].is_array() || m["UidMap"].empty() ||
        !m["UidMap"][0].is_string())
        return std::nullopt;
    std::istringstream f(m["UidMap"][0].get<std::string>());
    std::string inner, start, count;
    if (!std::getline(f, inner, ':') || !std::getline(f, start, ':') || !std::getline(f, count))
        return std::nullopt;
    auto s = number(start);
    auto c = number(count);
    if (inner != "0" || !s || !c || *c == 0 || *s + *c > UINT32_MAX) return std::nullopt;
    return sys::IdRange{static_cast<uint32_t>(*s), static_cast<uint32_t>(*c)};
}

Status assign_userns(json& cfg, const std::vector<std::string>& others) {
    json& host = cfg["HostConfig"];
    TRY_ASSIGN(auto size, parse_userns_mode(host.value("UsernsMode", "")));
    if (!size) return {};
    // docker's refusals: these need ids or namespaces of the host.
    if (host.value("Privileged", false))
        return invalid_input(
            "privileged mode is incompatible with user namespaces: use --userns host");
    for (const char* k : {"NetworkMode", "PidMode", "IpcMode", "UTSMode"})
        if (host.value(k, "") == "host")
            return invalid_input(std::string("HostConfig.") + k +
                                 " host: cannot share a host namespace with --userns " +
                                 host.value("UsernsMode", ""));
    std::vector<sys::IdRange> taken;
    for (const auto& text : others) {
        auto other = json::parse(text, nullptr, false);
        if (other.is_discarded()) continue;
        if (auto r = recorded_range(other.value("HostConfig", json::object()))) taken.push_back(*r);
    }
    auto subuid = sys::read_file("/etc/subuid");
    TRY_ASSIGN(auto range, pick_range(userns_pool(subuid.ok() ? *subuid : ""), taken, *size));
    host["IDMappings"] = idmappings_json(range);
    return {};
}

Result<UniqueFd> lock_userns(const Paths& paths) {
    TRY(sys::mkdir_p(paths.root + "/engine", 0700));
    TRY_ASSIGN(auto fd, sys::open_file(paths.root + "/engine/userns.lock",
                                       O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    TRY(sys::lock_fd(fd.get(), true).context("lock the user namespace ranges"));
    return fd;
}

Status let_userns_traverse(const std::string& top, const std::string& leaf) {
    namespace fs = std::filesystem;
    const fs::path top_path = fs::path(top).lexically_normal();
    for (auto dir = top_path.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
        auto st = sys::stat_path(dir);
        if (st.ok() && !(st->st_mode & S_IXOTH))
            return invalid_input("--userns: " + dir.string() + " (above " + top +
                                 ") must be searchable by the container's root: chmod o+x it");
    }
    const std::string rel = fs::path(leaf).lexically_normal().lexically_relative(top_path);
    if (rel.empty() || rel.rfind("..", 0) == 0) return invalid_input(leaf + " is not under " + top);
    fs::path dir = top_path;
    std::vector<fs::path> chain = {dir};
    for (const auto& part : fs::path(rel)) {
        if (part == ".") continue;
        dir /= part;
        chain.push_back(dir);
    }
    for (const auto& d : chain) {
        TRY_ASSIGN(auto st, sys::stat_path(d));
        if (S_ISDIR(st.st_mode) && !(st.st_mode & S_IXOTH))
            TRY(sys::fchmodat(AT_FDCWD, d, (st.st_mode & 07777) | S_IXOTH, "search permission"));
    }
    return {};
}

}  // namespace nook::engine
