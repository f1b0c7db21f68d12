#include "image/pull.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "base/scope_exit.h"
#include "image/images.h"
#include "image/ingest_guard.h"
#include "image/snapshot.h"
#include "image/unpack.h"
#include "sys/file.h"

namespace nook::image {

namespace {

constexpr const char* kAccept =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr int kRangeIgnored = ERANGE;

struct Ctx {
    Store& store;
    RegistryClient& client;
    const Reference& ref;
    std::string scope;
    const PullOptions& opts;
    std::mutex progress_mu;
    void progress(const std::string& id, const std::string& st, int64_t cur, int64_t total) {
        if (!opts.progress) return;
        std::lock_guard lk(progress_mu);
        opts.progress(id, st, cur, total);
    }
};

struct Fetched {
    std::string body;
    std::string digest;
    std::string media_type;
};

Result<Fetched> fetch_manifest(Ctx& c, const std::string& what) {
    HttpRequest req;
    req.url = "/v2/" + c.ref.path + "/manifests/" + what;
    req.headers["Accept"] = kAccept;
    req.scope = c.scope;
    TRY_ASSIGN(auto r, c.client.send(req));
    if (r.status != 200)
        return RegistryClient::status_error("manifest " + c.ref.name() + ":" + what, r);
    Fetched f;
    f.body = std::move(r.body);
    f.digest = sha256_digest(f.body);
    std::string claimed = r.header("docker-content-digest");
    if (!claimed.empty() && claimed != f.digest)
        return invalid_input("manifest " + what + " does not match its digest: registry says " +
                             claimed + ", content is " + f.digest);
    if (what.rfind("sha256:", 0) == 0 && what != f.digest)
        return invalid_input("manifest " + what + " does not match its digest (content is " +
                             f.digest + ")");
    TRY_ASSIGN(f.media_type, detect_media_type(f.body, r.header("content-type"))
                                 .context("manifest " + c.ref.name() + ":" + what));
    return f;
}

Status fetch_small_blob(Ctx& c, const Descriptor& d) {
    if (c.store.has_blob(d.digest)) return {};
    HttpRequest req;
    req.url = "/v2/" + c.ref.path + "/blobs/" + d.digest;
    req.scope = c.scope;
    TRY_ASSIGN(auto r, c.client.send(req));
    if (r.status != 200) return RegistryClient::status_error("blob " + d.digest, r);
    if (static_cast<int64_t>(r.body.size()) != d.size)
        return invalid_input("blob " + d.digest + ": size " + std::to_string(r.body.size()) +
                             " does not match the manifest's " + std::to_string(d.size));
    TRY(c.store.put_blob(r.body, d.digest));
    return {};
}

// One attempt at downloading a layer blob, teeing it into the unpacker.
Status download_layer(Ctx& c, const LayerRecord& l, bool resume) {
    const std::string id = short_id(l.blob.digest);
    bool unpack = !c.store.has_snapshot(l.diff_id);
    TRY_ASSIGN(auto w,
               resume ? c.store.resume_blob_writer(l.blob.digest) : c.store.new_blob_writer());
    int64_t offset = w.size();
    if (offset >= l.blob.size) {                     // a bogus or complete partial: start over
        (void)w.commit(l.blob.digest, l.blob.size);  // succeeds if the partial was complete
        if (c.store.has_blob(l.blob.digest)) return unpack ? ensure_snapshot(c.store, l) : Status{};
        return Error(kRangeIgnored, "partial download unusable");
    }

    int pfd[2] = {-1, -1};
    std::string tmp;
    Result<UnpackResult> unpacked = Error::invalid("not run");
    std::thread th;
    UniqueFd wr;
    ScopeExit cleanup([&] {
        wr.reset();
        if (th.joinable()) th.join();
        if (!tmp.empty()) (void)sys::remove_tree(tmp);
    });
    if (unpack) {
        TRY_ASSIGN(tmp, c.store.make_temp_dir("unpack"));
        if (::pipe2(pfd, O_CLOEXEC) != 0) return Error::from_errno("pipe");
        wr.reset(pfd[1]);
        UnpackOptions uo;
        uo.expected_diff_id = l.diff_id;
        th = std::thread([&, rd = pfd[0], uo] {
            unpacked = unpack_layer(rd, tmp, uo);
            // Keep reading so the downloader never blocks on a dead pipe.
            char buf[1 << 16];
            while (::read(rd, buf, sizeof(buf)) > 0) {
            }
            ::close(rd);
        });
        // Replay what an earlier attempt already saved.
        if (offset > 0) {
            TRY_ASSIGN(auto pf, sys::open_file(w.temp_path(), O_RDONLY | O_CLOEXEC));
            char buf[1 << 16];
            int64_t left = offset;
            while (left > 0) {
                ssize_t n = ::read(pf.get(), buf, std::min<int64_t>(sizeof(buf), left));
                if (n <= 0) return Error::from_errno("read partial download");
                TRY(sys::write_all(wr.get(), std::string_view(buf, static_cast<size_t>(n))));
                left -= n;
            }
        }
    }
    HttpRequest req;
    req.url = "/v2/" + c.ref.path + "/blobs/" + l.blob.digest;
    req.scope = c.scope;
    if (offset > 0) req.headers["Range"] = "bytes=" + std::to_string(offset) + "-";
    req.on_start = [&](long code) -> Status {
        if (offset > 0 && code != 206) return Error(kRangeIgnored, "registry ignored Range");
        return {};
    };
    int64_t got = offset, last_report = 0;
    req.sink = [&](const char* p, size_t n) -> Status {
        if (got + static_cast<int64_t>(n) > l.blob.size)
            return invalid_input("blob " + l.blob.digest + " is larger than the manifest says");
        TRY(w.write(p, n));
        if (wr) TRY(sys::write_all(wr.get(), std::string_view(p, n)).context("feed unpacker"));
        got += static_cast<int64_t>(n);
        if (got - last_report >= (256 << 10) || got == l.blob.size) {
            last_report = got;
            c.progress(id, "Downloading", got, l.blob.size);
        }
        return {};
    };
    auto r = c.client.send(req);
    wr.reset();
    if (th.joinable()) th.join();
    if (!r.ok()) return std::move(r).error().context("layer " + l.blob.digest);
    if (r->status != 200 && r->status != 206)
        return RegistryClient::status_error("layer " + l.blob.digest, *r);
    if (got < l.blob.size)
        return invalid_input("layer " + l.blob.digest + " is truncated (" + std::to_string(got) +
                             " of " + std::to_string(l.blob.size) + " bytes)");
    // Digest first: a mismatch means the unpacked content is not to be trusted.
    TRY(w.commit(l.blob.digest, l.blob.size).context("layer " + short_id(l.blob.digest)));
    c.progress(id, "Download complete", got, l.blob.size);
    if (unpack) {
        if (!unpacked.ok()) return std::move(unpacked).error().context("unpack layer " + id);
        TRY(c.store.commit_snapshot(tmp, l.diff_id));
        tmp.clear();
    }
    return {};
}

Status fetch_layer(Ctx& c, const LayerRecord& l) {
    const std::string id = short_id(l.blob.digest);
    bool have_blob = c.store.has_blob(l.blob.digest);
    bool have_snap = c.store.has_snapshot(l.diff_id);
    if (have_blob && have_snap) {
        c.progress(id, "Already exists", 0, 0);
        return {};
    }
    if (have_blob) {
        TRY(ensure_snapshot(c.store, l));
        c.progress(id, "Pull complete", 0, 0);
        return {};
    }
    c.progress(id, "Pulling fs layer", 0, l.blob.size);
    auto st = download_layer(c, l, true);
    if (!st.ok() && st.error().code() == kRangeIgnored) {
        ::unlink((c.store.dir() + "/tmp/partial-" + digest_hex(l.blob.digest)).c_str());
        st = download_layer(c, l, false);
    }
    TRY(st);
    c.progress(id, "Pull complete", l.blob.size, l.blob.size);
    return {};
}

}  // namespace

Result<PullResult> pull_image(Store& store, const std::string& reference, const PullOptions& opts) {
    TRY_ASSIGN(auto ref, parse_reference(reference));
    RegistryClient client(ref.registry_host(), opts.registry);
    Ctx c{store, client, ref, "repository:" + ref.path + ":pull", opts, {}};
    // A failed pull removes what it fetched, partial downloads included.
    TRY_ASSIGN(auto guard, IngestGuard::begin(store));

    std::string what = ref.digest.empty() ? ref.tag : ref.digest;
    TRY_ASSIGN(auto top, fetch_manifest(c, what));
    PullResult res;
    res.digest = top.digest;
    Fetched man = top;
    std::string index_digest;
    if (is_index_type(top.media_type)) {
        TRY_ASSIGN(auto idx, parse_index(top.body).context("index " + ref.str()));
        TRY_ASSIGN(auto d, select_platform(idx, opts.platform).context(ref.str()));
        TRY(store.put_blob(top.body, top.digest));
        index_digest = top.digest;
        TRY_ASSIGN(man, fetch_manifest(c, d.digest));
        if (static_cast<int64_t>(man.body.size()) != d.size)
            return invalid_input("manifest " + d.digest + ": size does not match the index");
        if (!is_manifest_type(man.media_type))
            return invalid_input("index entry " + d.digest + " is not an image manifest");
    }
    TRY_ASSIGN(auto m, parse_manifest(man.body).context("manifest of " + ref.str()));
    TRY(fetch_small_blob(c, m.config).context("config of " + ref.str()));
    TRY_ASSIGN(auto cbody, store.read_blob(m.config.digest));
    TRY_ASSIGN(auto cfg, parse_config(cbody).context("config " + m.config.digest));
    if (cfg.diff_ids.size() != m.layers.size())
        return invalid_input("image " + ref.str() + ": config has " +
                             std::to_string(cfg.diff_ids.size()) + " diff_ids for " +
                             std::to_string(m.layers.size()) + " layers");
    std::vector<LayerRecord> layers;
    for (size_t i = 0; i < m.layers.size(); i++) layers.push_back({m.layers[i], cfg.diff_ids[i]});

    auto existing = store.resolve(ref.str());
    res.up_to_date = existing.ok() && existing->id == m.config.digest;

    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first;
    auto worker = [&] {
        for (size_t i; (i = next++) < layers.size();) {
            auto st = fetch_layer(c, layers[i]);
            std::lock_guard lk(mu);
            if (!st.ok() && first.ok()) first = std::move(st);
        }
    };
    std::vector<std::thread> ts;
    int n = std::max(1, std::min<int>(opts.jobs, static_cast<int>(layers.size())));
    for (int i = 0; i < n; i++) ts.emplace_back(worker);
    for (auto& t : ts) t.join();
    TRY(first);

    // The manifest goes in last: its presence plus the record mark completion.
    TRY(store.put_blob(man.body, man.digest));
    std::vector<std::string> tags;
    if (!ref.tag.empty()) tags.push_back(ref.name() + ":" + ref.tag);
    TRY_ASSIGN(res.record,
               record_from_manifest(store, man.digest, tags, {ref.name() + "@" + top.digest}));
    res.record.index_digest = index_digest;
    TRY(store.add_image(res.record));
    guard.commit();
    return res;
}

}  // namespace nook::image
