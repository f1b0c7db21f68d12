// docker's -v/--mount/--tmpfs/--volumes-from parsing and a container's mount list (volume_spec.h).
#include "engine/volumes/volume_spec.h"

#include <sys/stat.h>

#include <cctype>
#include <map>
#include <set>

#include "image/digest.h"

namespace nook::engine {

namespace {

using json = nlohmann::json;

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) return out;
        start = p + 1;
    }
}

bool is_propagation(const std::string& s) {
    static const std::set<std::string> kProps = {"private", "rprivate", "shared",
                                                 "rshared", "slave",    "rslave"};
    return kProps.count(s) != 0;
}

// Clean an absolute container path: no "//", no trailing "/", no "." or "..".
Result<std::string> clean_target(const std::string& t, const std::string& what) {
    if (t.empty() || t[0] != '/')
        return invalid_input(what + ": invalid mount path: '" + t +
                             "' mount path must be absolute");
    std::vector<std::string> parts;
    for (auto& p : split(t, '/')) {
        if (p.empty() || p == ".") continue;
        if (p == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(p);
    }
    if (parts.empty())
        return invalid_input(what + ": invalid mount config: destination can't be '/'");
    std::string out;
    for (auto& p : parts) out += "/" + p;
    return out;
}

Status check_bind_source(const std::string& src, const std::string& what) {
    struct stat st;
    if (::stat(src.c_str(), &st) != 0)
        return invalid_input(what + ": bind source path does not exist: " + src);
    return {};
}

// "true", "1", "false", "0" or no value (true), as docker's --mount booleans.
Result<bool> parse_bool(const std::string& key, const std::string& val, bool has_val,
                        const std::string& spec) {
    if (!has_val || val == "true" || val == "1") return true;
    if (val == "false" || val == "0") return false;
    return invalid_input("invalid argument \"" + spec + "\" for \"--mount\" flag: invalid value '" +
                         val + "' for " + key);
}

Result<uint32_t> parse_octal_mode(const std::string& s, const std::string& what) {
    if (s.empty() || s.size() > 6) return invalid_input(what + ": invalid mode '" + s + "'");
    uint32_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '7') return invalid_input(what + ": invalid mode '" + s + "'");
        v = v * 8 + static_cast<uint32_t>(c - '0');
    }
    if (v > 07777) return invalid_input(what + ": invalid mode '" + s + "'");
    return v;
}

}  // namespace

bool valid_volume_name(const std::string& name) {
    if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
            return false;
    return true;
}

Result<MountSpec> parse_volume_flag(const std::string& spec, bool check_source) {
    const std::string what = "--volume " + spec;
    auto f = split(spec, ':');
    MountSpec m;
    m.type = "volume";
    if (f.size() == 1) {
        TRY_ASSIGN(m.target, clean_target(f[0], what));
        m.anonymous = true;
        return m;
    }
    if (f.size() > 3 || f[0].empty() || f[1].empty())
        return invalid_input(what + ": invalid volume specification: '" + spec + "'");
    if (f.size() == 3) {
        m.mode = f[2];
        for (auto& o : split(f[2], ',')) {
            if (o == "ro") {
                m.readonly = true;
            } else if (o == "rw") {
                m.readonly = false;
            } else if (o == "z" || o == "Z") {
                // SELinux relabelling: nothing to do without SELinux.
            } else if (o == "nocopy") {
                m.nocopy = true;
            } else if (is_propagation(o)) {
                m.propagation = o;
            } else {
                return invalid_input(what + ": invalid mode: " + o);
            }
        }
    }
    TRY_ASSIGN(m.target, clean_target(f[1], what));
    const std::string& src = f[0];
    if (src[0] == '/') {
        m.type = "bind";
        m.source = src;
        if (m.nocopy) return invalid_input(what + ": invalid mode: nocopy applies to volumes only");
        if (check_source) TRY(check_bind_source(src, what));
    } else {
        if (!valid_volume_name(src))
            return invalid_input(what + ": \"" + src +
                                 "\" includes invalid characters for a local volume name, only "
                                 "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to "
                                 "pass a host directory, use absolute path");
        if (!m.propagation.empty())
            return invalid_input(what + ": invalid mode: " + m.propagation +
                                 " applies to bind mounts only");
        m.source = src;
    }
    return m;
}

Result<MountSpec> parse_mount_flag(const std::string& spec, bool check_source) {
    const std::string what = "--mount " + spec;
    MountSpec m;
    std::string size, mode;
    bool target_set = false;
    for (auto& field : split(spec, ',')) {
        if (field.empty()) continue;
        size_t eq = field.find('=');
        std::string key = field.substr(0, eq);
        bool has_val = eq != std::string::npos;
        std::string val = has_val ? field.substr(eq + 1) : "";
        auto need_val = [&]() -> Status {
            if (!has_val || val.empty())
                return invalid_input("invalid argument \"" + spec +
                                     "\" for \"--mount\" flag: invalid field '" + field +
                                     "' must be a key=value pair");
            return {};
        };
        if (key == "type") {
            TRY(need_val());
            if (val != "bind" && val != "volume" && val != "tmpfs")
                return invalid_input("invalid argument \"" + spec +
                                     "\" for \"--mount\" flag: unsupported mount type '" + val +
                                     "' (bind, volume or tmpfs)");
            m.type = val;
        } else if (key == "source" || key == "src") {
            TRY(need_val());
            m.source = val;
        } else if (key == "target" || key == "destination" || key == "dst") {
            TRY(need_val());
            TRY_ASSIGN(m.target, clean_target(val, what));
            target_set = true;
        } else if (key == "readonly" || key == "ro") {
            TRY_ASSIGN(m.readonly, parse_bool(key, val, has_val, spec));
        } else if (key == "bind-propagation") {
            if (!is_propagation(val))
                return invalid_input("invalid argument \"" + spec +
                                     "\" for \"--mount\" flag: invalid bind-propagation '" + val +
                                     "'");
            m.propagation = val;
        } else if (key == "volume-nocopy") {
            TRY_ASSIGN(m.nocopy, parse_bool(key, val, has_val, spec));
        } else if (key == "volume-label") {
            TRY(need_val());
            size_t e = val.find('=');
            m.volume_labels[val.substr(0, e)] = e == std::string::npos ? "" : val.substr(e + 1);
        } else if (key == "volume-driver") {
            if (val != "local")
                return invalid_input("invalid argument \"" + spec +
                                     "\" for \"--mount\" flag: volume driver '" + val +
                                     "' is not supported (only local)");
        } else if (key == "tmpfs-size") {
            TRY(need_val());
            size = val;
        } else if (key == "tmpfs-mode") {
            TRY(need_val());
            mode = val;
        } else if (key == "consistency") {
            // macOS-only hint, accepted and ignored as docker does on Linux.
        } else {
            return invalid_input("invalid argument \"" + spec +
                                 "\" for \"--mount\" flag: unexpected key '" + key + "' in '" +
                                 field + "'");
        }
    }
    if (m.type.empty()) m.type = "volume";  // docker's default type
    if (!target_set)
        return invalid_input("invalid argument \"" + spec +
                             "\" for \"--mount\" flag: target is required");
    const std::string bad = "invalid argument \"" + spec + "\" for \"--mount\" flag: ";
    if (m.type != "tmpfs" && (!size.empty() || !mode.empty()))
        return invalid_input(bad + "tmpfs options are incompatible with type " + m.type);
    if (m.type != "bind" && !m.propagation.empty())
        return invalid_input(bad + "bind-propagation is incompatible with type " + m.type);
    if (m.type != "volume" && (m.nocopy || !m.volume_labels.empty()))
        return invalid_input(bad + "volume options are incompatible with type " + m.type);
    if (m.type == "bind") {
        if (m.source.empty() || m.source[0] != '/')
            return invalid_input(bad + "bind source must be an absolute path, got '" + m.source +
                                 "'");
        if (check_source) TRY(check_bind_source(m.source, "--mount " + spec));
    } else if (m.type == "volume") {
        if (m.source.empty()) {
            m.anonymous = true;
        } else if (!valid_volume_name(m.source)) {
            return invalid_input(bad + "invalid volume name '" + m.source +
                                 "': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
    } else {
        if (!m.source.empty()) return invalid_input(bad + "tmpfs mounts take no source");
        std::vector<std::string> opts;
        if (!size.empty()) {
            TRY_ASSIGN(int64_t bytes, parse_size_bytes(size, "--mount tmpfs-size"));
            opts.push_back("size=" + std::to_string(bytes));
        }
        if (!mode.empty()) {
            TRY_ASSIGN(uint32_t md, parse_octal_mode(mode, "--mount tmpfs-mode"));
            char b[16];
            std::snprintf(b, sizeof b, "mode=%o", md);
            opts.push_back(b);
        }
        for (auto& o : opts) m.tmpfs_options += (m.tmpfs_options.empty() ? "" : ",") + o;
    }
    return m;
}

json mount_to_json(const MountSpec& m) {
    json j = {{"Type", m.type}, {"Source", m.source}, {"Target", m.target}};
    if (m.readonly) j["ReadOnly"] = true;
    if (m.type == "bind" && !m.propagation.empty())
        j["BindOptions"] = {{"Propagation", m.propagation}};
    if (m.type == "volume" && (m.nocopy || !m.volume_labels.empty())) {
        json vo = json::object();
        if (m.nocopy) vo["NoCopy"] = true;
        if (!m.volume_labels.empty()) vo["Labels"] = m.volume_labels;
        j["VolumeOptions"] = vo;
    }
    if (m.type == "tmpfs" && !m.tmpfs_options.empty()) {
        json to = json::object();
        for (auto& o : split(m.tmpfs_options, ',')) {
            if (o.rfind("size=", 0) == 0) to["SizeBytes"] = std::stoll(o.substr(5));
            if (o.rfind("mode=", 0) == 0) to["Mode"] = std::stoul(o.substr(5), nullptr, 8);
        }
        j["TmpfsOptions"] = to;
    }
    return j;
}

Result<MountSpec> mount_from_json(const json& j) {
    if (!j.is_object()) return invalid_input("HostConfig.Mounts: entry is not an object");
    MountSpec m;
    m.type = j.value("Type", "");
    m.source = j.value("Source", "");
    std::string target = j.value("Target", "");
    const std::string what = "HostConfig.Mounts " + target;
    if (m.type != "bind" && m.type != "volume" && m.type != "tmpfs")
        return invalid_input(what + ": unsupported Type '" + m.type + "'");
    TRY_ASSIGN(m.target, clean_target(target, what));
    m.readonly = j.value("ReadOnly", false);
    if (auto b = j.find("BindOptions"); b != j.end() && b->is_object())
        m.propagation = b->value("Propagation", "");
    if (auto v = j.find("VolumeOptions"); v != j.end() && v->is_object()) {
        m.nocopy = v->value("NoCopy", false);
        if (v->contains("Labels") && (*v)["Labels"].is_object()) m.volume_labels = (*v)["Labels"];
    }
    if (auto t = j.find("TmpfsOptions"); t != j.end() && t->is_object()) {
        std::vector<std::string> opts;
        if (t->contains("SizeBytes") && (*t)["SizeBytes"].is_number_integer())
            opts.push_back("size=" + std::to_string((*t)["SizeBytes"].get<int64_t>()));
        if (t->contains("Mode") && (*t)["Mode"].is_number_unsigned()) {
            char b[16];
            std::snprintf(b, sizeof b, "mode=%o", (*t)["Mode"].get<unsigned>() & 07777);
            opts.push_back(b);
        }
        for (auto& o : opts) m.tmpfs_options += (m.tmpfs_options.empty() ? "" : ",") + o;
    }
    if (m.type == "volume" && m.source.empty()) m.anonymous = true;
    if (m.type == "volume" && !m.anonymous && !valid_volume_name(m.source))
        return invalid_input(what + ": invalid volume name '" + m.source + "'");
    if (m.type == "bind" && (m.source.empty() || m.source[0] != '/'))
        return invalid_input(what + ": bind Source must be absolute, got '" + m.source + "'");
    return m;
}

Result<std::pair<std::string, std::string>> parse_tmpfs_flag(const std::string& spec) {
    size_t colon = spec.find(':');
    std::string dst = spec.substr(0, colon);
    std::string opts = colon == std::string::npos ? "" : spec.substr(colon + 1);
    TRY_ASSIGN(dst, clean_target(dst, "--tmpfs " + spec));
    for (auto& o : split(opts, ',')) {
        if (o.rfind("size=", 0) == 0) {
            TRY(parse_size_bytes(o.substr(5), "--tmpfs " + spec + ": size"));
        } else if (o.rfind("mode=", 0) == 0) {
            TRY(parse_octal_mode(o.substr(5), "--tmpfs " + spec));
        }
    }
    return std::make_pair(dst, opts);
}

std::vector<std::string> tmpfs_mount_options(const std::string& user_opts) {
    std::vector<std::string> out = {"noexec", "nosuid", "nodev"};
    for (auto& o : split(user_opts, ','))
        if (!o.empty()) out.push_back(o);
    return out;
}

Result<int64_t> parse_size_bytes(const std::string& s, const std::string& what) {
    size_t i = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) i++;
    if (i == 0 || i > 15) return invalid_input(what + ": invalid size '" + s + "'");
    int64_t n = std::stoll(s.substr(0, i));
    std::string unit = s.substr(i);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.size() == 2 && unit[1] == 'b') unit.pop_back();  // "mb" as docker's "m"
    static const std::map<std::string, int> kShift = {{"", 0},   {"b", 0},  {"k", 10},
                                                      {"m", 20}, {"g", 30}, {"t", 40}};
    auto it = kShift.find(unit);
    if (it == kShift.end()) return invalid_input(what + ": invalid size '" + s + "'");
    return n << it->second;
}

Result<json> parse_device_flag(const std::string& spec, bool check_host) {
    const std::string what = "--device " + spec;
    auto f = split(spec, ':');
    auto is_perms = [](const std::string& p) {
        if (p.empty() || p.size() > 3) return false;
        for (char c : p)
            if (c != 'r' && c != 'w' && c != 'm') return false;
        return true;
    };
    std::string host = f[0], ctr, perms = "rwm";
    if (f.size() == 2) {
        if (is_perms(f[1]))
            perms = f[1];
        else
            ctr = f[1];
    } else if (f.size() == 3) {
        ctr = f[1];
        perms = f[2];
        if (!is_perms(perms)) return invalid_input(what + ": invalid device mode: " + perms);
    } else if (f.size() > 3) {
        return invalid_input(what + ": invalid device specification");
    }
    if (host.empty() || host[0] != '/')
        return invalid_input(what + ": device path must be absolute: '" + host + "'");
    if (ctr.empty()) ctr = host;
    TRY_ASSIGN(ctr, clean_target(ctr, what));
    if (check_host) {
        struct stat st;
        if (::stat(host.c_str(), &st) != 0)
            return invalid_input(what +
                                 ": error gathering device information while adding "
                                 "custom device \"" +
                                 host + "\": no such file or directory");
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
            return invalid_input(what + ": \"" + host + "\" is not a device node");
    }
    return json{{"PathOnHost", host}, {"PathInContainer", ctr}, {"CgroupPermissions", perms}};
}

std::string anonymous_volume_name(const std::string& id, const std::string& target) {
    return image::digest_hex(image::sha256_digest("nook-anonymous-volume\n" + id + "\n" + target));
}

Result<std::vector<MountSpec>> collect_mounts(const json& container, const std::string& id) {
    const json config = container.value("Config", json::object());
    const json host = container.value("HostConfig", json::object());
    std::vector<MountSpec> out;
    std::set<std::string> targets;
    auto add = [&](MountSpec m) -> Status {
        if (!targets.insert(m.target).second)
            return invalid_input("Duplicate mount point: " + m.target);
        if (m.type == "volume" && m.anonymous) m.source = anonymous_volume_name(id, m.target);
        out.push_back(std::move(m));
        return {};
    };
    if (auto it = host.find("Mounts"); it != host.end() && it->is_array())
        for (auto& e : *it) {
            TRY_ASSIGN(auto m, mount_from_json(e));
            TRY(add(std::move(m)));
        }
    if (auto it = host.find("Binds"); it != host.end() && it->is_array())
        for (auto& e : *it) {
            if (!e.is_string()) return invalid_input("HostConfig.Binds: entry is not a string");
            TRY_ASSIGN(auto m, parse_volume_flag(e.get<std::string>(), false));
            TRY(std::move(add(std::move(m))).context("HostConfig.Binds"));
        }
    if (auto it = host.find("Tmpfs"); it != host.end() && it->is_object())
        for (auto& [dst, opts] : it->items()) {
            MountSpec m;
            m.type = "tmpfs";
            TRY_ASSIGN(auto parsed,
                       parse_tmpfs_flag(dst + (opts.is_string() && !opts.get<std::string>().empty()
                                                   ? ":" + opts.get<std::string>()
                                                   : "")));
            m.target = parsed.first;
            m.tmpfs_options = parsed.second;
            m.from_tmpfs_flag = true;
            TRY(add(std::move(m)));
        }
    // Config.Volumes (the image's VOLUMEs and -v /dst): anonymous volumes
    // where no other mount is.
    if (auto it = config.find("Volumes"); it != config.end() && it->is_object())
        for (auto& [dst, unused] : it->items()) {
            (void)unused;
            auto t = clean_target(dst, "Config.Volumes");
            if (!t.ok() || targets.count(*t)) continue;
            MountSpec m;
            m.type = "volume";
            m.target = *t;
            m.anonymous = true;
            TRY(add(std::move(m)));
        }
    return out;
}

}  // namespace nook::engine
