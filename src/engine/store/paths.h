// Where the engine keeps things. Persistent data under --root:
//   <root>/engine/containers.db         metadata (SQLite, WAL)
//   <root>/containers/<id>/<id>-json.log  docker json-file log
// Volatile data under --runroot (a tmpfs: gone after reboot, as the
// containers are):
//   <runroot>/runtime/                  the built-in runtime's StateStore
//   <runroot>/runtimes/<name>/          an external runtime's --root
//   <runroot>/containers/<id>/          bundle: config.json, rootfs (overlay
//                                       mount point), hostname, hosts, resolv.conf
#pragma once

#include <string>

namespace nook::engine {

struct Paths {
    std::string root;
    std::string runroot;

    std::string db() const { return root + "/engine/containers.db"; }
    std::string data_dir(const std::string& id) const { return root + "/containers/" + id; }
    std::string log(const std::string& id) const { return data_dir(id) + "/" + id + "-json.log"; }
    std::string runtime_root() const { return runroot + "/runtime"; }
    std::string external_runtime_root(const std::string& name) const {
        return runroot + "/runtimes/" + name;
    }
    std::string bundle(const std::string& id) const { return runroot + "/containers/" + id; }
    std::string rootfs(const std::string& id) const { return bundle(id) + "/rootfs"; }
};

}  // namespace nook::engine
