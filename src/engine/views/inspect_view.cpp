// docker's inspect shapes and their template view (inspect_view.h).
#include "engine/views/inspect_view.h"

#include <string>

#include "image/store.h"
#include "oci/default_spec.h"

namespace nook::engine {

using json = nlohmann::json;

namespace {

// Keys of `from` missing in `into` are copied; nested objects are filled the
// same way (a stored {"LogConfig": {"Type": ...}} keeps its Type, gains Config).
void fill(json& into, const json& from) {
    for (auto it = from.begin(); it != from.end(); ++it) {
        auto have = into.find(it.key());
        if (have == into.end())
            into[it.key()] = it.value();
        else if (have->is_object() && it.value().is_object())
            fill(*have, it.value());
    }
}

json default_masked_paths(bool privileged) {
    if (privileged) return json::array();
    // The list build_spec gives the runtime: runc's defaults plus docker's addition.
    auto s = oci::default_spec(false);
    json m = s.linux_ ? json(s.linux_->masked_paths) : json::array();
    m.push_back("/sys/devices/virtual/powercap");
    return m;
}

json default_readonly_paths(bool privileged) {
    if (privileged) return json::array();
    auto s = oci::default_spec(false);
    return s.linux_ ? json(s.linux_->readonly_paths) : json::array();
}

}  // namespace

json complete_host_config(const json& stored) {
    const bool privileged = stored.value("Privileged", false);
    // docker's HostConfig (api/types/container.HostConfig with Resources
    // embedded), in its order, each with the value docker shows for a
    // container created without the flag.
    json d = json::object();
    d["Binds"] = nullptr;
    d["ContainerIDFile"] = "";
    d["LogConfig"] = {{"Type", "json-file"}, {"Config", json::object()}};
    d["NetworkMode"] = "none";
    d["PortBindings"] = json::object();
    d["RestartPolicy"] = {{"Name", "no"}, {"MaximumRetryCount", 0}};
    d["AutoRemove"] = false;
    d["VolumeDriver"] = "";
    d["VolumesFrom"] = nullptr;
    d["ConsoleSize"] = {0, 0};
    d["CapAdd"] = nullptr;
    d["CapDrop"] = nullptr;
    // nook gives a container no cgroup namespace of its own.
    d["CgroupnsMode"] = "host";
    d["Dns"] = json::array();
    d["DnsOptions"] = json::array();
    d["DnsSearch"] = json::array();
    d["ExtraHosts"] = nullptr;
    d["GroupAdd"] = nullptr;
    d["IpcMode"] = "private";
    d["Cgroup"] = "";
    d["Links"] = nullptr;
    d["OomScoreAdj"] = 0;
    d["PidMode"] = "";
    d["Privileged"] = false;
    d["PublishAllPorts"] = false;
    d["ReadonlyRootfs"] = false;
    d["SecurityOpt"] = nullptr;
    d["UTSMode"] = "";
    d["UsernsMode"] = "";
    d["ShmSize"] = int64_t{64} * 1024 * 1024;
    d["Runtime"] = "nook";
    d["Isolation"] = "";
    // Resources
    d["CpuShares"] = 0;
    d["Memory"] = 0;
    d["NanoCpus"] = 0;
    d["CgroupParent"] = "";
    d["BlkioWeight"] = 0;
    d["BlkioWeightDevice"] = json::array();
    d["BlkioDeviceReadBps"] = json::array();
    d["BlkioDeviceWriteBps"] = json::array();
    d["BlkioDeviceReadIOps"] = json::array();
    d["BlkioDeviceWriteIOps"] = json::array();
    d["CpuPeriod"] = 0;
    d["CpuQuota"] = 0;
    d["CpuRealtimePeriod"] = 0;
    d["CpuRealtimeRuntime"] = 0;
    d["CpusetCpus"] = "";
    d["CpusetMems"] = "";
    d["Devices"] = json::array();
    d["DeviceCgroupRules"] = nullptr;
    d["DeviceRequests"] = nullptr;
    d["MemoryReservation"] = 0;
    d["MemorySwap"] = 0;
    d["MemorySwappiness"] = nullptr;
    d["OomKillDisable"] = false;
    d["PidsLimit"] = nullptr;
    d["Ulimits"] = json::array();
    d["CpuCount"] = 0;
    d["CpuPercent"] = 0;
    d["IOMaximumIOps"] = 0;
    d["IOMaximumBandwidth"] = 0;
    d["MaskedPaths"] = default_masked_paths(privileged);
    d["ReadonlyPaths"] = default_readonly_paths(privileged);
    json h = stored.is_object() ? stored : json::object();
    fill(h, d);
    return h;
}

json complete_container_config(const json& stored) {
    json d = {{"Hostname", ""},       {"Domainname", ""},        {"User", ""},
              {"AttachStdin", false}, {"AttachStdout", false},   {"AttachStderr", false},
              {"Tty", false},         {"OpenStdin", false},      {"StdinOnce", false},
              {"Env", nullptr},       {"Cmd", nullptr},          {"Image", ""},
              {"Volumes", nullptr},   {"WorkingDir", ""},        {"Entrypoint", nullptr},
              {"OnBuild", nullptr},   {"Labels", json::object()}};
    json c = stored.is_object() ? stored : json::object();
    fill(c, d);
    return c;
}

json network_settings(const std::string& network_mode, int pid) {
    json networks = json::object();
    const std::string mode = network_mode.empty() ? "none" : network_mode;
    if (mode == "none" || mode == "host")
        // docker's EndpointSettings; nook has no network objects yet, so no ids.
        networks[mode] = {
            {"IPAMConfig", nullptr},   {"Links", nullptr},         {"Aliases", nullptr},
            {"MacAddress", ""},        {"DriverOpts", nullptr},    {"GwPriority", 0},
            {"NetworkID", ""},         {"EndpointID", ""},         {"Gateway", ""},
            {"IPAddress", ""},         {"IPPrefixLen", 0},         {"IPv6Gateway", ""},
            {"GlobalIPv6Address", ""}, {"GlobalIPv6PrefixLen", 0}, {"DNSNames", nullptr}};
    return {{"Bridge", ""},
            {"SandboxID", ""},
            {"SandboxKey", pid > 0 ? "/proc/" + std::to_string(pid) + "/ns/net" : ""},
            {"Ports", json::object()},
            {"HairpinMode", false},
            {"LinkLocalIPv6Address", ""},
            {"LinkLocalIPv6PrefixLen", 0},
            {"SecondaryIPAddresses", nullptr},
            {"SecondaryIPv6Addresses", nullptr},
            {"EndpointID", ""},
            {"Gateway", ""},
            {"GlobalIPv6Address", ""},
            {"GlobalIPv6PrefixLen", 0},
            {"IPAddress", ""},
            {"IPPrefixLen", 0},
            {"IPv6Gateway", ""},
            {"MacAddress", ""},
            {"Networks", networks}};
}

json graph_driver(const std::vector<std::string>& lowers, const std::string& upper,
                  const std::string& merged, const std::string& work) {
    json data = {{"MergedDir", merged}, {"UpperDir", upper}, {"WorkDir", work}};
    std::string lower;
    for (auto& l : lowers) lower += (lower.empty() ? "" : ":") + l;
    if (!lower.empty()) data["LowerDir"] = lower;  // docker: none for a one-layer image
    return {{"Name", "overlay2"}, {"Data", data}};
}

json container_graph_driver(const Paths& paths, const ContainerRow& row) {
    std::vector<std::string> lowers;
    std::string cdir;
    if (auto store = image::Store::open(paths.root); store.ok()) {
        cdir = store->dir() + "/containers/" + row.id;
        if (auto rec = store->resolve(row.image_id); rec.ok())
            for (auto it = rec->layers.rbegin(); it != rec->layers.rend(); ++it)
                lowers.push_back(store->snapshot_path(it->diff_id));
    }
    json g = graph_driver({}, cdir + "/upper", paths.rootfs(row.id), cdir + "/work");
    std::string lower;
    for (auto& l : lowers) lower += (lower.empty() ? "" : ":") + l;
    g["Data"]["LowerDir"] = lower;  // a container always has one, as docker's init layer
    g["Data"]["ID"] = row.id;
    return g;
}

json complete_image_inspect(const json& j, const image::Store& store,
                            const image::ImageRecord& rec) {
    json v = j;
    std::vector<std::string> lowers;
    std::string upper;
    for (auto it = rec.layers.rbegin(); it != rec.layers.rend(); ++it) {
        if (upper.empty())
            upper = store.snapshot_path(it->diff_id);
        else
            lowers.push_back(store.snapshot_path(it->diff_id));
    }
    // An image is never mounted by itself in nook: no merged or work dir.
    fill(v, {{"DockerVersion", ""}, {"GraphDriver", graph_driver(lowers, upper, "", "")}});
    return v;
}

json container_template_view(const json& inspect) {
    json v = inspect;
    // Go types' fields that docker's JSON leaves out when empty: nil pointers
    // print <no value>, the others their zero value.
    fill(v, {{"Node", nullptr},
             {"SizeRw", nullptr},
             {"SizeRootFs", nullptr},
             {"ImageManifestDescriptor", nullptr},
             {"State", {{"Health", nullptr}}}});
    if (v.contains("Config") && v["Config"].is_object())
        fill(v["Config"], {{"ExposedPorts", json::object()},
                           {"Healthcheck", nullptr},
                           {"ArgsEscaped", false},
                           {"NetworkDisabled", false},
                           {"MacAddress", ""},
                           {"StopSignal", ""},
                           {"StopTimeout", nullptr},
                           {"Shell", json::array()}});
    if (v.contains("HostConfig") && v["HostConfig"].is_object())
        fill(v["HostConfig"], {{"Annotations", json::object()},
                               {"StorageOpt", json::object()},
                               {"Tmpfs", json::object()},
                               {"Sysctls", json::object()},
                               {"Mounts", json::array()},
                               {"KernelMemoryTCP", 0},
                               {"Init", nullptr}});
    return v;
}

json image_template_view(const json& inspect) {
    json v = inspect;
    fill(v, {{"Variant", ""},
             {"OsVersion", ""},
             {"DockerVersion", ""},
             {"Descriptor", nullptr},
             {"Manifests", json::array()},
             {"Container", ""},
             {"ContainerConfig", nullptr}});
    if (v.contains("Config") && v["Config"].is_object())
        fill(v["Config"], {{"User", ""},
                           {"ExposedPorts", json::object()},
                           {"Env", json::array()},
                           {"Entrypoint", json::array()},
                           {"Cmd", json::array()},
                           {"Volumes", json::object()},
                           {"WorkingDir", ""},
                           {"Labels", json::object()},
                           {"StopSignal", ""},
                           {"ArgsEscaped", false},
                           {"Healthcheck", nullptr},
                           {"OnBuild", json::array()},
                           {"Shell", json::array()}});
    return v;
}

}  // namespace nook::engine
