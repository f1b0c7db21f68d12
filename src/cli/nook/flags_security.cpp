// run/create flags, limits group, security part (flags_limits_parts.h):
// --cap-add, --cap-drop, --privileged, --security-opt, --userns ->
// HostConfig CapAdd, CapDrop, Privileged, SecurityOpt, UsernsMode.
#include "cli/nook/flags_limits_parts.h"
#include "engine/spec/host_options.h"
#include "engine/spec/seccomp_default.h"
#include "engine/spec/userns.h"
#include "sys/file.h"

namespace nook::cli {

namespace {

using json = nlohmann::json;

// "key=value" or docker's older "key:value".
std::pair<std::string, std::string> split_opt(const std::string& s) {
    auto sep = s.find_first_of("=:");
    if (sep == std::string::npos) return {s, ""};
    return {s.substr(0, sep), s.substr(sep + 1)};
}

class SecurityFlags : public FlagGroup {
  public:
    explicit SecurityFlags(CLI::App& cmd) {
        cmd.add_option("--cap-add", cap_add_, "Add Linux capabilities (NAME, CAP_NAME or ALL)")
            ->allow_extra_args(false);
        cmd.add_option("--cap-drop", cap_drop_, "Drop Linux capabilities (NAME, CAP_NAME or ALL)")
            ->allow_extra_args(false);
        cmd.add_flag("--privileged", privileged_, "Give extended privileges to this container");
        cmd.add_option("--security-opt", security_opts_,
                       "Security options: seccomp=PROFILE.json|unconfined, "
                       "no-new-privileges[:true|false], label=disable, apparmor=unconfined")
            ->allow_extra_args(false);
        cmd.add_option("--userns", userns_,
                       "User namespace: host (default), or auto[:size=N] (a private range of "
                       "host ids)");
    }

    Status apply(engine::RunRequest& req) override {
        json& h = req.host_config;
        TRY(caps("--cap-add", cap_add_, h, "CapAdd"));
        TRY(caps("--cap-drop", cap_drop_, h, "CapDrop"));
        if (privileged_) h["Privileged"] = true;
        json stored = json::array();
        for (const auto& o : security_opts_) {
            auto [key, value] = split_opt(o);
            if (key == "seccomp") {
                if (value.empty())
                    return bad_flag("--security-opt", o, invalid_input("missing profile"));
                if (value == "unconfined") {
                    stored.push_back("seccomp=unconfined");
                    continue;
                }
                // As docker's CLI: the profile's content is stored, not its path.
                auto text = sys::read_file(value);
                if (!text.ok())
                    return bad_flag("--security-opt", o,
                                    Error(text.error().code(), text.error().what()));
                auto profile = json::parse(*text, nullptr, false);
                if (profile.is_discarded() || !profile.is_object())
                    return bad_flag(
                        "--security-opt", o,
                        invalid_input("seccomp profile " + value + " is not a JSON object"));
                auto conv = engine::seccomp_from_profile(profile, engine::default_capabilities());
                if (!conv.ok())
                    return bad_flag(
                        "--security-opt", o,
                        invalid_input("seccomp profile " + value + ": " + conv.error().message()));
                stored.push_back("seccomp=" + profile.dump());
            } else if (key == "no-new-privileges") {
                if (value != "" && value != "true" && value != "false")
                    return bad_flag("--security-opt", o,
                                    invalid_input("no-new-privileges takes true or false"));
                stored.push_back(value == "false" ? "no-new-privileges=false"
                                                  : "no-new-privileges=true");
            } else if (key == "label") {
                if (value != "disable")
                    return bad_flag("--security-opt", o,
                                    invalid_input("SELinux labels are not supported on this host "
                                                  "(only label=disable)"));
                stored.push_back("label=disable");
            } else if (key == "apparmor") {
                if (value != "unconfined")
                    return bad_flag("--security-opt", o,
                                    invalid_input("AppArmor profiles are not supported on this "
                                                  "host (only apparmor=unconfined)"));
                stored.push_back("apparmor=unconfined");
            } else {
                return bad_flag("--security-opt", o, invalid_input("unknown security option"));
            }
        }
        if (!stored.empty()) h["SecurityOpt"] = stored;
        TRY(engine::parse_userns_mode(userns_));
        if (!userns_.empty()) h["UsernsMode"] = userns_;
        return {};
    }

  private:
    static Status caps(const std::string& flag, const std::vector<std::string>& in, json& h,
                       const char* field) {
        if (in.empty()) return {};
        json out = json::array();
        for (const auto& c : in) {
            auto n = engine::opts::normalize_capability(c);
            if (!n.ok()) return bad_flag(flag, c, n.error());
            out.push_back(*n);
        }
        h[field] = out;
        return {};
    }

    std::vector<std::string> cap_add_, cap_drop_, security_opts_;
    bool privileged_ = false;
    std::string userns_;
};

}  // namespace

std::unique_ptr<FlagGroup> add_security_part(CLI::App& cmd) {
    return std::make_unique<SecurityFlags>(cmd);
}

}  // namespace nook::cli
