// Container metadata in SQLite (<root>/engine/containers.db). WAL mode and a
// busy timeout let many `nook` processes and monitors use it at once; each
// statement is its own transaction, and name uniqueness is the database's
// UNIQUE constraint, so two concurrent `run --name x` cannot both win.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::engine {

struct ContainerRow {
    std::string id;
    std::string name;      // without docker's leading "/"
    std::string image;     // as the user named it
    std::string image_id;  // sha256:...
    std::string config;    // docker-shaped Config JSON (see config.h)
    std::string created;
    std::string status = "created";  // created, running, exited, removing
    int pid = 0;
    int monitor_pid = 0;
    uint64_t monitor_start = 0;  // start time of monitor_pid (pid reuse check)
    int exit_code = 0;
    std::string started_at;
    std::string finished_at;
    bool oom_killed = false;
    std::string error;
    int restart_count = 0;  // restarts by the restart policy since the last `start`
    std::string runtime;    // OCI runtime (oci_runtime.h): "" is the built-in one; set at create
    // Derived, not stored: the cgroup freezer says FROZEN (Engine::get/list fill it).
    bool paused = false;
};

class Db {
  public:
    static Result<Db> open(const std::string& path);

    // Fails with EEXIST "name ... already in use" when the name is taken.
    Status insert(const ContainerRow& r);
    // Rewrite every mutable field of r (by id).
    Status update(const ContainerRow& r);
    Status remove(const std::string& id);
    // Fails with EEXIST (docker's "already in use" text) when the name is taken.
    Status rename(const std::string& id, const std::string& new_name);
    // Replace the stored config only (update): the monitor's status writes
    // are left alone.
    Status set_config(const std::string& id, const std::string& config);
    Result<ContainerRow> get(const std::string& id) const;
    Result<std::vector<ContainerRow>> list() const;
    // Exact name, exact id, then unique id prefix (docker's order).
    Result<ContainerRow> resolve(const std::string& name_or_id) const;

  private:
    struct Closer {
        void operator()(sqlite3* d) const { sqlite3_close_v2(d); }
    };
    Status exec(const std::string& sql);
    Error name_in_use(const std::string& name) const;
    // Bring an older database up to this schema (see kMigrations).
    Status migrate();
    Result<size_t> schema_version();
    std::unique_ptr<sqlite3, Closer> db_;
    std::string path_;
};

}  // namespace nook::engine
