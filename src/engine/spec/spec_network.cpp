// HostConfig networking -> the network namespace (none: our own, host: the
// host's, container:ID: another container's) plus --ipc/--pid/--uts host,
// and the /etc files docker provides: hostname, hosts and resolv.conf,
// bind-mounted from the bundle.
#include <sstream>

#include "engine/spec/spec_parts.h"
#include "sys/file.h"

namespace nook::engine {

namespace {

using json = nlohmann::json;

void drop_namespace(oci::Spec& s, const std::string& type) {
    std::erase_if(s.linux_->namespaces, [&](const oci::Namespace& n) { return n.type == type; });
}

// The hosts file: the host's own for --network host (docker copies it),
// else localhost entries; then --add-host entries.
std::string hosts_file(const json& h) {
    std::string out;
    if (h.value("NetworkMode", "none") == "host") {
        auto host = sys::read_file("/etc/hosts");
        out = host.ok() ? *host : "";
        if (!out.empty() && out.back() != '\n') out += '\n';
    } else {
        out =
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
            "ff02::2\tip6-allrouters\n";
    }
    for (const auto& e : json_strings(h.value("ExtraHosts", json()))) {
        auto sep = e.find(':');
        if (sep == std::string::npos) continue;
        out += e.substr(sep + 1) + "\t" + e.substr(0, sep) + "\n";
    }
    return out;
}

// The host's resolv.conf with --dns, --dns-search and --dns-option replacing
// its nameserver, search/domain and options lines.
std::string resolv_file(const json& h) {
    auto host = sys::read_file("/etc/resolv.conf");
    auto dns = json_strings(h.value("Dns", json()));
    auto search = json_strings(h.value("DnsSearch", json()));
    auto options = json_strings(h.value("DnsOptions", json()));
    std::string out;
    std::istringstream in(host.ok() ? *host : "");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        if (!dns.empty() && key == "nameserver") continue;
        if (!search.empty() && (key == "search" || key == "domain")) continue;
        if (!options.empty() && key == "options") continue;
        out += line + "\n";
    }
    for (const auto& d : dns) out += "nameserver " + d + "\n";
    auto joined = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += " " + x;
        return s;
    };
    if (!search.empty()) out += "search" + joined(search) + "\n";
    if (!options.empty()) out += "options" + joined(options) + "\n";
    return out;
}

}  // namespace

Status apply_network(const SpecInput& in, oci::Spec& s) {
    const json& h = in.host;
    const std::string mode = h.value("NetworkMode", "none");
    if (mode == "host") {
        drop_namespace(s, "network");
    } else if (mode.rfind("container:", 0) == 0) {
        if (in.network_peer_pid <= 0)
            return invalid_input("HostConfig.NetworkMode " + mode +
                                 ": cannot join the network of a container that is not running");
        drop_namespace(s, "network");
        s.linux_->namespaces.push_back(
            {"network", "/proc/" + std::to_string(in.network_peer_pid) + "/ns/net"});
    } else if (mode != "none") {
        return invalid_input("HostConfig.NetworkMode \"" + mode + "\": networking (" + mode +
                             ") is not supported yet: use --network none or host");
    }
    if (h.value("IpcMode", "") == "host") {
        drop_namespace(s, "ipc");
        // The host's /dev/mqueue belongs to the host's IPC namespace only.
        std::erase_if(s.mounts, [](const oci::Mount& m) { return m.destination == "/dev/mqueue"; });
    }
    if (h.value("PidMode", "") == "host") drop_namespace(s, "pid");
    if (h.value("UTSMode", "") == "host") {
        drop_namespace(s, "uts");
        s.hostname.clear();  // the runtime may set a hostname only in its own UTS namespace
    }
    for (const char* f : {"hostname", "hosts", "resolv.conf"}) {
        oci::Mount m;
        m.destination = std::string("/etc/") + f;
        m.type = "bind";
        m.source = in.bundle() + "/" + f;
        m.options = {"rbind", "rprivate"};
        s.mounts.push_back(m);
    }
    return {};
}

Status write_etc_files(const SpecInput& in, const oci::Spec& spec) {
    const std::string bundle = in.bundle();
    std::string hostname = spec.hostname;
    if (hostname.empty()) hostname = in.config.value("Hostname", "");
    TRY(sys::write_file_atomic(bundle + "/hostname", hostname + "\n"));
    TRY(sys::write_file_atomic(bundle + "/hosts", hosts_file(in.host)));
    TRY(sys::write_file_atomic(bundle + "/resolv.conf", resolv_file(in.host)));
    return {};
}

}  // namespace nook::engine
