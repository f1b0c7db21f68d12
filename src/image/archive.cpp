#include "image/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "base/scope_exit.h"
#include "image/decompress.h"
#include "image/images.h"
#include "image/ingest_guard.h"
#include "image/snapshot.h"
#include "image/tar_writer.h"
#include "image/unpack.h"
#include "sys/file.h"

namespace nook::image {

using nlohmann::json;

namespace {

Result<UniqueFd> open_input(const std::string& path) {
    if (path == "-") return UniqueFd(::fcntl(0, F_DUPFD_CLOEXEC, 3));
    return sys::open_file(path, O_RDONLY | O_CLOEXEC);
}

Result<std::string> ingest_fd(Store& store, int fd) {
    TRY_ASSIGN(auto w, store.new_blob_writer());
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("read input");
        if (n == 0) break;
        TRY(w.write(buf, static_cast<size_t>(n)));
    }
    return w.commit("");
}

Result<Compression> blob_compression(Store& store, const std::string& digest) {
    TRY_ASSIGN(auto fd, sys::open_file(store.blob_path(digest), O_RDONLY | O_CLOEXEC));
    unsigned char m[4] = {};
    ssize_t n = ::read(fd.get(), m, 4);
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) return Compression::gzip;
    if (n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        return Compression::zstd;
    return Compression::none;
}

const char* layer_media_type(Compression c) {
    switch (c) {
        case Compression::gzip:
            return media::kOciLayerGzip;
        case Compression::zstd:
            return media::kOciLayerZstd;
        default:
            return media::kOciLayer;
    }
}

// Shell form becomes ["/bin/sh","-c",...] as in a Dockerfile.
json command_value(const std::string& v) {
    json j = json::parse(v, nullptr, false);
    if (!j.is_discarded() && j.is_array()) return j;
    return json::array({"/bin/sh", "-c", v});
}

// Dockerfile-style words: blanks separate, double quotes group.
std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, any = false;
    for (size_t i = 0; i < s.size(); i++) {
        char c = s[i];
        if (c == '"') {
            quoted = !quoted;
            any = true;
        } else if (c == '\\' && quoted && i + 1 < s.size()) {
            cur += s[++i];
        } else if (!quoted && (c == ' ' || c == '\t')) {
            if (any || !cur.empty()) out.push_back(cur);
            cur.clear();
            any = false;
        } else {
            cur += c;
        }
    }
    if (any || !cur.empty()) out.push_back(cur);
    return out;
}

}  // namespace

Status apply_config_change(json& cfg, const std::string& change) {
    auto sp = change.find_first_of(" =");
    if (sp == std::string::npos) return invalid_input("invalid --change \"" + change + "\"");
    std::string key = change.substr(0, sp), val = change.substr(sp + 1);
    for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (key == "CMD") {
        cfg["Cmd"] = command_value(val);
    } else if (key == "ENTRYPOINT") {
        cfg["Entrypoint"] = command_value(val);
    } else if (key == "WORKDIR") {
        cfg["WorkingDir"] = val;
    } else if (key == "USER") {
        cfg["User"] = val;
    } else if (key == "STOPSIGNAL") {
        cfg["StopSignal"] = val;
    } else if (key == "ENV") {
        auto eq = val.find_first_of("= ");
        if (eq == std::string::npos) return invalid_input("invalid ENV change \"" + change + "\"");
        std::string name = val.substr(0, eq);
        if (!cfg.contains("Env") || !cfg["Env"].is_array()) cfg["Env"] = json::array();
        auto& env = cfg["Env"];
        for (auto it = env.begin(); it != env.end();)  // a new value replaces the old one
            if (it->is_string() && it->get<std::string>().rfind(name + "=", 0) == 0)
                it = env.erase(it);
            else
                ++it;
        env.push_back(name + "=" + val.substr(eq + 1));
    } else if (key == "LABEL") {
        if (!cfg.contains("Labels") || !cfg["Labels"].is_object()) cfg["Labels"] = json::object();
        for (auto& w : words(val)) {
            auto eq = w.find('=');
            if (eq == std::string::npos || eq == 0)
                return invalid_input("invalid LABEL change \"" + change + "\" (want key=value)");
            cfg["Labels"][w.substr(0, eq)] = w.substr(eq + 1);
        }
    } else if (key == "EXPOSE") {
        if (!cfg.contains("ExposedPorts") || !cfg["ExposedPorts"].is_object())
            cfg["ExposedPorts"] = json::object();
        for (auto& w : words(val)) {
            std::string port = w.find('/') == std::string::npos ? w + "/tcp" : w;
            auto num = port.substr(0, port.find('/'));
            if (num.empty() || num.find_first_not_of("0123456789-") != std::string::npos)
                return invalid_input("invalid EXPOSE change \"" + change + "\"");
            cfg["ExposedPorts"][port] = json::object();
        }
    } else if (key == "VOLUME") {
        if (!cfg.contains("Volumes") || !cfg["Volumes"].is_object())
            cfg["Volumes"] = json::object();
        json arr = json::parse(val, nullptr, false);
        if (!arr.is_discarded() && arr.is_array()) {
            for (auto& v : arr)
                if (v.is_string()) cfg["Volumes"][v.get<std::string>()] = json::object();
        } else {
            for (auto& w : words(val)) cfg["Volumes"][w] = json::object();
        }
    } else {
        return invalid_input("unsupported --change instruction " + key +
                             " (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, "
                             "WORKDIR)");
    }
    return {};
}

namespace {

struct ArchiveFiles {
    std::map<std::string, std::string> digest;  // cleaned name -> blob digest
    std::map<std::string, std::string> links;   // symlink/hardlink name -> target name

    Result<std::string> get(const std::string& name) const {
        std::string n = name;
        for (int i = 0; i < 16; i++) {
            auto c = clean_entry_path(n);
            if (!c.ok()) return std::move(c).error();
            if (auto it = digest.find(*c); it != digest.end()) return it->second;
            auto l = links.find(*c);
            if (l == links.end()) break;
            n = l->second;
        }
        return invalid_input("archive has no file " + name);
    }
};

Status read_tar(Store& store, int fd, ArchiveFiles& files) {
    std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(),
                                                                    archive_read_free);
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_zstd(a.get());
    if (archive_read_open_fd(a.get(), fd, 1 << 16) != ARCHIVE_OK)
        return invalid_input(std::string("not a tar archive: ") + archive_error_string(a.get()));
    struct archive_entry* e;
    for (;;) {
        int r = archive_read_next_header(a.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN)
            return invalid_input(std::string("archive: ") + archive_error_string(a.get()));
        TRY_ASSIGN(std::string name, clean_entry_path(archive_entry_pathname(e)));
        std::string dir =
            name.substr(0, name.rfind('/') == std::string::npos ? 0 : name.rfind('/'));
        if (const char* hl = archive_entry_hardlink(e)) {
            files.links[name] = hl;
        } else if (archive_entry_filetype(e) == AE_IFLNK) {
            std::string t = archive_entry_symlink(e);
            files.links[name] = t.rfind('/', 0) == 0 ? t : (dir.empty() ? t : dir + "/" + t);
        } else if (archive_entry_filetype(e) == AE_IFREG) {
            TRY_ASSIGN(auto w, store.new_blob_writer());
            const void* buf;
            size_t size;
            la_int64_t off;
            for (;;) {
                int rr = archive_read_data_block(a.get(), &buf, &size, &off);
                if (rr == ARCHIVE_EOF) break;
                if (rr < ARCHIVE_WARN)
                    return invalid_input("archive entry " + name + ": " +
                                         archive_error_string(a.get()));
                TRY(w.write(buf, size));
            }
            TRY_ASSIGN(files.digest[name], w.commit(""));
        }
    }
    return {};
}

Status read_dir(Store& store, const std::string& root, const std::string& rel, ArchiveFiles& files,
                int depth = 0) {
    if (depth > 4) return {};
    std::string path = rel.empty() ? root : root + "/" + rel;
    DIR* d = ::opendir(path.c_str());
    if (!d) return Error::from_errno("open directory " + path);
    std::vector<std::string> names;
    while (auto* de = ::readdir(d))
        if (std::string(de->d_name) != "." && std::string(de->d_name) != "..")
            names.push_back(de->d_name);
    ::closedir(d);
    for (auto& n : names) {
        std::string r = rel.empty() ? n : rel + "/" + n;
        struct stat st;
        if (::lstat((root + "/" + r).c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            TRY(read_dir(store, root, r, files, depth + 1));
        } else if (S_ISREG(st.st_mode)) {
            TRY_ASSIGN(auto fd, sys::open_file(root + "/" + r, O_RDONLY | O_CLOEXEC));
            TRY_ASSIGN(files.digest[r], ingest_fd(store, fd.get()).context(r));
        }
    }
    return {};
}

std::string normalise_tag(const std::string& t) {
    auto r = parse_reference(t);
    return r.ok() ? r->str() : "";
}

Result<std::vector<ImageRecord>> load_oci(Store& store, const ArchiveFiles& files) {
    TRY_ASSIGN(auto idig, files.get("index.json"));
    TRY_ASSIGN(auto body, store.read_blob(idig));
    TRY_ASSIGN(auto idx, parse_index(body).context("index.json"));
    std::map<std::string, std::vector<std::string>> tags;  // manifest digest -> tags
    std::vector<std::string> order;
    for (auto& d : idx.manifests) {
        Descriptor m = d;
        if (is_index_type(d.media_type)) {
            TRY_ASSIGN(auto nested_body, store.read_blob(d.digest).context("index.json entry"));
            TRY_ASSIGN(auto nested, parse_index(nested_body));
            TRY_ASSIGN(m, select_platform(nested, host_platform()));
        }
        if (!tags.count(m.digest)) order.push_back(m.digest);
        auto& tv = tags[m.digest];
        std::string name;
        if (auto it = d.annotations.find("io.containerd.image.name"); it != d.annotations.end())
            name = normalise_tag(it->second);
        else if (auto it2 = d.annotations.find("org.opencontainers.image.ref.name");
                 it2 != d.annotations.end() && it2->second.find_first_of("/:") != std::string::npos)
            name = normalise_tag(it2->second);
        if (!name.empty()) tv.push_back(name);
    }
    std::vector<ImageRecord> out;
    for (auto& md : order) {
        TRY_ASSIGN(auto rec, record_from_manifest(store, md, tags[md], {}));
        out.push_back(std::move(rec));
    }
    return out;
}

Result<std::vector<ImageRecord>> load_docker(Store& store, const ArchiveFiles& files) {
    TRY_ASSIGN(auto mdig, files.get("manifest.json"));
    TRY_ASSIGN(auto body, store.read_blob(mdig));
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        return invalid_input("manifest.json is not a JSON array");
    std::vector<ImageRecord> out;
    for (auto& item : j) {
        if (!item.is_object() || !item.contains("Config") || !item["Config"].is_string())
            return invalid_input("manifest.json: entry without Config");
        Manifest m;
        m.media_type = media::kOciManifest;
        TRY_ASSIGN(m.config.digest, files.get(item["Config"].get<std::string>()));
        m.config.media_type = media::kOciConfig;
        TRY_ASSIGN(auto cbody, store.read_blob(m.config.digest));
        m.config.size = static_cast<int64_t>(cbody.size());
        for (auto& l : item.value("Layers", json::array())) {
            if (!l.is_string()) return invalid_input("manifest.json: layer is not a string");
            Descriptor d;
            TRY_ASSIGN(d.digest, files.get(l.get<std::string>()));
            struct stat st;
            if (::stat(store.blob_path(d.digest).c_str(), &st) != 0)
                return Error::from_errno("stat layer " + d.digest);
            d.size = st.st_size;
            TRY_ASSIGN(auto comp, blob_compression(store, d.digest));
            d.media_type = layer_media_type(comp);
            m.layers.push_back(d);
        }
        TRY_ASSIGN(auto mdigest, store.put_blob(serialize_manifest(m)));
        std::vector<std::string> tags;
        for (auto& t : item.value("RepoTags", json::array()))
            if (t.is_string() && !normalise_tag(t.get<std::string>()).empty())
                tags.push_back(normalise_tag(t.get<std::string>()));
        TRY_ASSIGN(auto rec, record_from_manifest(store, mdigest, tags, {}));
        out.push_back(std::move(rec));
    }
    return out;
}

}  // namespace

Result<ImageRecord> import_rootfs(Store& store, const std::string& tar_path, const std::string& ref,
                                  const ImportOptions& opts) {
    std::vector<std::string> tags;
    if (!ref.empty()) {
        TRY_ASSIGN(auto r, parse_reference(ref));
        if (!r.digest.empty()) return invalid_input("import: a digest cannot be given as the name");
        tags.push_back(r.str());
    }
    json run_config = json::object();
    for (auto& c : opts.changes) TRY(apply_config_change(run_config, c));
    TRY_ASSIGN(auto guard, IngestGuard::begin(store));
    TRY_ASSIGN(auto in, open_input(tar_path));
    TRY_ASSIGN(auto layer_digest, ingest_fd(store, in.get()).context("import " + tar_path));
    TRY_ASSIGN(auto comp, blob_compression(store, layer_digest));
    // Unpacking computes the diff_id and proves the tar is sane before any
    // image refers to it.
    TRY_ASSIGN(auto tmp, store.make_temp_dir("unpack"));
    ScopeExit cleanup([&] { (void)sys::remove_tree(tmp); });
    TRY_ASSIGN(auto lfd, sys::open_file(store.blob_path(layer_digest), O_RDONLY | O_CLOEXEC));
    TRY_ASSIGN(auto un, unpack_layer(lfd.get(), tmp, {}).context("import " + tar_path));
    TRY(store.commit_snapshot(tmp, un.diff_id));
    cleanup.dismiss();

    auto host = host_platform();
    std::string now = now_rfc3339();
    json cfg = {
        {"architecture", host.architecture},
        {"os", "linux"},
        {"created", now},
        {"config", run_config},
        {"rootfs", {{"type", "layers"}, {"diff_ids", {un.diff_id}}}},
        {"history",
         {{{"created", now},
           {"created_by", "nook import " + tar_path},
           {"comment", opts.message.empty() ? "Imported from " + tar_path : opts.message}}}}};
    if (!host.variant.empty()) cfg["variant"] = host.variant;
    std::string cbody = cfg.dump();
    TRY_ASSIGN(auto cdigest, store.put_blob(cbody));
    Manifest m;
    m.media_type = media::kOciManifest;
    m.config = {media::kOciConfig, cdigest, static_cast<int64_t>(cbody.size())};
    struct stat st;
    if (::stat(store.blob_path(layer_digest).c_str(), &st) != 0)
        return Error::from_errno("stat " + layer_digest);
    m.layers.push_back({layer_media_type(comp), layer_digest, st.st_size});
    TRY_ASSIGN(auto mdigest, store.put_blob(serialize_manifest(m)));
    TRY_ASSIGN(auto rec, record_from_manifest(store, mdigest, tags, {}));
    TRY(commit_image(store, rec));
    guard.commit();
    return rec;
}

Result<std::vector<ImageRecord>> load_archive(Store& store, const std::string& path) {
    TRY_ASSIGN(auto guard, IngestGuard::begin(store));
    ArchiveFiles files;
    struct stat st;
    if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        TRY(read_dir(store, path, "", files).context("load " + path));
    } else {
        TRY_ASSIGN(auto fd, open_input(path));
        TRY(read_tar(store, fd.get(), files).context("load " + path));
    }
    Result<std::vector<ImageRecord>> recs = std::vector<ImageRecord>{};
    bool has_index = files.get("index.json").ok();
    if (has_index) recs = load_oci(store, files);
    if (has_index && recs.ok() && recs->empty()) has_index = false;
    if (!has_index) {
        if (!files.get("manifest.json").ok())
            return invalid_input("load " + path +
                                 ": neither an OCI layout (index.json) nor a docker archive "
                                 "(manifest.json)");
        recs = load_docker(store, files);
    }
    if (!recs.ok()) return std::move(recs).error().context("load " + path);
    // Every image's layers first, then all records in one write: an archive
    // whose last image is broken adds none of them.
    for (auto& r : *recs) TRY(ensure_snapshots(store, r).context("load " + path));
    TRY(store.add_images(*recs).context("load " + path));
    guard.commit();
    return recs;
}

Result<SaveFormat> parse_save_format(const std::string& s) {
    if (s == "docker-archive" || s.empty()) return SaveFormat::docker_archive;
    if (s == "oci-archive") return SaveFormat::oci_archive;
    if (s == "oci-dir") return SaveFormat::oci_dir;
    return invalid_input("unknown format " + s + " (docker-archive, oci-archive, oci-dir)");
}

Status save_images(Store& store, const std::vector<std::string>& images, SaveFormat format,
                   const std::string& path) {
    json index = {
        {"schemaVersion", 2}, {"mediaType", media::kOciIndex}, {"manifests", json::array()}};
    json dmanifest = json::array();
    std::vector<std::string> blobs;
    std::set<std::string> seen;
    auto add_blob = [&](const std::string& d) {
        if (seen.insert(d).second) blobs.push_back(d);
    };
    auto blob_name = [](const std::string& d) { return "blobs/sha256/" + digest_hex(d); };
    for (auto& name : images) {
        TRY_ASSIGN(auto rec, store.resolve(name));
        TRY_ASSIGN(auto mbody, store.read_blob(rec.manifest_digest));
        Descriptor md{rec.manifest_media_type, rec.manifest_digest,
                      static_cast<int64_t>(mbody.size())};
        // Save only the names asked for when a name was given, all when an id was.
        std::vector<std::string> tags;
        auto ref = parse_reference(name);
        for (auto& t : rec.repo_tags)
            if (!ref.ok() || digest_hex(rec.id).rfind(digest_hex(name), 0) == 0 || t == ref->str())
                tags.push_back(t);
        if (tags.empty()) {
            index["manifests"].push_back(to_json(md));
        }
        for (auto& t : tags) {
            Descriptor d = md;
            auto r = parse_reference(t);
            d.annotations["io.containerd.image.name"] = t;
            if (r.ok() && !r->tag.empty())
                d.annotations["org.opencontainers.image.ref.name"] = r->tag;
            index["manifests"].push_back(to_json(d));
        }
        json item = {
            {"Config", blob_name(rec.id)}, {"RepoTags", json::array()}, {"Layers", json::array()}};
        for (auto& t : tags) item["RepoTags"].push_back(familiar_tag(t));
        add_blob(rec.manifest_digest);
        add_blob(rec.id);
        for (auto& l : rec.layers) {
            item["Layers"].push_back(blob_name(l.blob.digest));
            add_blob(l.blob.digest);
        }
        dmanifest.push_back(item);
    }
    std::string layout = R"({"imageLayoutVersion":"1.0.0"})";
    if (format == SaveFormat::oci_dir) {
        TRY(sys::mkdir_p(path + "/blobs/sha256"));
        TRY(sys::write_file_atomic(path + "/oci-layout", layout));
        TRY(sys::write_file_atomic(path + "/index.json", index.dump()));
        TRY(sys::write_file_atomic(path + "/manifest.json", dmanifest.dump()));
        for (auto& b : blobs) {
            std::string dst = path + "/" + blob_name(b);
            if (sys::path_exists(dst)) continue;
            if (::link(store.blob_path(b).c_str(), dst.c_str()) == 0) continue;
            TRY_ASSIGN(auto data, sys::read_file(store.blob_path(b)));
            TRY(sys::write_file_atomic(dst, data));
        }
        return {};
    }
    UniqueFd out;
    std::string tmp;
    if (path == "-") {
        out = UniqueFd(::fcntl(1, F_DUPFD_CLOEXEC, 3));
    } else {
        tmp = path + ".nook-tmp";
        TRY_ASSIGN(out, sys::open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    }
    ScopeExit drop([&] {
        if (!tmp.empty()) ::unlink(tmp.c_str());
    });
    TarWriter tw(out.get());
    TRY(tw.add_file("oci-layout", layout));
    TRY(tw.add_file("index.json", index.dump()));
    TRY(tw.add_file("manifest.json", dmanifest.dump()));
    TRY(tw.add_dir("blobs"));
    TRY(tw.add_dir("blobs/sha256"));
    for (auto& b : blobs) TRY(tw.add_file_from(blob_name(b), store.blob_path(b)));
    TRY(tw.finish());
    if (!tmp.empty()) {
        if (::fsync(out.get()) != 0) return Error::from_errno("fsync " + tmp);
        if (::rename(tmp.c_str(), path.c_str()) != 0) return Error::from_errno("rename to " + path);
        drop.dismiss();
    }
    return {};
}

}  // namespace nook::image
