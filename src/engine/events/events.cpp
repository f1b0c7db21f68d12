// The engine's event log: append, filter, read and follow (events.h).
#include "engine/events/events.h"

#include <fcntl.h>
#include <sys/inotify.h>

#include <chrono>
#include <ctime>

#include "engine/store/names.h"
#include "sys/cgroupfs.h"
#include "sys/daemon.h"
#include "sys/file.h"

namespace nook::engine::events {

using json = nlohmann::json;

namespace {

int64_t now_nano() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// docker's FuzzyMatch: the whole value or a prefix of it.
bool fuzzy(const std::string& want, const std::string& have) {
    return !want.empty() && have.rfind(want, 0) == 0;
}

// An image reference as given may lack ":latest"; an id may lack "sha256:".
bool same_image(const std::string& want, const std::string& have) {
    return want == have || want + ":latest" == have || want == have + ":latest" ||
           (have.rfind("sha256:", 0) == 0 && fuzzy("sha256:" + want, have));
}

bool any_of(const std::vector<std::string>& wants,
            const std::function<bool(const std::string&)>& f) {
    for (auto& w : wants)
        if (f(w)) return true;
    return false;
}

}  // namespace

std::string log_path(const Paths& paths) {
    return paths.root + "/engine/events.log";
}

json make_message(const std::string& type, const std::string& action, const std::string& id,
                  const Attributes& attributes, int64_t time_nano) {
    json m = {{"Type", type},
              {"Action", action},
              {"Actor", {{"ID", id}, {"Attributes", attributes}}},
              {"scope", "local"},
              {"time", time_nano / 1000000000},
              {"timeNano", time_nano}};
    // docker's deprecated top-level fields, still sent for these types.
    if (type == "container" || type == "image") {
        m["status"] = action;
        m["id"] = id;
        auto img = attributes.find("image");
        if (img != attributes.end()) m["from"] = img->second;
    }
    return m;
}

void emit(const Paths& paths, const std::string& type, const std::string& action,
          const std::string& id, const Attributes& attributes) {
    std::string line = make_message(type, action, id, attributes, now_nano()).dump() + "\n";
    auto fd = sys::open_file(log_path(paths), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (!fd.ok()) {
        (void)sys::mkdir_p(paths.root + "/engine", 0700);
        fd = sys::open_file(log_path(paths), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (!fd.ok()) return;
    }
    // One write: O_APPEND puts it whole at the end, after any other writer's.
    (void)sys::write_all(fd->get(), line);
}

void emit(const Paths& paths, const ContainerRow& row, const std::string& action,
          const Attributes& extra) {
    Attributes a;
    json cfg = json::parse(row.config, nullptr, false);
    if (!cfg.is_discarded() && cfg.contains("Config")) {
        const json labels = cfg["Config"].value("Labels", json::object());
        if (labels.is_object())
            for (auto it = labels.begin(); it != labels.end(); ++it)
                if (it->is_string()) a[it.key()] = it->get<std::string>();
    }
    a["image"] = row.image;
    a["name"] = row.name;
    for (auto& [k, v] : extra) a[k] = v;
    emit(paths, "container", action, row.id, a);
}

std::string new_exec_id() {
    auto id = new_container_id();
    return id.ok() ? *id : std::to_string(now_nano());
}

std::string exec_action(const std::string& verb, const std::vector<std::string>& cmd) {
    std::string a = verb + ":";
    for (auto& w : cmd) a += " " + w;
    return a;
}

Status add_filter(Filter& f, const std::string& arg) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
        return invalid_input("bad format of filter (expected name=value)");
    std::string key = arg.substr(0, eq);
    for (const char* k : {"container", "event", "image", "label", "type", "volume", "network",
                          "scope", "until", "since"})
        if (key == k) {
            f.by_key[key].push_back(arg.substr(eq + 1));
            return {};
        }
    return invalid_input("invalid filter '" + key + "'");
}

bool Filter::matches(const json& m) const {
    const std::string type = m.value("Type", "");
    const std::string action = m.value("Action", "");
    const json actor = m.value("Actor", json::object());
    const std::string id = actor.value("ID", "");
    const json attrs = actor.value("Attributes", json::object());
    auto attr = [&](const char* k) { return attrs.value(k, std::string()); };
    for (auto& [key, wants] : by_key) {
        bool ok = true;
        if (key == "type") {
            ok = any_of(wants, [&](const std::string& w) { return w == type; });
        } else if (key == "event") {
            // exec_create etc. may carry ": cmd" in docker's; match the verb.
            ok = any_of(wants, [&](const std::string& w) {
                return w == action || action.rfind(w + ":", 0) == 0;
            });
        } else if (key == "container") {
            ok = type == "container" && any_of(wants, [&](const std::string& w) {
                     return fuzzy(w, id) || w == attr("name");
                 });
        } else if (key == "image") {
            ok = any_of(wants, [&](const std::string& w) {
                if (type == "image") return same_image(w, id) || same_image(w, attr("name"));
                return same_image(w, attr("image"));
            });
        } else if (key == "volume") {
            ok = type == "volume" && any_of(wants, [&](const std::string& w) { return w == id; });
        } else if (key == "network") {
            ok = type == "network" && any_of(wants, [&](const std::string& w) { return w == id; });
        } else if (key == "scope") {
            ok = any_of(wants, [&](const std::string& w) { return w == m.value("scope", ""); });
        } else if (key == "label") {
            ok = any_of(wants, [&](const std::string& w) {
                auto eq = w.find('=');
                std::string k = w.substr(0, eq);
                if (!attrs.contains(k)) return false;
                return eq == std::string::npos || attr(k.c_str()) == w.substr(eq + 1);
            });
        }
        if (!ok) return false;
    }
    return true;
}

Status read(const Paths& paths, const ReadOptions& opts, const Filter& f,
            const std::function<bool(const json&)>& out) {
    const std::string path = log_path(paths);
    UniqueFd watch;
    if (opts.follow) {
        // The file must exist to be watched, and the watch must be in place
        // before the first read so nothing appended in between is missed.
        TRY(sys::mkdir_p(paths.root + "/engine", 0700));
        TRY(sys::open_file(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
        TRY_ASSIGN(watch, sys::inotify_watch(path, IN_MODIFY));
    }
    auto file = sys::open_file(path, O_RDONLY | O_CLOEXEC);
    if (!file.ok()) {
        if (file.error().code() == ENOENT) return {};  // nothing ever happened
        return std::move(file).error();
    }
    std::string pending;
    char buf[65536];
    for (;;) {
        // Everything appended so far, line by line (a partial last line
        // waits for the rest).
        for (;;) {
            TRY_ASSIGN(size_t n, sys::read_some(file->get(), buf, sizeof buf));
            if (n == 0) break;
            pending.append(buf, n);
        }
        size_t start = 0;
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            json m = json::parse(pending.substr(start, nl - start), nullptr, false);
            if (m.is_discarded() || !m.is_object()) continue;
            const int64_t t = m.value("timeNano", int64_t{0});
            if (t < opts.since_nano) continue;
            if (opts.until_nano >= 0 && t > opts.until_nano) return {};
            if (f.matches(m) && !out(m)) return {};
        }
        pending.erase(0, start);
        if (!opts.follow) return {};
        int timeout = -1;
        if (opts.until_nano >= 0) {
            const int64_t left = opts.until_nano - now_nano();
            if (left <= 0) return {};
            timeout = static_cast<int>(std::min<int64_t>(left / 1000000 + 1, 1 << 30));
        }
        TRY_ASSIGN(bool ready, sys::wait_readable(watch.get(), timeout));
        if (ready)  // drain the notifications; the data is read above
            while (true) {
                auto n = sys::read_some(watch.get(), buf, sizeof buf);
                if (!n.ok() || *n == 0) break;
            }
    }
}

std::string format_line(const json& m) {
    const int64_t t = m.value("timeNano", int64_t{0});
    time_t secs = static_cast<time_t>(t / 1000000000);
    struct tm tm;
    localtime_r(&secs, &tm);
    char date[64], frac[16], zone[40];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(t % 1000000000));
    // Go's "Z07:00": Z in UTC, else +hh:mm.
    if (tm.tm_gmtoff == 0) {
        snprintf(zone, sizeof zone, "Z");
    } else {
        long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
        snprintf(zone, sizeof zone, "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+', off / 3600,
                 off / 60 % 60);
    }
    const json actor = m.value("Actor", json::object());
    std::string line = std::string(date) + frac + zone + " " + m.value("Type", "") + " " +
                       m.value("Action", "") + " " + actor.value("ID", "");
    const json attrs = actor.value("Attributes", json::object());
    if (attrs.is_object() && !attrs.empty()) {
        std::string list;
        for (auto it = attrs.begin(); it != attrs.end(); ++it)  // sorted, as docker's
            list += (list.empty() ? "" : ", ") + it.key() + "=" +
                    (it->is_string() ? it->get<std::string>() : it->dump());
        line += " (" + list + ")";
    }
    return line;
}

}  // namespace nook::engine::events
