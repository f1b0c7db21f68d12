// Parsing and normalising the storage flags of `run`/`create` the way docker
// does, and gathering a container's mounts from its stored config:
//   -v/--volume  SRC:DST[:MODE] or DST     -> HostConfig.Binds / Config.Volumes
//   --mount      type=..,source=..,target=.. -> HostConfig.Mounts
//   --tmpfs      DST[:OPTS]                -> HostConfig.Tmpfs
//   --device     HOST[:CTR][:PERMS]         -> HostConfig.Devices
// Pure logic (only stat for existence checks), so it is unit-tested.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::engine {

// One mount of a container, whatever flag it came from.
struct MountSpec {
    std::string type;    // "bind", "volume" or "tmpfs"
    std::string source;  // host path (bind), volume name (volume; empty = anonymous)
    std::string target;  // absolute path in the container
    bool readonly = false;
    std::string propagation;       // bind only; empty = docker's default rprivate
    bool nocopy = false;           // volume only: no copy-up of the image's content
    bool anonymous = false;        // volume with a generated name
    std::string tmpfs_options;     // tmpfs only: comma-separated mount options
    bool from_tmpfs_flag = false;  // HostConfig.Tmpfs (docker leaves these out of inspect Mounts)
    std::string mode;              // the -v MODE field as given ("ro", "rw,z", ...), for inspect
    nlohmann::json volume_labels = nlohmann::json::object();  // --mount volume-label=
};

// docker's volume name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ .
bool valid_volume_name(const std::string& name);

// -v / --volume and HostConfig.Binds entries. "/dst" alone gives an
// anonymous volume. A bind source must be absolute (relative ones are made
// absolute by the CLI before) and exist when check_source is set.
Result<MountSpec> parse_volume_flag(const std::string& spec, bool check_source);

// --mount's comma-separated key=value list.
Result<MountSpec> parse_mount_flag(const std::string& spec, bool check_source);
// A HostConfig.Mounts entry, docker's shape: {Type, Source, Target,
// ReadOnly, BindOptions{Propagation}, VolumeOptions{NoCopy,Labels},
// TmpfsOptions{SizeBytes,Mode}}.
nlohmann::json mount_to_json(const MountSpec& m);
Result<MountSpec> mount_from_json(const nlohmann::json& j);

// --tmpfs "/dst[:opts]" -> {"/dst", "opts"}.
Result<std::pair<std::string, std::string>> parse_tmpfs_flag(const std::string& spec);
// The mount options of a --tmpfs entry: docker's defaults (noexec, nosuid,
// nodev) followed by the user's, which may override them.
std::vector<std::string> tmpfs_mount_options(const std::string& user_opts);

// --device "/dev/x[:/dev/y][:rwm]" -> {PathOnHost, PathInContainer,
// CgroupPermissions}. The host path must be a character or block device.
Result<nlohmann::json> parse_device_flag(const std::string& spec, bool check_host);

// docker's size strings for tmpfs-size ("64m", "1g", "1024") -> bytes.
Result<int64_t> parse_size_bytes(const std::string& s, const std::string& what);

// Every mount of a container from its stored {"Config","HostConfig"} in
// docker's precedence: Mounts, Binds, Tmpfs, then Config.Volumes targets no
// other mount covers (anonymous volumes). Anonymous volumes get their names
// from anonymous_volume_name(id, target). Fails on duplicate targets.
Result<std::vector<MountSpec>> collect_mounts(const nlohmann::json& container,
                                              const std::string& id);

// The environment variable naming the directory of the nook binary (set by
// the CLI, inherited by the monitor): nook-init is looked up there, then in
// ../libexec/nook/ from it.
inline constexpr const char* kBinDirEnv = "NOOK_BIN_DIR";

// The name of a container's anonymous volume at target: stable for the
// container's life (so it survives restarts), 64 hex like docker's.
std::string anonymous_volume_name(const std::string& id, const std::string& target);

}  // namespace nook::engine
