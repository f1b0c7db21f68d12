// run/create flags: storage group (see create_flags.h): -v, --mount, --tmpfs,
// --read-only, --device, --init -> HostConfig.Binds, Mounts, Tmpfs,
// ReadonlyRootfs, Devices, Init and Config.Volumes (anonymous -v /dst), in
// docker's shapes. Parsing lives in engine/volumes/volume_spec.h; the mounts are
// made at start by engine/spec/spec_storage.cpp.
#include <stdlib.h>

#include <filesystem>

#include "cli/nook/create_flags.h"
#include "engine/volumes/volume_spec.h"

namespace nook::cli {

namespace {

using json = nlohmann::json;

// docker's CLI turns a relative bind source ("./data", "../x", ".") into an
// absolute one; anything else without a leading "/" is a volume name.
std::string absolutize_source(const std::string& spec) {
    if (spec.empty() || spec[0] != '.') return spec;
    size_t colon = spec.find(':');
    if (colon == std::string::npos) return spec;
    std::error_code ec;
    auto abs = std::filesystem::absolute(spec.substr(0, colon), ec).lexically_normal().string();
    if (ec) return spec;
    if (abs.size() > 1 && abs.back() == '/') abs.pop_back();
    return abs + spec.substr(colon);
}

class StorageFlags : public FlagGroup {
  public:
    explicit StorageFlags(CLI::App& cmd) {
        // One value per occurrence: a vector option would otherwise swallow IMAGE.
        cmd.add_option("-v,--volume", volumes_, "Bind mount a volume (SRC:DST[:ro], NAME:DST, DST)")
            ->allow_extra_args(false);
        cmd.add_option("--mount", mounts_, "Attach a filesystem mount to the container")
            ->allow_extra_args(false);
        cmd.add_option("--tmpfs", tmpfs_, "Mount a tmpfs directory (DST[:OPTIONS])")
            ->allow_extra_args(false);
        cmd.add_flag("--read-only", read_only_,
                     "Mount the container's root filesystem as read only");
        cmd.add_option("--device", devices_, "Add a host device to the container")
            ->allow_extra_args(false);
        cmd.add_flag("--init", init_,
                     "Run an init inside the container that forwards signals "
                     "and reaps processes");
    }

    Status apply(engine::RunRequest& req) override {
        json& host = req.host_config;
        for (auto& raw : volumes_) {
            std::string spec = absolutize_source(raw);
            TRY_ASSIGN(auto m, engine::parse_volume_flag(spec, true));
            if (m.anonymous) {
                // docker: "-v /dst" is an anonymous volume, kept as Config.Volumes.
                req.config_extra["Volumes"][m.target] = json::object();
            } else {
                host["Binds"].push_back(spec);
            }
        }
        for (auto& spec : mounts_) {
            TRY_ASSIGN(auto m, engine::parse_mount_flag(spec, true));
            host["Mounts"].push_back(engine::mount_to_json(m));
        }
        for (auto& spec : tmpfs_) {
            TRY_ASSIGN(auto t, engine::parse_tmpfs_flag(spec));
            host["Tmpfs"][t.first] = t.second;
        }
        for (auto& spec : devices_) {
            TRY_ASSIGN(auto d, engine::parse_device_flag(spec, true));
            host["Devices"].push_back(d);
        }
        host["ReadonlyRootfs"] = read_only_;
        if (init_) host["Init"] = true;
        // Two mounts on one target: docker's "Duplicate mount point" at create.
        json probe = {{"Config", req.config_extra}, {"HostConfig", host}};
        TRY(engine::collect_mounts(probe, "probe"));
        return {};
    }

  private:
    std::vector<std::string> volumes_, mounts_, tmpfs_, devices_;
    bool read_only_ = false;
    bool init_ = false;
};

}  // namespace

std::unique_ptr<FlagGroup> add_storage_flags(CLI::App& cmd) {
    return std::make_unique<StorageFlags>(cmd);
}

}  // namespace nook::cli
