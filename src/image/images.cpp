#include "image/images.h"

#include <ctime>

#include "image/snapshot.h"

namespace nook::image {

using nlohmann::json;

Result<ImageRecord> record_from_manifest(Store& store, const std::string& manifest_digest,
                                         const std::vector<std::string>& repo_tags,
                                         const std::vector<std::string>& repo_digests) {
    TRY_ASSIGN(auto body, store.read_blob(manifest_digest));
    TRY_ASSIGN(auto m, parse_manifest(body).context("manifest " + manifest_digest));
    TRY_ASSIGN(auto cbody, store.read_blob(m.config.digest));
    TRY_ASSIGN(auto cfg, parse_config(cbody).context("config " + m.config.digest));
    if (cfg.diff_ids.size() != m.layers.size())
        return invalid_input("image " + manifest_digest + ": config lists " +
                             std::to_string(cfg.diff_ids.size()) + " diff_ids for " +
                             std::to_string(m.layers.size()) + " layers");
    ImageRecord r;
    r.id = m.config.digest;
    r.manifest_digest = manifest_digest;
    r.manifest_media_type = m.media_type;
    r.repo_tags = repo_tags;
    r.repo_digests = repo_digests;
    r.created = cfg.created;
    r.os = cfg.os;
    r.architecture = cfg.architecture;
    r.variant = cfg.variant;
    for (size_t i = 0; i < m.layers.size(); i++) {
        if (!store.has_blob(m.layers[i].digest))
            return invalid_input("image " + manifest_digest + ": layer " + m.layers[i].digest +
                                 " is missing");
        r.layers.push_back({m.layers[i], cfg.diff_ids[i]});
        r.size += m.layers[i].size;
    }
    r.added_at = ::time(nullptr);
    return r;
}

Result<ImageConfig> image_config(const Store& store, const ImageRecord& rec) {
    TRY_ASSIGN(auto body, store.read_blob(rec.id));
    return parse_config(body);
}

Result<json> inspect_json(const Store& store, const ImageRecord& rec) {
    TRY_ASSIGN(auto cfg, image_config(store, rec));
    json tags = json::array(), digests = json::array(), layers = json::array();
    for (auto& t : rec.repo_tags) tags.push_back(familiar_tag(t));
    for (auto& d : rec.repo_digests) digests.push_back(familiar_tag(d));
    for (auto& l : rec.layers) layers.push_back(l.diff_id);
    json j = {{"Id", rec.id},
              {"RepoTags", tags},
              {"RepoDigests", digests},
              {"Parent", ""},
              {"Comment", ""},
              {"Created", rec.created},
              {"Author", cfg.raw.value("author", "")},
              {"Config", cfg.raw.value("config", json::object())},
              {"Architecture", rec.architecture},
              {"Os", rec.os},
              {"Size", rec.size},
              {"RootFS", {{"Type", "layers"}, {"Layers", layers}}},
              {"Metadata", {{"LastTagTime", ""}}},
              {"ManifestDigest", rec.manifest_digest},
              {"ManifestMediaType", rec.manifest_media_type}};
    if (!rec.variant.empty()) j["Variant"] = rec.variant;
    return j;
}

std::string now_rfc3339() {
    char buf[64];
    time_t t = ::time(nullptr);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string human_age(const std::string& ts) {
    struct tm tm = {};
    if (ts.size() < 19 || !strptime(ts.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        return "N/A";
    double secs = difftime(::time(nullptr), timegm(&tm));
    auto ago = [](long n, const char* unit) {
        return std::to_string(n) + " " + unit + (n == 1 ? "" : "s") + " ago";
    };
    if (secs < 60) return "Less than a minute ago";
    if (secs < 3600) return ago(static_cast<long>(secs / 60), "minute");
    if (secs < 86400 * 2) return ago(static_cast<long>(secs / 3600), "hour");
    if (secs < 86400 * 14) return ago(static_cast<long>(secs / 86400), "day");
    if (secs < 86400 * 60) return ago(static_cast<long>(secs / (86400 * 7)), "week");
    if (secs < 86400 * 365 * 2) return ago(static_cast<long>(secs / (86400 * 30)), "month");
    return ago(static_cast<long>(secs / (86400 * 365)), "year");
}

std::string human_size(int64_t b) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(b);
    int u = 0;
    while (v >= 1000 && u < 4) v /= 1000, u++;
    char buf[32];
    snprintf(buf, sizeof(buf), u == 0 ? "%.0f%s" : "%.3g%s", v, units[u]);
    return buf;
}

std::string familiar_tag(const std::string& full) {
    auto r = parse_reference_no_default(full);
    return r.ok() ? r->familiar() : full;
}

Result<std::vector<std::string>> remove_image(Store& store, const std::string& name_or_id,
                                              bool force) {
    TRY_ASSIGN(auto rec, store.resolve(name_or_id));
    TRY_ASSIGN(auto users, store.containers_using(rec.id));
    std::vector<std::string> out;
    std::string hex = digest_hex(name_or_id);
    bool by_id = hex.size() >= 4 && digest_hex(rec.id).rfind(hex, 0) == 0;
    if (!by_id && rec.repo_tags.size() > 1) {
        // Other names remain: only this one goes.
        TRY_ASSIGN(auto ref, parse_reference(name_or_id));
        TRY(store.untag(ref));
        out.push_back("Untagged: " + ref.familiar());
        return out;
    }
    if (!users.empty() && !force)
        return Error(EBUSY, "image " + name_or_id + " is in use by container " + users[0] +
                                " (use -f to remove anyway)")
            .without_errno_text();
    if (by_id && rec.repo_tags.size() > 1 && !force)
        return Error(EBUSY, "image " + short_id(rec.id) +
                                " is referenced in multiple repositories (use -f)")
            .without_errno_text();
    for (auto& t : rec.repo_tags) out.push_back("Untagged: " + familiar_tag(t));
    for (auto& d : rec.repo_digests) out.push_back("Untagged: " + familiar_tag(d));
    TRY(store.remove_record(rec.id));
    out.push_back("Deleted: " + rec.id);
    return out;
}

Status commit_image(Store& store, const ImageRecord& rec) {
    TRY(ensure_snapshots(store, rec));
    return store.add_image(rec);
}

}  // namespace nook::image
