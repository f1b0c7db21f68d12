// The SQLite container table: schema, migrations, queries (db.h).
#include "engine/store/db.h"

#include <cerrno>
#include <iterator>

#include "sys/file.h"

namespace nook::engine {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS containers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image TEXT NOT NULL,
  image_id TEXT NOT NULL, config TEXT NOT NULL, created TEXT NOT NULL,
  status TEXT NOT NULL, pid INTEGER NOT NULL DEFAULT 0,
  monitor_pid INTEGER NOT NULL DEFAULT 0, monitor_start INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT '', oom_killed INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '')
)";

// Schema changes after the first release, in order: entry i moves a database
// from PRAGMA user_version i to i+1. Append only; never edit an entry.
constexpr const char* kMigrations[] = {
    "ALTER TABLE containers ADD COLUMN restart_count INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE containers ADD COLUMN runtime TEXT NOT NULL DEFAULT ''",
};

constexpr const char* kColumns =
    "id, name, image, image_id, config, created, status, pid, monitor_pid, monitor_start, "
    "exit_code, started_at, finished_at, oom_killed, error, restart_count, runtime";

// A prepared statement, finalized on scope exit.
class Stmt {
  public:
    Stmt(sqlite3* db, const std::string& sql) : db_(db) {
        rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr);
    }
    ~Stmt() { sqlite3_finalize(s_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Error error(const std::string& what) const {
        return Error(EIO, what + ": " + sqlite3_errmsg(db_)).without_errno_text();
    }
    bool prepared() const { return rc_ == SQLITE_OK; }
    Stmt& text(int i, const std::string& v) {
        sqlite3_bind_text(s_, i, v.c_str(), -1, SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& num(int i, int64_t v) {
        sqlite3_bind_int64(s_, i, v);
        return *this;
    }
    int step() { return sqlite3_step(s_); }
    std::string col_text(int i) const {
        auto* p = sqlite3_column_text(s_, i);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    int64_t col_num(int i) const { return sqlite3_column_int64(s_, i); }

  private:
    sqlite3* db_;
    sqlite3_stmt* s_ = nullptr;
    int rc_;
};

ContainerRow row_from(const Stmt& s) {
    ContainerRow r;
    r.id = s.col_text(0);
    r.name = s.col_text(1);
    r.image = s.col_text(2);
    r.image_id = s.col_text(3);
    r.config = s.col_text(4);
    r.created = s.col_text(5);
    r.status = s.col_text(6);
    r.pid = static_cast<int>(s.col_num(7));
    r.monitor_pid = static_cast<int>(s.col_num(8));
    r.monitor_start = static_cast<uint64_t>(s.col_num(9));
    r.exit_code = static_cast<int>(s.col_num(10));
    r.started_at = s.col_text(11);
    r.finished_at = s.col_text(12);
    r.oom_killed = s.col_num(13) != 0;
    r.error = s.col_text(14);
    r.restart_count = static_cast<int>(s.col_num(15));
    r.runtime = s.col_text(16);
    return r;
}

Result<std::vector<ContainerRow>> query(sqlite3* db, const std::string& where,
                                        const std::string& arg, const std::string& what) {
    Stmt s(db, std::string("SELECT ") + kColumns + " FROM containers " + where);
    if (!s.prepared()) return s.error(what);
    if (!arg.empty()) s.text(1, arg);
    std::vector<ContainerRow> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(row_from(s));
    if (rc != SQLITE_DONE) return s.error(what);
    return out;
}

}  // namespace

Result<Db> Db::open(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash != std::string::npos) TRY(sys::mkdir_p(path.substr(0, slash), 0700));
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    Db d;
    d.db_.reset(raw);
    d.path_ = path;
    if (rc != SQLITE_OK)
        return Error(EIO, "open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"))
            .without_errno_text();
    // Monitors and CLIs write concurrently; wait for each other rather than fail.
    sqlite3_busy_timeout(raw, 10000);
    TRY(d.exec("PRAGMA journal_mode=WAL"));
    TRY(d.exec("PRAGMA synchronous=NORMAL"));
    TRY(d.exec(kSchema));
    TRY(d.migrate());
    return d;
}

Result<size_t> Db::schema_version() {
    Stmt v(db_.get(), "PRAGMA user_version");
    if (!v.prepared() || v.step() != SQLITE_ROW) return v.error("read schema version");
    return static_cast<size_t>(v.col_num(0));
}

Status Db::migrate() {
    TRY_ASSIGN(size_t have, schema_version());
    for (size_t i = have; i < std::size(kMigrations); i++) {
        // One transaction per step: a concurrent opener waits for us, then
        // sees the new version and skips the step.
        TRY(exec("BEGIN IMMEDIATE"));
        auto step = [&]() -> Status {
            TRY_ASSIGN(size_t now, schema_version());
            if (now > i) return {};
            TRY(exec(kMigrations[i]).context("migrate schema to version " + std::to_string(i + 1)));
            return exec("PRAGMA user_version=" + std::to_string(i + 1));
        }();
        if (!step.ok()) {
            (void)exec("ROLLBACK");
            return step;
        }
        TRY(exec("COMMIT"));
    }
    return {};
}

Status Db::exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : "unknown error";
        sqlite3_free(msg);
        return Error(EIO, path_ + ": " + m).without_errno_text();
    }
    return {};
}

Status Db::insert(const ContainerRow& r) {
    Stmt s(db_.get(), std::string("INSERT INTO containers (") + kColumns +
                          ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
    if (!s.prepared()) return s.error("insert container");
    s.text(1, r.id).text(2, r.name).text(3, r.image).text(4, r.image_id).text(5, r.config);
    s.text(6, r.created).text(7, r.status).num(8, r.pid).num(9, r.monitor_pid);
    s.num(10, static_cast<int64_t>(r.monitor_start)).num(11, r.exit_code).text(12, r.started_at);
    s.text(13, r.finished_at).num(14, r.oom_killed).text(15, r.error).num(16, r.restart_count);
    s.text(17, r.runtime);
    int rc = s.step();
    if (rc == SQLITE_CONSTRAINT) return name_in_use(r.name);
    if (rc != SQLITE_DONE) return s.error("insert container " + r.id);
    return {};
}

Error Db::name_in_use(const std::string& name) const {
    auto existing = resolve(name);
    std::string by = existing.ok() ? " by container \"" + existing->id + "\"" : "";
    return Error(EEXIST, "the container name \"/" + name + "\" is already in use" + by +
                             ". You have to remove (or rename) that container to be able "
                             "to reuse that name.")
        .without_errno_text();
}

Status Db::rename(const std::string& id, const std::string& new_name) {
    Stmt s(db_.get(), "UPDATE containers SET name=?2 WHERE id=?1");
    if (!s.prepared()) return s.error("rename container");
    s.text(1, id).text(2, new_name);
    int rc = s.step();
    if (rc == SQLITE_CONSTRAINT) return name_in_use(new_name);
    if (rc != SQLITE_DONE) return s.error("rename container " + id);
    return {};
}

Status Db::set_config(const std::string& id, const std::string& config) {
    Stmt s(db_.get(), "UPDATE containers SET config=?2 WHERE id=?1");
    if (!s.prepared()) return s.error("update container config");
    s.text(1, id).text(2, config);
    if (s.step() != SQLITE_DONE) return s.error("update container config " + id);
    return {};
}

Status Db::update(const ContainerRow& r) {
    Stmt s(db_.get(),
           "UPDATE containers SET status=?2, pid=?3, monitor_pid=?4, monitor_start=?5, "
           "exit_code=?6, started_at=?7, finished_at=?8, oom_killed=?9, error=?10, config=?11, "
           "restart_count=?12 WHERE id=?1");
    if (!s.prepared()) return s.error("update container");
    s.text(1, r.id).text(2, r.status).num(3, r.pid).num(4, r.monitor_pid);
    s.num(5, static_cast<int64_t>(r.monitor_start)).num(6, r.exit_code).text(7, r.started_at);
    s.text(8, r.finished_at).num(9, r.oom_killed).text(10, r.error).text(11, r.config);
    s.num(12, r.restart_count);
    if (s.step() != SQLITE_DONE) return s.error("update container " + r.id);
    return {};
}

Status Db::remove(const std::string& id) {
    Stmt s(db_.get(), "DELETE FROM containers WHERE id=?1");
    if (!s.prepared()) return s.error("remove container");
    s.text(1, id);
    if (s.step() != SQLITE_DONE) return s.error("remove container " + id);
    return {};
}

Result<ContainerRow> Db::get(const std::string& id) const {
    TRY_ASSIGN(auto rows, query(db_.get(), "WHERE id=?1", id, "get container"));
    if (rows.empty()) return Error(ENOENT, "No such container: " + id).without_errno_text();
    return rows[0];
}

Result<std::vector<ContainerRow>> Db::list() const {
    return query(db_.get(), "ORDER BY created DESC", "", "list containers");
}

Result<ContainerRow> Db::resolve(const std::string& name_or_id) const {
    auto missing = [&] {
        return Error(ENOENT, "No such container: " + name_or_id).without_errno_text();
    };
    if (name_or_id.empty()) return missing();
    std::string n = name_or_id[0] == '/' ? name_or_id.substr(1) : name_or_id;
    TRY_ASSIGN(auto rows, query(db_.get(), "WHERE name=?1 OR id=?1", n, "resolve container"));
    if (!rows.empty()) return rows[0];
    for (char c : n)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return missing();
    TRY_ASSIGN(rows, query(db_.get(), "WHERE substr(id, 1, " + std::to_string(n.size()) + ")=?1", n,
                           "resolve container"));
    if (rows.empty()) return missing();
    if (rows.size() > 1)
        return invalid_input("multiple containers found with provided prefix: " + name_or_id);
    return rows[0];
}

}  // namespace nook::engine
