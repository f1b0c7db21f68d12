// The engine's event log: every action on a container, image or volume
// appends one JSON line in docker's events message shape
//   {"Type","Action","Actor":{"ID","Attributes"},"scope":"local","time","timeNano"}
// (plus docker's legacy "status","id","from" for containers and images) to
// <root>/engine/events.log. There is no daemon: `nook events` (and later the
// REST API) read this file and follow it with inotify.
//
// Writers: one open(O_APPEND) and one write(2) per event, so lines from
// concurrent CLIs and monitors never interleave. Emitting never fails the
// operation it reports: an event that cannot be written is lost, not an error.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/store/db.h"
#include "engine/store/paths.h"

namespace nook::engine::events {

std::string log_path(const Paths& paths);

using Attributes = std::map<std::string, std::string>;

// Type: "container", "image", "volume", "network"; id: the actor's id.
void emit(const Paths& paths, const std::string& type, const std::string& action,
          const std::string& id, const Attributes& attributes = {});
// A container's event: its image, name and labels as attributes (docker's),
// plus extra (exitCode, signal, oldName, execID ...).
void emit(const Paths& paths, const ContainerRow& row, const std::string& action,
          const Attributes& extra = {});

// exec events: a fresh exec id, and docker's action "exec_create: CMD ARGS".
std::string new_exec_id();
std::string exec_action(const std::string& verb, const std::vector<std::string>& cmd);

// The message as written (time: now).
nlohmann::json make_message(const std::string& type, const std::string& action,
                            const std::string& id, const Attributes& attributes, int64_t time_nano);

// docker's --filter keys: container, event, image, label, type, volume
// (several values of one key: any; different keys: all).
struct Filter {
    std::map<std::string, std::vector<std::string>> by_key;
    bool matches(const nlohmann::json& message) const;
};
// "key=value"; an unknown key is docker's "invalid filter 'key'".
Status add_filter(Filter& f, const std::string& arg);

// Read the log from its start: every message in [since, until] that f
// matches goes to out (nanoseconds since the epoch; until < 0: no end).
// follow: keep reading new lines as they are appended (inotify) until
// until has passed (never when until < 0) or out returns false.
struct ReadOptions {
    int64_t since_nano = 0;
    int64_t until_nano = -1;
    bool follow = false;
};
Status read(const Paths& paths, const ReadOptions& opts, const Filter& f,
            const std::function<bool(const nlohmann::json&)>& out);

// docker's default line: "2024-01-02T03:04:05.000000000Z container create ID
// (image=busybox, name=x)" (time in UTC).
std::string format_line(const nlohmann::json& message);

}  // namespace nook::engine::events
