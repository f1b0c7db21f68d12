// What `ps` shows of a container, as docker: the status text, the summary
// object its --format templates see, and --filter matching.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/store/db.h"

namespace nook::engine {

// docker's State: created, running, paused, restarting, exited, removing, dead.
std::string container_state(const ContainerRow& r);
// "Up 3 seconds", "Up 5 seconds (Paused)", "Exited (0) 2 minutes ago",
// "Restarting (1) 1 second ago", "Created".
std::string status_text(const ContainerRow& r);
// The quoted command line, cut at 20 characters with "…" unless no_trunc.
std::string command_text(const ContainerRow& r, bool no_trunc);
// Go's time.Time String(): "2024-01-02 15:04:05 +0000 UTC".
std::string go_time_text(const std::string& rfc3339);

// The fields of docker's ps --format (ID, Image, Command, CreatedAt,
// RunningFor, Status, Ports, Names, Labels, Label (a map: {{.Label "k"}}),
// State, Mounts, Networks, LocalVolumes, Size). All are strings but Label.
// Size is "0B" here: measuring it walks the writable layer, so `ps` fills it
// in only when asked (-s or a template using .Size; engine/views/container_size.h).
nlohmann::json ps_summary(const ContainerRow& r, bool no_trunc);
// The table headers for the same fields ("CONTAINER ID", "NAMES", ...).
const nlohmann::json& ps_headers();

// Parsed --filter key=value flags: same key ORs, different keys AND.
using Filters = std::map<std::string, std::vector<std::string>>;
// Fails on a flag without '=' or an unknown key, naming it (docker's words).
Result<Filters> parse_filters(const std::vector<std::string>& flags,
                              const std::vector<std::string>& allowed);
// ps filters: status, name, id, label, exited, ancestor. The image's id is
// in r.image_id. Fails on a bad value (status=bogus, exited=x).
Result<bool> ps_filter_match(const Filters& f, const ContainerRow& r);
// label=k or label=k=v against a labels map.
bool labels_match(const std::vector<std::string>& wanted,
                  const std::map<std::string, std::string>& labels);
std::map<std::string, std::string> container_labels(const ContainerRow& r);

}  // namespace nook::engine
