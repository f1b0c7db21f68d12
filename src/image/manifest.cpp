#include "image/manifest.h"

#include <sys/utsname.h>

#include "image/digest.h"

namespace nook::image {

using nlohmann::json;

bool is_manifest_type(const std::string& mt) {
    return mt == media::kOciManifest || mt == media::kDockerManifest;
}
bool is_index_type(const std::string& mt) {
    return mt == media::kOciIndex || mt == media::kDockerList;
}
bool is_layer_type(const std::string& mt) {
    return mt == media::kOciLayer || mt == media::kOciLayerGzip || mt == media::kOciLayerZstd ||
           mt == media::kOciLayerNdGzip || mt == media::kDockerLayerGzip ||
           mt == media::kDockerLayerForeign ||
           mt == "application/vnd.oci.image.layer.nondistributable.v1.tar" ||
           mt == "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
}

std::string Platform::str() const {
    std::string s = os + "/" + architecture;
    if (!variant.empty()) s += "/" + variant;
    return s;
}

Result<Platform> parse_platform(const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        auto e = text.find('/', start);
        parts.push_back(text.substr(start, e == std::string::npos ? e : e - start));
        if (e == std::string::npos) break;
        start = e + 1;
    }
    Platform p;
    if (parts.size() == 1) {
        p.architecture = parts[0];
    } else if (parts.size() <= 3) {
        p.os = parts[0];
        p.architecture = parts[1];
        if (parts.size() == 3) p.variant = parts[2];
    } else {
        return invalid_input("invalid platform " + text + ": want os/arch[/variant]");
    }
    for (auto& s : parts)
        if (s.empty()) return invalid_input("invalid platform " + text + ": empty field");
    if (p.architecture == "x86_64") p.architecture = "amd64";
    if (p.architecture == "aarch64") p.architecture = "arm64";
    return p;
}

Platform host_platform() {
    Platform p;
    struct utsname u;
    if (uname(&u) == 0) {
        std::string m = u.machine;
        if (m == "x86_64")
            p.architecture = "amd64";
        else if (m == "aarch64")
            p.architecture = "arm64", p.variant = "v8";
        else if (m == "i686" || m == "i386")
            p.architecture = "386";
        else
            p.architecture = m;
    }
    return p;
}

json to_json(const Descriptor& d) {
    json j = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
    if (d.platform) {
        json p = {{"os", d.platform->os}, {"architecture", d.platform->architecture}};
        if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
        j["platform"] = p;
    }
    if (!d.annotations.empty()) j["annotations"] = d.annotations;
    if (!d.urls.empty()) j["urls"] = d.urls;
    return j;
}

namespace {

Result<Descriptor> parse_descriptor(const json& j, const std::string& where) {
    if (!j.is_object()) return invalid_input(where + ": descriptor is not an object");
    Descriptor d;
    try {
        d.media_type = j.value("mediaType", "");
        if (!j.contains("digest") || !j["digest"].is_string())
            return invalid_input(where + ": descriptor has no digest");
        d.digest = j["digest"].get<std::string>();
        if (!j.contains("size") || !j["size"].is_number_integer() || j["size"].get<int64_t>() < 0)
            return invalid_input(where + ": descriptor " + d.digest + " has no valid size");
        d.size = j["size"].get<int64_t>();
        if (j.contains("platform") && j["platform"].is_object()) {
            Platform p;
            p.os = j["platform"].value("os", "");
            p.architecture = j["platform"].value("architecture", "");
            p.variant = j["platform"].value("variant", "");
            d.platform = p;
        }
        if (j.contains("annotations") && j["annotations"].is_object())
            for (auto& [k, v] : j["annotations"].items())
                if (v.is_string()) d.annotations[k] = v.get<std::string>();
        if (j.contains("urls") && j["urls"].is_array())
            for (auto& u : j["urls"])
                if (u.is_string()) d.urls.push_back(u.get<std::string>());
    } catch (const json::exception& e) {
        return invalid_input(where + ": " + e.what());
    }
    auto st = validate_digest(d.digest);
    if (!st.ok()) return std::move(st).error().context(where);
    return d;
}

Result<json> parse_json_object(const std::string& body, const char* what) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return invalid_input(std::string(what) + " is not a JSON object");
    return j;
}

}  // namespace

Result<std::string> detect_media_type(const std::string& body, const std::string& content_type) {
    TRY_ASSIGN(json j, parse_json_object(body, "manifest"));
    std::string mt = j.value("mediaType", "");
    if (mt.empty()) {
        std::string ct = content_type.substr(0, content_type.find(';'));
        if (is_manifest_type(ct) || is_index_type(ct)) mt = ct;
    }
    if (mt.empty()) {
        // OCI documents may omit mediaType: tell them apart by shape.
        if (j.contains("manifests"))
            mt = media::kOciIndex;
        else if (j.contains("layers"))
            mt = media::kOciManifest;
    }
    if (j.value("schemaVersion", 0) == 1 || (mt.find("manifest.v1+") != std::string::npos &&
                                             mt.find("vnd.docker") != std::string::npos))
        return invalid_input("Docker schema 1 manifests are not supported");
    if (!is_manifest_type(mt) && !is_index_type(mt))
        return invalid_input("unsupported manifest media type \"" + mt + "\"");
    return mt;
}

Result<Manifest> parse_manifest(const std::string& body) {
    TRY_ASSIGN(json j, parse_json_object(body, "manifest"));
    Manifest m;
    TRY_ASSIGN(m.media_type, detect_media_type(body, ""));
    if (!is_manifest_type(m.media_type))
        return invalid_input("expected an image manifest, got " + m.media_type);
    if (j.value("schemaVersion", 0) != 2) return invalid_input("manifest: schemaVersion is not 2");
    if (!j.contains("config")) return invalid_input("manifest: no config descriptor");
    TRY_ASSIGN(m.config, parse_descriptor(j["config"], "manifest config"));
    if (!j.contains("layers") || !j["layers"].is_array())
        return invalid_input("manifest: no layers array");
    for (size_t i = 0; i < j["layers"].size(); i++) {
        TRY_ASSIGN(auto d, parse_descriptor(j["layers"][i], "manifest layer " + std::to_string(i)));
        if (!is_layer_type(d.media_type))
            return invalid_input("manifest layer " + std::to_string(i) +
                                 ": unsupported media type \"" + d.media_type + "\"");
        m.layers.push_back(std::move(d));
    }
    return m;
}

Result<Index> parse_index(const std::string& body) {
    TRY_ASSIGN(json j, parse_json_object(body, "index"));
    Index idx;
    TRY_ASSIGN(idx.media_type, detect_media_type(body, ""));
    if (!is_index_type(idx.media_type))
        return invalid_input("expected an image index, got " + idx.media_type);
    if (!j.contains("manifests") || !j["manifests"].is_array())
        return invalid_input("index: no manifests array");
    for (size_t i = 0; i < j["manifests"].size(); i++) {
        TRY_ASSIGN(auto d, parse_descriptor(j["manifests"][i], "index entry " + std::to_string(i)));
        idx.manifests.push_back(std::move(d));
    }
    return idx;
}

std::string serialize_manifest(const Manifest& m) {
    json j = {{"schemaVersion", 2}, {"mediaType", m.media_type}, {"config", to_json(m.config)}};
    j["layers"] = json::array();
    for (auto& l : m.layers) j["layers"].push_back(to_json(l));
    return j.dump();
}

std::string serialize_index(const Index& idx) {
    json j = {{"schemaVersion", 2}, {"mediaType", idx.media_type}};
    j["manifests"] = json::array();
    for (auto& d : idx.manifests) j["manifests"].push_back(to_json(d));
    return j.dump();
}

Result<Descriptor> select_platform(const Index& idx, const Platform& want) {
    std::string seen;
    const Descriptor* loose = nullptr;
    for (auto& d : idx.manifests) {
        if (!d.platform) continue;
        // Attestation manifests carry platform unknown/unknown; skip them.
        if (!is_manifest_type(d.media_type) && !d.media_type.empty()) continue;
        seen += (seen.empty() ? "" : ", ") + d.platform->str();
        if (d.platform->os != want.os || d.platform->architecture != want.architecture) continue;
        if (want.variant.empty() || d.platform->variant.empty() ||
            d.platform->variant == want.variant) {
            if (d.platform->variant == want.variant) return d;
            if (!loose) loose = &d;
        }
    }
    if (loose) return *loose;
    return invalid_input("no image for platform " + want.str() +
                         " in index (has: " + (seen.empty() ? "none" : seen) + ")");
}

Result<ImageConfig> parse_config(const std::string& body) {
    TRY_ASSIGN(json j, parse_json_object(body, "image config"));
    ImageConfig c;
    c.raw = j;
    try {
        c.architecture = j.value("architecture", "");
        c.os = j.value("os", "");
        c.variant = j.value("variant", "");
        c.created = j.value("created", "");
        if (!j.contains("rootfs") || !j["rootfs"].is_object())
            return invalid_input("image config: no rootfs");
        auto& ids = j["rootfs"]["diff_ids"];
        if (!ids.is_array()) return invalid_input("image config: rootfs.diff_ids is not an array");
        for (auto& d : ids) {
            if (!d.is_string()) return invalid_input("image config: diff_id is not a string");
            auto s = d.get<std::string>();
            auto st = validate_digest(s);
            if (!st.ok()) return std::move(st).error().context("image config diff_ids");
            c.diff_ids.push_back(s);
        }
        if (j.contains("history") && j["history"].is_array())
            for (auto& h : j["history"]) {
                HistoryEntry e;
                e.created = h.value("created", "");
                e.created_by = h.value("created_by", "");
                e.comment = h.value("comment", "");
                e.empty_layer = h.value("empty_layer", false);
                c.history.push_back(e);
            }
    } catch (const json::exception& e) {
        return invalid_input(std::string("image config: ") + e.what());
    }
    return c;
}

}  // namespace nook::image
