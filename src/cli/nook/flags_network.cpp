// run/create flags, limits group, network part (flags_limits_parts.h):
// --network none|host|container:NAME, --add-host, --dns, --dns-search,
// --dns-option, --ipc/--pid/--uts host -> HostConfig NetworkMode,
// ExtraHosts, Dns, DnsSearch, DnsOptions, IpcMode, PidMode, UTSMode.
#include "cli/nook/flags_limits_parts.h"
#include "engine/spec/host_options.h"

namespace nook::cli {

namespace {

using json = nlohmann::json;

class NetworkFlags : public FlagGroup {
  public:
    explicit NetworkFlags(CLI::App& cmd) {
        cmd.add_option("--network,--net", network_,
                       "Network mode: none (default), host or container:NAME");
        cmd.add_option("--add-host", add_host_, "Add a custom host-to-IP mapping (host:ip)")
            ->allow_extra_args(false);
        cmd.add_option("--dns", dns_, "Set custom DNS servers")->allow_extra_args(false);
        cmd.add_option("--dns-search", dns_search_, "Set custom DNS search domains")
            ->allow_extra_args(false);
        cmd.add_option("--dns-option,--dns-opt", dns_options_, "Set DNS options")
            ->allow_extra_args(false);
        cmd.add_option("--ipc", ipc_, "IPC mode: private (default), shareable or host");
        cmd.add_option("--pid", pid_, "PID namespace: private (default) or host");
        cmd.add_option("--uts", uts_, "UTS namespace: private (default) or host");
    }

    Status apply(engine::RunRequest& req) override {
        json& h = req.host_config;
        if (!network_.empty()) {
            if (network_ == "none" || network_ == "host") {
                h["NetworkMode"] = network_;
            } else if (network_.rfind("container:", 0) == 0 && network_.size() > 10) {
                // The engine resolves NAME to an id at create.
                h["NetworkMode"] = network_;
            } else {
                return invalid_input("networking (" + network_ +
                                     ") is not supported yet: use --network none or host");
            }
        }
        if (!add_host_.empty()) {
            json hosts = json::array();
            for (const auto& e : add_host_) {
                // docker accepts host:ip and host=ip; an IPv6 address has colons itself.
                auto sep = e.find('=');
                if (sep == std::string::npos) sep = e.find(':');
                if (sep == std::string::npos || sep == 0)
                    return bad_flag("--add-host", e, invalid_input("bad format for add-host"));
                std::string ip = e.substr(sep + 1);
                if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']')
                    ip = ip.substr(1, ip.size() - 2);
                if (ip == "host-gateway")
                    return bad_flag("--add-host", e,
                                    invalid_input("host-gateway needs bridge networking, which "
                                                  "is not supported yet"));
                if (!engine::opts::is_ip(ip))
                    return bad_flag(
                        "--add-host", e,
                        invalid_input("invalid IP address in add-host: \"" + ip + "\""));
                hosts.push_back(e.substr(0, sep) + ":" + ip);
            }
            h["ExtraHosts"] = hosts;
        }
        for (const auto& d : dns_)
            if (!engine::opts::is_ip(d))
                return bad_flag("--dns", d, invalid_input(d + " is not an ip address"));
        if (!dns_.empty()) h["Dns"] = dns_;
        if (!dns_search_.empty()) h["DnsSearch"] = dns_search_;
        if (!dns_options_.empty()) h["DnsOptions"] = dns_options_;
        TRY(mode("--ipc", ipc_, {"host", "private", "shareable", "none"}, h, "IpcMode"));
        TRY(mode("--pid", pid_, {"host", "private"}, h, "PidMode"));
        TRY(mode("--uts", uts_, {"host", "private"}, h, "UTSMode"));
        if (uts_ == "host" && !req.hostname.empty())
            return invalid_input("conflicting options: --hostname " + req.hostname +
                                 " and --uts host");
        return {};
    }

  private:
    static Status mode(const std::string& flag, const std::string& v,
                       const std::vector<std::string>& allowed, json& h, const char* field) {
        if (v.empty()) return {};
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
            return bad_flag(flag, v, invalid_input("not supported (use one of: host, private)"));
        h[field] = v;
        return {};
    }

    std::string network_, ipc_, pid_, uts_;
    std::vector<std::string> add_host_, dns_, dns_search_, dns_options_;
};

}  // namespace

std::unique_ptr<FlagGroup> add_network_part(CLI::App& cmd) {
    return std::make_unique<NetworkFlags>(cmd);
}

}  // namespace nook::cli
