#include "image/push.h"

#include <fcntl.h>

#include "sys/file.h"

namespace nook::image {

namespace {

struct Ctx {
    Store& store;
    RegistryClient& client;
    Reference ref;
    std::string scope;
    const PushOptions& opts;
};

// Upload URLs come back in Location, absolute or relative to the registry.
std::string with_query(std::string url, const std::string& q) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + q;
}

Result<std::string> location(Ctx& c, const HttpResponse& r, const std::string& what) {
    std::string loc = r.header("location");
    if (loc.empty()) return invalid_input(what + ": registry sent no Location");
    if (loc.rfind("http://", 0) == 0 || loc.rfind("https://", 0) == 0) return loc;
    if (loc.front() != '/') loc = "/" + loc;
    return c.client.base_url() + loc;
}

Result<bool> blob_exists(Ctx& c, const std::string& digest) {
    HttpRequest req;
    req.method = "HEAD";
    req.url = "/v2/" + c.ref.path + "/blobs/" + digest;
    req.scope = c.scope;
    TRY_ASSIGN(auto r, c.client.send(req));
    if (r.status == 200) return true;
    if (r.status == 404) return false;
    return RegistryClient::status_error("HEAD blob " + digest, r);
}

Status upload_blob(Ctx& c, const Descriptor& d, const std::string& mount_from) {
    const std::string id = short_id(d.digest);
    TRY_ASSIGN(bool exists, blob_exists(c, d.digest));
    if (exists) {
        if (c.opts.progress) c.opts.progress(id, "Layer already exists", d.size, d.size);
        return {};
    }
    HttpRequest start;
    start.method = "POST";
    start.url = "/v2/" + c.ref.path + "/blobs/uploads/";
    start.scope = c.scope;
    if (!mount_from.empty() && mount_from != c.ref.path) {
        start.url += "?mount=" + d.digest + "&from=" + mount_from;
        // The token must also allow pulling from the source repository.
        start.scope = c.scope + " repository:" + mount_from + ":pull";
    }
    TRY_ASSIGN(auto r, c.client.send(start));
    if (r.status == 201) {
        if (c.opts.progress) c.opts.progress(id, "Mounted from " + mount_from, d.size, d.size);
        return {};
    }
    if (r.status != 202) return RegistryClient::status_error("start upload of " + d.digest, r);
    TRY_ASSIGN(auto url, location(c, r, "start upload"));
    TRY_ASSIGN(auto fd, sys::open_file(c.store.blob_path(d.digest), O_RDONLY | O_CLOEXEC));
    int64_t off = 0;
    if (c.opts.chunk_size > 0 && d.size > c.opts.chunk_size) {
        while (off < d.size) {
            int64_t len = std::min(c.opts.chunk_size, d.size - off);
            HttpRequest p;
            p.method = "PATCH";
            p.url = url;
            p.scope = c.scope;
            p.headers["Content-Type"] = "application/octet-stream";
            p.headers["Content-Range"] = std::to_string(off) + "-" + std::to_string(off + len - 1);
            p.body = UploadBody{nullptr, fd.get(), off, len};
            TRY_ASSIGN(auto pr, c.client.send(p));
            if (pr.status != 202)
                return RegistryClient::status_error("upload chunk of " + d.digest, pr);
            TRY_ASSIGN(url, location(c, pr, "upload chunk"));
            off += len;
            if (c.opts.progress) c.opts.progress(id, "Pushing", off, d.size);
        }
    }
    HttpRequest put;
    put.method = "PUT";
    put.url = with_query(url, "digest=" + d.digest);
    put.scope = c.scope;
    put.headers["Content-Type"] = "application/octet-stream";
    put.body = UploadBody{nullptr, fd.get(), off, d.size - off};
    TRY_ASSIGN(auto pr, c.client.send(put));
    if (pr.status != 201) return RegistryClient::status_error("upload of " + d.digest, pr);
    if (c.opts.progress) c.opts.progress(id, "Pushed", d.size, d.size);
    return {};
}

}  // namespace

Result<std::string> push_image(Store& store, const std::string& image,
                               const std::string& destination, const PushOptions& opts) {
    TRY_ASSIGN(auto rec, store.resolve(image));
    TRY_ASSIGN(auto ref, parse_reference(destination.empty() ? image : destination));
    RegistryClient client(ref.registry_host(), opts.registry);
    Ctx c{store, client, ref, "repository:" + ref.path + ":pull,push", opts};

    // Cross-repo mount source: the option, else another repository of the
    // same registry this image is already known under.
    std::string from = opts.mount_from;
    if (from.empty())
        for (auto& n : rec.repo_digests) {
            auto r = parse_reference(n);
            if (r.ok() && r->domain == ref.domain && r->path != ref.path) from = r->path;
        }
    TRY_ASSIGN(auto mbody, store.read_blob(rec.manifest_digest));
    TRY_ASSIGN(auto m, parse_manifest(mbody));
    for (auto& l : m.layers) TRY(upload_blob(c, l, from).context("push " + ref.str()));
    TRY(upload_blob(c, m.config, from).context("push " + ref.str()));

    HttpRequest put;
    put.method = "PUT";
    put.url = "/v2/" + ref.path + "/manifests/" + (ref.tag.empty() ? rec.manifest_digest : ref.tag);
    put.scope = c.scope;
    put.headers["Content-Type"] = rec.manifest_media_type;
    put.body = UploadBody{&mbody};
    TRY_ASSIGN(auto r, client.send(put));
    if (r.status != 201) return RegistryClient::status_error("push manifest " + ref.str(), r);
    std::string claimed = r.header("docker-content-digest");
    if (!claimed.empty() && claimed != rec.manifest_digest)
        return invalid_input("registry stored manifest as " + claimed + ", expected " +
                             rec.manifest_digest);
    // Remember where the image now lives (for later cross-repo mounts).
    ImageRecord upd = rec;
    upd.repo_tags.clear();
    upd.repo_digests = {ref.name() + "@" + rec.manifest_digest};
    TRY(store.add_image(upd));
    return rec.manifest_digest;
}

}  // namespace nook::image
