// A container's docker-shaped config from image config + run flags, and its OCI spec (config.h).
#include "engine/config.h"

#include <cstdlib>
#include <map>
#include <sstream>

#include "engine/runtimes/oci_runtime.h"
#include "engine/spec/spec_parts.h"
#include "oci/default_spec.h"
#include "sys/file.h"

namespace nook::engine {

std::vector<std::string> json_strings(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (auto& v : j)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

namespace {

using json = nlohmann::json;

std::string key_of(const std::string& kv) {
    return kv.substr(0, kv.find('='));
}

// Later entries replace earlier ones with the same key, keeping first positions.
std::vector<std::string> merge_env(std::vector<std::string> base,
                                   const std::vector<std::string>& add) {
    for (const auto& e : add) {
        std::string kv = e;
        if (e.find('=') == std::string::npos) {
            // docker: "-e KEY" takes KEY from the client's environment, if set.
            const char* v = std::getenv(e.c_str());
            if (!v) continue;
            kv = e + "=" + v;
        }
        bool replaced = false;
        for (auto& b : base)
            if (key_of(b) == key_of(kv)) b = kv, replaced = true;
        if (!replaced) base.push_back(kv);
    }
    return base;
}

// Lines of a colon-separated database (passwd, group) as fields.
std::vector<std::vector<std::string>> read_colon_db(const std::string& path) {
    std::vector<std::vector<std::string>> out;
    auto text = sys::read_file(path);
    if (!text.ok()) return out;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::string field;
        std::istringstream ls(line);
        while (std::getline(ls, field, ':')) f.push_back(field);
        if (f.size() >= 3) out.push_back(f);
    }
    return out;
}

std::optional<uint32_t> as_number(const std::string& s) {
    if (s.empty() || s.size() > 10) return std::nullopt;
    for (char c : s)
        if (c < '0' || c > '9') return std::nullopt;
    unsigned long v = std::strtoul(s.c_str(), nullptr, 10);
    if (v > 0xffffffffUL) return std::nullopt;
    return static_cast<uint32_t>(v);
}

}  // namespace

const std::vector<std::string>& default_capabilities() {
    static const std::vector<std::string> caps = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
        "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
        "CAP_KILL",    "CAP_AUDIT_WRITE"};
    return caps;
}

Result<json> make_config(const RunRequest& req, const image::ImageConfig& img,
                         const std::string& id) {
    json ic = img.raw.contains("config") && img.raw["config"].is_object() ? img.raw["config"]
                                                                          : json::object();
    std::vector<std::string> entrypoint = json_strings(ic.value("Entrypoint", json()));
    std::vector<std::string> cmd = json_strings(ic.value("Cmd", json()));
    if (req.entrypoint) {
        // docker: a new entrypoint drops the image's Cmd too.
        entrypoint = req.entrypoint->empty() ? std::vector<std::string>{}
                                             : std::vector<std::string>{*req.entrypoint};
        cmd.clear();
    }
    if (!req.cmd.empty()) cmd = req.cmd;
    if (entrypoint.empty() && cmd.empty())
        return invalid_input("no command specified for image \"" + req.image + "\"");

    std::vector<std::string> env = json_strings(ic.value("Env", json()));
    bool has_path = false;
    for (auto& e : env) has_path |= key_of(e) == "PATH";
    if (!has_path)
        env.insert(env.begin(),
                   "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env = merge_env(env, req.env);

    json c;
    c["Hostname"] = req.hostname.empty() ? id.substr(0, 12) : req.hostname;
    // docker: a container on the host's network (or UTS namespace) shows
    // the host's name.
    if (req.hostname.empty() && (req.host_config.value("NetworkMode", "") == "host" ||
                                 req.host_config.value("UTSMode", "") == "host")) {
        auto h = sys::read_file("/proc/sys/kernel/hostname");
        if (h.ok()) c["Hostname"] = h->substr(0, h->find('\n'));
    }
    c["Domainname"] = "";
    c["User"] = req.user.empty() ? ic.value("User", "") : req.user;
    c["AttachStdin"] = req.interactive;
    c["Tty"] = req.tty;
    c["OpenStdin"] = req.interactive;
    c["Env"] = env;
    c["Cmd"] = cmd.empty() ? json() : json(cmd);
    c["Image"] = req.image;
    c["WorkingDir"] = req.workdir.empty() ? ic.value("WorkingDir", "") : req.workdir;
    c["Entrypoint"] = entrypoint.empty() ? json() : json(entrypoint);
    c["Labels"] = ic.contains("Labels") && ic["Labels"].is_object() ? ic["Labels"] : json::object();
    if (ic.contains("StopSignal")) c["StopSignal"] = ic["StopSignal"];
    // Recorded as docker does; nothing acts on them yet.
    for (const char* k : {"Volumes", "ExposedPorts"})
        if (ic.contains(k) && ic[k].is_object()) c[k] = ic[k];
    json host;
    host["AutoRemove"] = req.auto_remove;
    host["NetworkMode"] = "none";
    host["ShmSize"] = int64_t{64} * 1024 * 1024;  // docker's default /dev/shm
    host["Runtime"] = kBuiltinRuntime;
    // A deep merge: image Labels and flag Labels combine, as docker's.
    c.merge_patch(req.config_extra);
    host.merge_patch(req.host_config);
    return json{{"Config", c}, {"HostConfig", host}};
}

std::vector<std::string> command_of(const json& config) {
    auto out = json_strings(config.value("Entrypoint", json()));
    for (auto& s : json_strings(config.value("Cmd", json()))) out.push_back(s);
    return out;
}

Result<oci::User> resolve_user(const std::string& spec, const std::string& rootfs) {
    oci::User u;
    if (spec.empty()) return u;
    std::string user = spec.substr(0, spec.find(':'));
    std::string group = spec.find(':') == std::string::npos ? "" : spec.substr(spec.find(':') + 1);
    auto passwd = read_colon_db(rootfs + "/etc/passwd");
    bool gid_set = false;
    if (auto n = as_number(user)) {
        u.uid = *n;
        for (auto& f : passwd)
            if (f[2] == user && f.size() >= 4 && as_number(f[3])) {
                u.gid = *as_number(f[3]);
                gid_set = true;
            }
    } else {
        bool found = false;
        for (auto& f : passwd)
            if (f[0] == user && as_number(f[2]) && f.size() >= 4 && as_number(f[3])) {
                u.uid = *as_number(f[2]);
                u.gid = *as_number(f[3]);
                found = gid_set = true;
                break;
            }
        if (!found)
            return invalid_input("unable to find user " + user +
                                 ": no matching entries in passwd file");
    }
    if (!group.empty()) {
        TRY_ASSIGN(u.gid, resolve_group(group, rootfs));
    } else if (!gid_set) {
        u.gid = 0;
    }
    return u;
}

Result<uint32_t> resolve_group(const std::string& group, const std::string& rootfs) {
    if (auto n = as_number(group)) return *n;
    for (auto& f : read_colon_db(rootfs + "/etc/group"))
        if (f[0] == group && as_number(f[2])) return *as_number(f[2]);
    return invalid_input("unable to find group " + group + ": no matching entries in group file");
}

Result<oci::Spec> build_spec(const json& container, const std::string& id, const Paths& paths,
                             int network_peer_pid) {
    const json& c = container.at("Config");
    const json host = container.value("HostConfig", json::object());
    const std::string bundle = paths.bundle(id);
    oci::Spec s = oci::default_spec(false);
    s.root = oci::Root{bundle + "/rootfs", false};
    s.hostname = c.value("Hostname", id.substr(0, 12));

    oci::Process& p = *s.process;
    p.terminal = c.value("Tty", false);
    p.args = command_of(c);
    if (p.args.empty()) return invalid_input("container " + id + " has no command");
    p.env = json_strings(c.value("Env", json()));
    if (p.terminal) p.env.push_back("TERM=xterm");
    p.env.push_back("HOSTNAME=" + s.hostname);
    p.cwd = c.value("WorkingDir", "");
    if (p.cwd.empty()) p.cwd.push_back('/');  // (= "/" trips GCC 12 -Wrestrict)
    TRY_ASSIGN(p.user, resolve_user(c.value("User", ""), bundle + "/rootfs"));
    p.no_new_privileges = false;  // docker's default
    oci::Capabilities caps;
    caps.bounding = caps.effective = caps.permitted = default_capabilities();
    p.capabilities = caps;

    oci::Linux& l = *s.linux_;
    // Left empty: the runtime's default is the same /nook/<id>, and only for
    // the default does it remove the shared /nook parent with its last container.
    l.cgroups_path.clear();
    // docker's masked list adds these to runc's.
    for (const char* m : {"/sys/devices/virtual/powercap"}) l.masked_paths.push_back(m);
    const SpecInput in{c, host, paths, id, network_peer_pid};
    TRY(apply_limits(in, s));
    TRY(apply_security(in, s));
    TRY(apply_network(in, s));
    TRY(apply_storage(in, s));
    return s;
}

}  // namespace nook::engine
