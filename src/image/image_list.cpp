// `nook images` rows and filters (docker's list semantics, see image_list.h).
#include "image/image_list.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "image/images.h"
#include "image/reference.h"

namespace nook::image {

using nlohmann::json;

namespace {

// One character class "[...]" at p (just past '['); advances p past ']'.
Result<bool> match_class(const std::string& pat, size_t& p, char c) {
    bool negate = p < pat.size() && pat[p] == '^';
    if (negate) p++;
    bool matched = false, first = true;
    for (;;) {
        if (p >= pat.size()) return invalid_input("syntax error in pattern");
        if (pat[p] == ']' && !first) {
            p++;
            break;
        }
        first = false;
        auto take = [&]() -> Result<char> {
            if (p >= pat.size() || pat[p] == '-' || pat[p] == ']')
                return invalid_input("syntax error in pattern");
            if (pat[p] == '\\') {
                p++;
                if (p >= pat.size()) return invalid_input("syntax error in pattern");
            }
            return pat[p++];
        };
        TRY_ASSIGN(char lo, take());
        char hi = lo;
        if (p < pat.size() && pat[p] == '-') {
            p++;
            TRY_ASSIGN(hi, take());
        }
        if (lo <= c && c <= hi) matched = true;
    }
    return matched != negate;
}

Result<bool> match_from(const std::string& pat, size_t p, const std::string& s, size_t i) {
    while (p < pat.size()) {
        char pc = pat[p];
        if (pc == '*') {
            while (p < pat.size() && pat[p] == '*') p++;
            // '*' never crosses '/': try every split up to the next one.
            for (size_t j = i;; j++) {
                TRY_ASSIGN(bool m, match_from(pat, p, s, j));
                if (m) return true;
                if (j >= s.size() || s[j] == '/') break;
            }
            // Go checks the rest of the pattern is well formed even on failure.
            return false;
        }
        if (i >= s.size()) return false;
        if (pc == '?') {
            if (s[i] == '/') return false;
            p++, i++;
        } else if (pc == '[') {
            p++;
            if (s[i] == '/') return false;
            TRY_ASSIGN(bool m, match_class(pat, p, s[i]));
            if (!m) return false;
            i++;
        } else {
            if (pc == '\\') {
                p++;
                if (p >= pat.size()) return invalid_input("syntax error in pattern");
            }
            if (pat[p] != s[i]) return false;
            p++, i++;
        }
    }
    return i == s.size();
}

// Seconds since the epoch of an RFC 3339 timestamp (fraction and zone "Z"
// as images carry them); -1 when unparsable.
int64_t created_seconds(const std::string& ts) {
    struct tm tm = {};
    if (ts.size() < 19 || !strptime(ts.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1;
    return static_cast<int64_t>(timegm(&tm));
}

// Go's time.Time.String() in local time, as docker's CreatedAt shows it:
// "2024-01-02 15:04:05 +0000 UTC".
std::string created_at(const std::string& ts) {
    int64_t s = created_seconds(ts);
    if (s < 0) return "";
    time_t t = static_cast<time_t>(s);
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
    return buf;
}

std::map<std::string, std::string> config_labels(const Store& store, const ImageRecord& rec) {
    std::map<std::string, std::string> out;
    auto cfg = image_config(store, rec);
    if (!cfg.ok()) return out;
    auto c = cfg->raw.value("config", json::object());
    if (!c.is_object() || !c.contains("Labels") || !c["Labels"].is_object()) return out;
    for (auto& [k, v] : c["Labels"].items())
        if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

struct Filters {
    int dangling = -1;  // -1 unset, 0 false, 1 true
    std::vector<std::string> labels, references;
    int64_t before = -1, since = -1;
};

Result<Filters> parse(const Store& store, const std::vector<std::string>& flags) {
    Filters f;
    for (auto& flag : flags) {
        auto eq = flag.find('=');
        if (eq == std::string::npos)
            return invalid_input("bad format of filter (expected name=value)");
        std::string key = flag.substr(0, eq), val = flag.substr(eq + 1);
        if (key == "dangling") {
            if (val == "true" || val == "1")
                f.dangling = 1;
            else if (val == "false" || val == "0")
                f.dangling = 0;
            else
                return invalid_input("Invalid filter 'dangling=" + val + "'");
        } else if (key == "label") {
            f.labels.push_back(val);
        } else if (key == "reference") {
            TRY(path_match(val, "").context("reference filter " + val));
            f.references.push_back(val);
        } else if (key == "before" || key == "since") {
            TRY_ASSIGN(auto rec, store.resolve(val));
            int64_t t = created_seconds(rec.created);
            (key == "before" ? f.before : f.since) = t;
        } else {
            return invalid_input("invalid filter '" + key + "'");
        }
    }
    return f;
}

bool labels_match(const std::vector<std::string>& wanted,
                  const std::map<std::string, std::string>& labels) {
    for (auto& w : wanted) {
        auto eq = w.find('=');
        auto it = labels.find(w.substr(0, eq));
        if (it == labels.end()) return false;
        if (eq != std::string::npos && it->second != w.substr(eq + 1)) return false;
    }
    return true;
}

// docker's reference.FamiliarMatch: the pattern against "name:tag" (or
// "name@digest"), then against the bare familiar name.
Result<bool> reference_match(const std::vector<std::string>& patterns, const Reference& r) {
    if (patterns.empty()) return true;
    for (auto& p : patterns) {
        TRY_ASSIGN(bool m, path_match(p, r.familiar()));
        if (!m) {
            TRY_ASSIGN(m, path_match(p, r.familiar_name()));
        }
        if (m) return true;
    }
    return false;
}

}  // namespace

Result<bool> path_match(const std::string& pattern, const std::string& name) {
    // Validate the whole pattern first (Go reports a bad pattern even when an
    // earlier part already failed to match).
    for (size_t p = 0; p < pattern.size(); p++) {
        if (pattern[p] == '\\') {
            if (++p >= pattern.size()) return invalid_input("syntax error in pattern");
        } else if (pattern[p] == '[') {
            size_t q = p + 1;
            TRY(match_class(pattern, q, 'a'));
            p = q - 1;
        }
    }
    return match_from(pattern, 0, name, 0);
}

Result<std::vector<json>> list_images(const Store& store, const ListOptions& opts) {
    TRY_ASSIGN(auto f, parse(store, opts.filters));
    std::optional<Reference> want;
    if (!opts.repository.empty()) {
        TRY_ASSIGN(auto r, parse_reference_no_default(opts.repository));
        want = r;
    }
    TRY_ASSIGN(auto recs, store.list());
    std::vector<json> rows;
    for (auto& rec : recs) {
        const bool dangling = rec.repo_tags.empty();
        if (f.dangling == 1 && !dangling) continue;
        if (f.dangling == 0 && dangling && rec.repo_digests.empty()) continue;
        int64_t created = created_seconds(rec.created);
        if (f.before >= 0 && !(created < f.before)) continue;
        if (f.since >= 0 && !(created > f.since)) continue;
        if (!f.labels.empty() && !labels_match(f.labels, config_labels(store, rec))) continue;

        json base = {{"Containers", "N/A"},
                     {"CreatedAt", created_at(rec.created)},
                     {"CreatedSince", human_age(rec.created)},
                     {"ID", opts.no_trunc ? rec.id : short_id(rec.id)},
                     {"SharedSize", "N/A"},
                     {"Size", human_size(rec.size)},
                     {"UniqueSize", "N/A"},
                     {"VirtualSize", human_size(rec.size)}};
        auto row = [&](const std::string& repo, const std::string& tag, const std::string& digest) {
            json j = base;
            j["Repository"] = repo;
            j["Tag"] = tag;
            j["Digest"] = digest;
            rows.push_back(std::move(j));
        };
        auto digest_for = [&](const std::string& name) -> std::string {
            for (auto& d : rec.repo_digests) {
                auto at = d.find('@');
                if (at != std::string::npos && d.substr(0, at) == name) return d.substr(at + 1);
            }
            return "<none>";
        };
        auto wanted = [&](const Reference& r) -> Result<bool> {
            if (want && (want->name() != r.name() || (!want->tag.empty() && want->tag != r.tag)))
                return false;
            return reference_match(f.references, r);
        };
        std::set<std::string> named;
        for (auto& t : rec.repo_tags) {
            auto r = parse_reference(t);
            if (!r.ok()) continue;
            TRY_ASSIGN(bool ok, wanted(*r));
            if (!ok) continue;
            named.insert(r->name());
            row(r->familiar_name(), r->tag, digest_for(r->name()));
        }
        // Repositories the image is known in by digest only (pulled by digest).
        for (auto& d : rec.repo_digests) {
            auto r = parse_reference_no_default(d);
            if (!r.ok() || named.count(r->name())) continue;
            if (want && !want->tag.empty()) continue;
            TRY_ASSIGN(bool ok, wanted(*r));
            if (!ok) continue;
            named.insert(r->name());
            row(r->familiar_name(), "<none>", r->digest);
        }
        if (rec.repo_tags.empty() && rec.repo_digests.empty() && !want && f.references.empty())
            row("<none>", "<none>", "<none>");
    }
    return rows;
}

}  // namespace nook::image
