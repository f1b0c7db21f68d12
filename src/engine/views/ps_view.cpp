// ps: status text, --format summary object and --filter matching (ps_view.h).
#include "engine/views/ps_view.h"

#include <time.h>

#include <algorithm>
#include <regex>

#include "engine/config.h"
#include "engine/views/times.h"

namespace nook::engine {

using json = nlohmann::json;

std::string container_state(const ContainerRow& r) {
    if (r.status == "running" && r.paused) return "paused";
    return r.status;
}

std::string status_text(const ContainerRow& r) {
    if (r.status == "running")
        return "Up " + human_duration(seconds_since(r.started_at)) + (r.paused ? " (Paused)" : "");
    if (r.status == "restarting")
        return "Restarting (" + std::to_string(r.exit_code) + ") " +
               human_duration(seconds_since(r.finished_at)) + " ago";
    if (r.status == "exited")
        return "Exited (" + std::to_string(r.exit_code) + ") " +
               human_duration(seconds_since(r.finished_at)) + " ago";
    if (r.status == "removing") return "Removal In Progress";
    if (r.status == "dead") return "Dead";
    return "Created";
}

std::string command_text(const ContainerRow& r, bool no_trunc) {
    auto cfg = json::parse(r.config, nullptr, false);
    std::string cmd;
    if (!cfg.is_discarded())
        for (auto& w : command_of(cfg.value("Config", json::object())))
            cmd += (cmd.empty() ? "" : " ") + w;
    if (!no_trunc && cmd.size() > 19) cmd = cmd.substr(0, 19) + "…";
    return "\"" + cmd + "\"";
}

std::string go_time_text(const std::string& ts) {
    double t = parse_rfc3339(ts);
    if (t < 0) return "0001-01-01 00:00:00 +0000 UTC";
    time_t secs = static_cast<time_t>(t);
    tm g;
    gmtime_r(&secs, &g);
    char b[64];
    strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S +0000 UTC", &g);
    return b;
}

std::map<std::string, std::string> container_labels(const ContainerRow& r) {
    std::map<std::string, std::string> out;
    auto cfg = json::parse(r.config, nullptr, false);
    if (cfg.is_discarded()) return out;
    auto labels = cfg.value("Config", json::object()).value("Labels", json::object());
    if (!labels.is_object()) return out;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
    return out;
}

json ps_summary(const ContainerRow& r, bool no_trunc) {
    auto labels = container_labels(r);
    std::string label_text;
    for (auto& [k, v] : labels) label_text += (label_text.empty() ? "" : ",") + k + "=" + v;
    return json{{"ID", no_trunc ? r.id : r.id.substr(0, 12)},
                {"Image", r.image},
                {"Command", command_text(r, no_trunc)},
                {"CreatedAt", go_time_text(r.created)},
                {"RunningFor", human_duration(seconds_since(r.created)) + " ago"},
                {"Status", status_text(r)},
                {"State", container_state(r)},
                {"Ports", ""},
                {"Names", r.name},
                {"Labels", label_text},
                {"Label", json(labels)},
                {"Mounts", ""},
                {"Networks", ""},
                {"LocalVolumes", "0"},
                {"Size", "0B"}};
}

const json& ps_headers() {
    static const json h = {{"ID", "CONTAINER ID"},    {"Image", "IMAGE"},
                           {"Command", "COMMAND"},    {"CreatedAt", "CREATED AT"},
                           {"RunningFor", "CREATED"}, {"Status", "STATUS"},
                           {"State", "STATE"},        {"Ports", "PORTS"},
                           {"Names", "NAMES"},        {"Labels", "LABELS"},
                           {"Label", "LABEL"},        {"Mounts", "MOUNTS"},
                           {"Networks", "NETWORKS"},  {"LocalVolumes", "LOCAL VOLUMES"},
                           {"Size", "SIZE"}};
    return h;
}

Result<Filters> parse_filters(const std::vector<std::string>& flags,
                              const std::vector<std::string>& allowed) {
    Filters f;
    for (const auto& s : flags) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            return invalid_input("bad format of filter (expected name=value): " + s);
        std::string key = s.substr(0, eq);
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            return invalid_input("invalid filter '" + key + "'");
        f[key].push_back(s.substr(eq + 1));
    }
    return f;
}

bool labels_match(const std::vector<std::string>& wanted,
                  const std::map<std::string, std::string>& labels) {
    // Every label filter must hold (docker ANDs label filters).
    for (const auto& w : wanted) {
        auto eq = w.find('=');
        auto it = labels.find(w.substr(0, eq));
        if (it == labels.end()) return false;
        if (eq != std::string::npos && it->second != w.substr(eq + 1)) return false;
    }
    return true;
}

namespace {

bool any_of(const std::vector<std::string>& vs, const auto& pred) {
    return std::any_of(vs.begin(), vs.end(), pred);
}

bool ancestor_match(const std::string& want, const ContainerRow& r) {
    auto with_tag = [](const std::string& s) {
        auto slash = s.rfind('/');
        auto colon = s.rfind(':');
        bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
        return tagged || s.find('@') != std::string::npos ? s : s + ":latest";
    };
    if (with_tag(want) == with_tag(r.image)) return true;
    std::string hex = r.image_id.rfind("sha256:", 0) == 0 ? r.image_id.substr(7) : r.image_id;
    std::string w = want.rfind("sha256:", 0) == 0 ? want.substr(7) : want;
    return !w.empty() && hex.rfind(w, 0) == 0;
}

}  // namespace

Result<bool> ps_filter_match(const Filters& f, const ContainerRow& r) {
    for (const auto& [key, vals] : f) {
        bool ok = false;
        if (key == "status") {
            static const std::vector<std::string> kStates = {
                "created", "restarting", "running", "removing", "paused", "exited", "dead"};
            for (auto& v : vals)
                if (std::find(kStates.begin(), kStates.end(), v) == kStates.end())
                    return invalid_input("invalid filter 'status=" + v + "'");
            ok = any_of(vals, [&](const std::string& v) { return v == container_state(r); });
        } else if (key == "name") {
            ok = any_of(vals, [&](const std::string& v) {
                try {
                    return std::regex_search(r.name, std::regex(v));
                } catch (const std::regex_error&) {
                    return r.name.find(v) != std::string::npos;
                }
            });
        } else if (key == "id") {
            ok = any_of(vals, [&](const std::string& v) { return r.id.rfind(v, 0) == 0; });
        } else if (key == "label") {
            ok = labels_match(vals, container_labels(r));
        } else if (key == "exited") {
            for (auto& v : vals) {
                char* end = nullptr;
                long n = std::strtol(v.c_str(), &end, 10);
                if (v.empty() || *end) return invalid_input("invalid filter 'exited=" + v + "'");
                if (r.status == "exited" && r.exit_code == n) ok = true;
            }
        } else if (key == "ancestor") {
            ok = any_of(vals, [&](const std::string& v) { return ancestor_match(v, r); });
        } else {
            return invalid_input("invalid filter '" + key + "'");
        }
        if (!ok) return false;
    }
    return true;
}

}  // namespace nook::engine
