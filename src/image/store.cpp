#include "image/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "sys/file.h"
#include "sys/file_misc.h"
#include "sys/fs_extra.h"

namespace nook::image {

using nlohmann::json;

namespace {

std::string random_suffix() {
    static thread_local std::mt19937_64 rng(std::random_device{}() ^
                                            static_cast<uint64_t>(::getpid()));
    char buf[17];
    snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

json record_to_json(const ImageRecord& r) {
    json layers = json::array();
    for (auto& l : r.layers) {
        json j = to_json(l.blob);
        j["diffID"] = l.diff_id;
        layers.push_back(j);
    }
    return {{"id", r.id},
            {"manifestDigest", r.manifest_digest},
            {"manifestMediaType", r.manifest_media_type},
            {"indexDigest", r.index_digest},
            {"layers", layers},
            {"repoTags", r.repo_tags},
            {"repoDigests", r.repo_digests},
            {"created", r.created},
            {"os", r.os},
            {"architecture", r.architecture},
            {"variant", r.variant},
            {"size", r.size},
            {"addedAt", r.added_at}};
}

ImageRecord record_from_json(const json& j) {
    ImageRecord r;
    r.id = j.value("id", "");
    r.manifest_digest = j.value("manifestDigest", "");
    r.manifest_media_type = j.value("manifestMediaType", "");
    r.index_digest = j.value("indexDigest", "");
    for (auto& l : j.value("layers", json::array())) {
        LayerRecord lr;
        lr.blob.media_type = l.value("mediaType", "");
        lr.blob.digest = l.value("digest", "");
        lr.blob.size = l.value("size", int64_t{0});
        lr.diff_id = l.value("diffID", "");
        r.layers.push_back(lr);
    }
    r.repo_tags = j.value("repoTags", std::vector<std::string>{});
    r.repo_digests = j.value("repoDigests", std::vector<std::string>{});
    r.created = j.value("created", "");
    r.os = j.value("os", "");
    r.architecture = j.value("architecture", "");
    r.variant = j.value("variant", "");
    r.size = j.value("size", int64_t{0});
    r.added_at = j.value("addedAt", int64_t{0});
    return r;
}

Result<UniqueFd> lock_file(const std::string& path, bool exclusive) {
    TRY_ASSIGN(auto fd, sys::open_file(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    TRY(sys::lock_fd(fd.get(), exclusive).context("lock " + path));
    return fd;
}

}  // namespace

std::string short_id(const std::string& digest) {
    return digest_hex(digest).substr(0, 12);
}

// ---- BlobWriter ----

BlobWriter::~BlobWriter() {
    abort();
}

Status BlobWriter::write(const void* data, size_t len) {
    TRY(sys::write_all(fd_.get(), std::string_view(static_cast<const char*>(data), len))
            .context("write " + tmp_));
    hash_.update(data, len);
    size_ += static_cast<int64_t>(len);
    return {};
}

Result<std::string> BlobWriter::commit(const std::string& expected, int64_t expected_size) {
    if (!fd_) return Error::invalid("blob writer already finished");
    std::string got = hash_.digest();
    if (expected_size >= 0 && size_ != expected_size) {
        keep_on_abort_ = false;
        abort();
        return invalid_input("blob " + expected + ": size " + std::to_string(size_) +
                             " does not match the expected " + std::to_string(expected_size));
    }
    if (!expected.empty() && got != expected) {
        keep_on_abort_ = false;
        abort();
        return invalid_input("blob digest mismatch: expected " + expected + ", got " + got);
    }
    if (::fsync(fd_.get()) != 0) return Error::from_errno("fsync " + tmp_);
    fd_.reset();
    std::string dst = blobs_dir_ + "/" + digest_hex(got);
    if (::rename(tmp_.c_str(), dst.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp_.c_str());
        return Error(e, "rename blob into " + dst);
    }
    tmp_.clear();
    return got;
}

void BlobWriter::abort() {
    if (!tmp_.empty() && !keep_on_abort_) ::unlink(tmp_.c_str());
    tmp_.clear();
    fd_.reset();
}

// ---- Store ----

Result<Store> Store::open(const std::string& root) {
    Store s;
    s.root_ = root;
    s.dir_ = root + "/image";
    for (auto sub : {"/blobs/sha256", "/snapshots", "/containers", "/tmp"})
        TRY(sys::mkdir_p(s.dir_ + sub, 0700).context("create image store"));
    return s;
}

std::string Store::blob_path(const std::string& digest) const {
    return dir_ + "/blobs/sha256/" + digest_hex(digest);
}

bool Store::has_blob(const std::string& digest) const {
    return validate_digest(digest).ok() && sys::path_exists(blob_path(digest));
}

Result<BlobWriter> Store::new_blob_writer() {
    BlobWriter w;
    w.blobs_dir_ = dir_ + "/blobs/sha256";
    w.tmp_ = dir_ + "/tmp/ingest-" + random_suffix();
    TRY_ASSIGN(w.fd_, sys::open_file(w.tmp_, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    return w;
}

Result<BlobWriter> Store::resume_blob_writer(const std::string& digest) {
    TRY(validate_digest(digest));
    std::string path = dir_ + "/tmp/partial-" + digest_hex(digest);
    auto fd = sys::open_file(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (!fd.ok()) return std::move(fd).error();
    // Another process downloading the same blob owns the partial file.
    TRY_ASSIGN(bool mine, sys::try_lock_fd(fd->get(), true));
    if (!mine) return new_blob_writer();
    BlobWriter w;
    w.blobs_dir_ = dir_ + "/blobs/sha256";
    w.tmp_ = path;
    w.keep_on_abort_ = true;  // a failed download can resume next time
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd->get(), buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("read " + path);
        if (n == 0) break;
        w.hash_.update(buf, static_cast<size_t>(n));
        w.size_ += n;
    }
    w.fd_ = std::move(*fd);
    return w;
}

Result<std::string> Store::put_blob(std::string_view data, const std::string& expected) {
    if (!expected.empty() && has_blob(expected)) return expected;
    TRY_ASSIGN(auto w, new_blob_writer());
    TRY(w.write(data.data(), data.size()));
    return w.commit(expected);
}

Result<std::string> Store::read_blob(const std::string& digest) const {
    TRY(validate_digest(digest));
    TRY_ASSIGN(auto data, sys::read_file(blob_path(digest)).context("blob " + digest));
    if (sha256_digest(data) != digest)
        return invalid_input("blob " + digest + " in the store is corrupt (digest mismatch)");
    return data;
}

std::string Store::snapshot_path(const std::string& diff_id) const {
    return dir_ + "/snapshots/" + digest_hex(diff_id);
}

bool Store::has_snapshot(const std::string& diff_id) const {
    return validate_digest(diff_id).ok() && sys::path_exists(snapshot_path(diff_id));
}

Result<std::string> Store::make_temp_dir(const std::string& prefix) const {
    std::string p = dir_ + "/tmp/" + prefix + "-" + random_suffix();
    if (::mkdir(p.c_str(), 0755) != 0) return Error::from_errno("mkdir " + p);
    return p;
}

Status Store::commit_snapshot(const std::string& tmp, const std::string& diff_id) {
    std::string dst = snapshot_path(diff_id);
    if (::rename(tmp.c_str(), dst.c_str()) == 0) return {};
    int e = errno;
    if (e == ENOTEMPTY || e == EEXIST) {  // a concurrent unpack of the same layer won
        (void)sys::remove_tree(tmp);
        return {};
    }
    return Error(e, "rename snapshot into " + dst);
}

Result<UniqueFd> Store::lock_ingest() const {
    return lock_file(dir_ + "/gc.lock", false);
}
Result<UniqueFd> Store::lock_gc() const {
    return lock_file(dir_ + "/gc.lock", true);
}
Result<UniqueFd> Store::lock_meta() const {
    return lock_file(dir_ + "/store.lock", true);
}

Result<std::vector<ImageRecord>> Store::load_records() const {
    std::string path = dir_ + "/images.json";
    if (!sys::path_exists(path)) return std::vector<ImageRecord>{};
    TRY_ASSIGN(auto text, sys::read_file(path));
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return invalid_input(path + ": not valid JSON (store corrupt)");
    std::vector<ImageRecord> out;
    for (auto& r : j.value("images", json::array())) out.push_back(record_from_json(r));
    return out;
}

Status Store::save_records(const std::vector<ImageRecord>& recs) {
    json arr = json::array();
    for (auto& r : recs) arr.push_back(record_to_json(r));
    return sys::write_file_atomic(dir_ + "/images.json", json{{"images", arr}}.dump(1), 0600, true);
}

Result<std::vector<ImageRecord>> Store::list() const {
    // Readers take the lock too: images.json is replaced by rename, so this is
    // only to avoid reading between two related updates.
    TRY_ASSIGN(auto lk, lock_meta());
    TRY_ASSIGN(auto recs, load_records());
    std::sort(recs.begin(), recs.end(),
              [](const ImageRecord& a, const ImageRecord& b) { return a.added_at > b.added_at; });
    return recs;
}

Result<ImageRecord> Store::resolve(const std::string& name_or_id) const {
    TRY_ASSIGN(auto recs, list());
    std::string s = name_or_id;
    std::string hex = s.rfind("sha256:", 0) == 0 ? s.substr(7) : s;
    bool hexish =
        hex.size() >= 4 && hex.size() <= 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
    if (hexish) {
        const ImageRecord* found = nullptr;
        for (auto& r : recs)
            if (digest_hex(r.id).rfind(hex, 0) == 0) {
                if (found && found->id != r.id)
                    return Error(EINVAL, "image ID prefix " + s + " is ambiguous")
                        .without_errno_text();
                found = &r;
            }
        if (found) return *found;
    }
    auto ref = parse_reference(s);
    if (!ref.ok()) return Error(ENOENT, "no such image: " + s).without_errno_text();
    for (auto& r : recs) {
        if (!ref->digest.empty()) {
            std::string want = ref->name() + "@" + ref->digest;
            for (auto& d : r.repo_digests)
                if (d == want) return r;
            if (r.manifest_digest == ref->digest || r.index_digest == ref->digest)
                for (auto& d : r.repo_digests)
                    if (d.rfind(ref->name() + "@", 0) == 0) return r;
        } else {
            for (auto& t : r.repo_tags)
                if (t == ref->str()) return r;
        }
    }
    return Error(ENOENT, "no such image: " + s).without_errno_text();
}

Status Store::add_image(const ImageRecord& rec) {
    return add_images({rec});
}

Status Store::add_images(const std::vector<ImageRecord>& adds) {
    TRY_ASSIGN(auto lk, lock_meta());
    TRY_ASSIGN(auto recs, load_records());
    for (auto& rec : adds) {
        for (auto& r : recs)
            std::erase_if(r.repo_tags, [&](const std::string& t) {
                return r.id != rec.id && std::find(rec.repo_tags.begin(), rec.repo_tags.end(), t) !=
                                             rec.repo_tags.end();
            });
        auto it = std::find_if(recs.begin(), recs.end(), [&](auto& r) { return r.id == rec.id; });
        if (it == recs.end()) {
            ImageRecord n = rec;
            if (n.added_at == 0) n.added_at = ::time(nullptr);
            recs.push_back(n);
        } else {
            // Same image again (e.g. pulled under another name): merge names.
            for (auto& t : rec.repo_tags)
                if (std::find(it->repo_tags.begin(), it->repo_tags.end(), t) == it->repo_tags.end())
                    it->repo_tags.push_back(t);
            for (auto& d : rec.repo_digests)
                if (std::find(it->repo_digests.begin(), it->repo_digests.end(), d) ==
                    it->repo_digests.end())
                    it->repo_digests.push_back(d);
            if (it->manifest_digest.empty()) it->manifest_digest = rec.manifest_digest;
        }
    }
    // One write for all: a multi-image load adds every image or none.
    return save_records(recs);
}

Status Store::tag(const std::string& id, const Reference& ref) {
    TRY_ASSIGN(auto lk, lock_meta());
    TRY_ASSIGN(auto recs, load_records());
    bool found = false;
    for (auto& r : recs) {
        std::erase(r.repo_tags, ref.str());
        if (r.id == id) {
            r.repo_tags.push_back(ref.str());
            found = true;
        }
    }
    if (!found) return Error(ENOENT, "no such image: " + id).without_errno_text();
    return save_records(recs);
}

Result<bool> Store::untag(const Reference& ref) {
    TRY_ASSIGN(auto lk, lock_meta());
    TRY_ASSIGN(auto recs, load_records());
    for (auto& r : recs) {
        bool removed = false;
        if (!ref.digest.empty()) {
            removed = std::erase(r.repo_digests, ref.name() + "@" + ref.digest) > 0;
        } else {
            removed = std::erase(r.repo_tags, ref.str()) > 0;
        }
        if (removed) {
            bool empty = r.repo_tags.empty();
            TRY(save_records(recs));
            return empty;
        }
    }
    return Error(ENOENT, "no such image: " + ref.familiar()).without_errno_text();
}

Status Store::remove_record(const std::string& id) {
    TRY_ASSIGN(auto lk, lock_meta());
    TRY_ASSIGN(auto recs, load_records());
    auto n = std::erase_if(recs, [&](auto& r) { return r.id == id; });
    if (n == 0) return Error(ENOENT, "no such image: " + id).without_errno_text();
    return save_records(recs);
}

Result<std::vector<std::string>> Store::containers_using(const std::string& id) const {
    std::vector<std::string> out;
    for (auto& c : sys::dir_entries(dir_ + "/containers")) {
        auto img = sys::read_file(dir_ + "/containers/" + c + "/image");
        if (img.ok() && *img == id) out.push_back(c);
    }
    return out;
}

Result<int64_t> Store::collect_garbage() {
    TRY_ASSIGN(auto gc, lock_gc());
    TRY_ASSIGN(auto recs, list());
    std::set<std::string> blobs, snaps;
    for (auto& r : recs) {
        blobs.insert(digest_hex(r.id));
        if (!r.manifest_digest.empty()) blobs.insert(digest_hex(r.manifest_digest));
        if (!r.index_digest.empty()) blobs.insert(digest_hex(r.index_digest));
        for (auto& l : r.layers) {
            blobs.insert(digest_hex(l.blob.digest));
            snaps.insert(digest_hex(l.diff_id));
        }
    }
    int64_t freed = 0;
    for (auto& b : sys::dir_entries(dir_ + "/blobs/sha256")) {
        if (blobs.count(b)) continue;
        struct stat st;
        std::string p = dir_ + "/blobs/sha256/" + b;
        if (::stat(p.c_str(), &st) == 0) freed += st.st_size;
        ::unlink(p.c_str());
    }
    for (auto& s : sys::dir_entries(dir_ + "/snapshots"))
        if (!snaps.count(s)) TRY(sys::remove_tree(dir_ + "/snapshots/" + s));
    // Nobody ingests while we hold gc.lock exclusively, so tmp/ is garbage --
    // except partial downloads, which are kept to be resumed.
    for (auto& t : sys::dir_entries(dir_ + "/tmp"))
        if (t.rfind("partial-", 0) != 0) TRY(sys::remove_tree(dir_ + "/tmp/" + t));
    return freed;
}

}  // namespace nook::image
