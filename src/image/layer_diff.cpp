// Upper dir -> docker diff / layer tar / committed image (see layer_diff.h).
#include "image/layer_diff.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "image/archive.h"
#include "image/images.h"
#include "image/ingest_guard.h"
#include "image/snapshot.h"
#include "sys/file.h"
#include "sys/file_misc.h"

namespace nook::image {

using nlohmann::json;

namespace {

constexpr const char* kOpaque = "trusted.overlay.opaque";

bool is_whiteout(const struct stat& st) {
    return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

bool has_xattr(const std::string& path, const char* name, std::string* value = nullptr) {
    char buf[4096];
    ssize_t n = ::lgetxattr(path.c_str(), name, buf, sizeof(buf));
    if (n < 0) return false;
    if (value) value->assign(buf, static_cast<size_t>(n));
    return true;
}

bool is_opaque(const std::string& path) {
    std::string v;
    return has_xattr(path, kOpaque, &v) && v == "y";
}

// Directories whose content overlay keeps elsewhere: the upper dir alone is
// not the change, so neither diff nor commit can be right.
Status check_self_contained(const std::string& path, const std::string& rel) {
    if (has_xattr(path, "trusted.overlay.redirect"))
        return invalid_input("/" + rel +
                             " was renamed with overlay's redirect_dir: its content "
                             "is not in the container's layer");
    if (has_xattr(path, "trusted.overlay.metacopy"))
        return invalid_input("/" + rel +
                             " is an overlay metacopy file: its data is not in the "
                             "container's layer");
    return {};
}

bool is_overlay_private(std::string_view name) {
    return name.starts_with("trusted.overlay.") || name.starts_with("user.overlay.");
}

// What the lower layers show at rel: found (and not whited out above).
bool in_lowers(const std::vector<std::string>& lowers, const std::string& rel) {
    for (auto& l : lowers) {
        struct stat st;
        if (::lstat((l + "/" + rel).c_str(), &st) == 0) return !is_whiteout(st);
        // An opaque parent in this layer hides everything further down.
        auto slash = rel.rfind('/');
        std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
        if (!parent.empty() && is_opaque(l + "/" + parent)) return false;
    }
    return false;
}

// Names the lower layers show inside directory rel (merged, whiteouts applied).
std::set<std::string> lower_names(const std::vector<std::string>& lowers, const std::string& rel) {
    std::set<std::string> names, hidden;
    for (auto& l : lowers) {
        std::string d = l + "/" + rel;
        for (auto& n : sys::dir_entries(d)) {
            if (hidden.count(n) || names.count(n)) continue;
            struct stat st;
            if (::lstat((d + "/" + n).c_str(), &st) != 0) continue;
            if (is_whiteout(st))
                hidden.insert(n);
            else
                names.insert(n);
        }
        if (is_opaque(d)) break;
    }
    return names;
}

Status walk_changes(const std::string& upper, const std::vector<std::string>& lowers,
                    const std::string& rel, std::vector<Change>& out, int depth) {
    if (depth > 4096) return invalid_input("directory tree too deep at /" + rel);
    std::string dir = rel.empty() ? upper : upper + "/" + rel;
    for (auto& n : sys::dir_entries(dir)) {
        std::string r = rel.empty() ? n : rel + "/" + n;
        std::string p = upper + "/" + r;
        struct stat st;
        if (::lstat(p.c_str(), &st) != 0) return Error::from_errno("lstat " + p);
        if (is_whiteout(st)) {
            out.push_back({'D', "/" + r});
            continue;
        }
        TRY(check_self_contained(p, r));
        bool existed = in_lowers(lowers, r);
        out.push_back({existed ? 'C' : 'A', "/" + r});
        if (!S_ISDIR(st.st_mode)) continue;
        if (existed && is_opaque(p)) {
            std::set<std::string> mine;
            for (auto& c : sys::dir_entries(p)) mine.insert(c);
            for (auto& c : lower_names(lowers, r))
                if (!mine.count(c)) out.push_back({'D', "/" + r + "/" + c});
        }
        TRY(walk_changes(upper, lowers, r, out, depth + 1));
    }
    return {};
}

// ---- tar writing ----

struct ArchiveDeleter {
    void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<struct archive_entry, EntryDeleter>;

class TreeWriter {
  public:
    TreeWriter(std::string root, int fd, TreeTar mode)
        : root_(std::move(root)), fd_(fd), mode_(mode) {}

    Status run() {
        a_.reset(archive_write_new());
        if (!a_) return Error(ENOMEM, "archive_write_new");
        archive_write_set_format_pax_restricted(a_.get());
        archive_write_set_bytes_per_block(a_.get(), 0);
        if (archive_write_open_fd(a_.get(), fd_) != ARCHIVE_OK) return err("open");
        TRY(walk("", 0));
        if (archive_write_close(a_.get()) != ARCHIVE_OK) return err("close");
        return {};
    }

  private:
    Status err(const std::string& what) {
        const char* m = archive_error_string(a_.get());
        int e = archive_errno(a_.get());
        return Error(e ? e : EIO, "write tar (" + what + "): " + (m ? m : "?"));
    }

    Status marker(const std::string& name) {
        EntryPtr e(archive_entry_new());
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), 0);
        if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return err(name);
        return {};
    }

    void add_xattrs(struct archive_entry* e, const std::string& p) {
        char names[65536];
        ssize_t n = ::llistxattr(p.c_str(), names, sizeof(names));
        for (ssize_t off = 0; n > 0 && off < n;) {
            std::string name(names + off);
            off += static_cast<ssize_t>(name.size()) + 1;
            if (is_overlay_private(name)) continue;
            char val[65536];
            ssize_t vn = ::lgetxattr(p.c_str(), name.c_str(), val, sizeof(val));
            if (vn >= 0)
                archive_entry_xattr_add_entry(e, name.c_str(), val, static_cast<size_t>(vn));
        }
    }

    Status entry(const std::string& rel, const std::string& p, const struct stat& st) {
        EntryPtr e(archive_entry_new());
        archive_entry_copy_stat(e.get(), &st);
        std::string name = S_ISDIR(st.st_mode) ? rel + "/" : rel;
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_atime(e.get(), 0, 0);
        archive_entry_unset_atime(e.get());
        archive_entry_unset_ctime(e.get());
        archive_entry_unset_birthtime(e.get());
        if (S_ISLNK(st.st_mode)) {
            char buf[PATH_MAX + 1];
            ssize_t n = ::readlink(p.c_str(), buf, PATH_MAX);
            if (n < 0) return Error::from_errno("readlink " + p);
            archive_entry_set_symlink(e.get(), std::string(buf, static_cast<size_t>(n)).c_str());
        }
        if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
            auto key = std::make_pair(st.st_dev, st.st_ino);
            if (auto it = links_.find(key); it != links_.end()) {
                archive_entry_set_hardlink(e.get(), it->second.c_str());
                archive_entry_set_size(e.get(), 0);
                if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return err(rel);
                return {};
            }
            links_[key] = rel;
        }
        if (!S_ISREG(st.st_mode)) archive_entry_set_size(e.get(), 0);
        add_xattrs(e.get(), p);
        if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return err(rel);
        if (S_ISREG(st.st_mode) && st.st_size > 0) {
            TRY_ASSIGN(auto fd, sys::open_file(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
            char buf[1 << 16];
            int64_t left = st.st_size;
            while (left > 0) {
                ssize_t n = ::read(fd.get(), buf, std::min<int64_t>(sizeof(buf), left));
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) return Error::from_errno("read " + p);
                if (n == 0) return Error(EIO, p + " shrank while it was archived");
                if (archive_write_data(a_.get(), buf, static_cast<size_t>(n)) != n) return err(rel);
                left -= n;
            }
        }
        return {};
    }

    Status walk(const std::string& rel, int depth) {
        if (depth > 4096) return invalid_input("directory tree too deep at /" + rel);
        std::string dir = rel.empty() ? root_ : root_ + "/" + rel;
        for (auto& n : sys::dir_entries(dir)) {
            std::string r = rel.empty() ? n : rel + "/" + n;
            std::string p = root_ + "/" + r;
            struct stat st;
            if (::lstat(p.c_str(), &st) != 0) return Error::from_errno("lstat " + p);
            if (mode_ == TreeTar::overlay_upper) {
                if (is_whiteout(st)) {
                    TRY(marker((rel.empty() ? "" : rel + "/") + ".wh." + n));
                    continue;
                }
                TRY(check_self_contained(p, r));
            }
            TRY(entry(r, p, st));
            if (!S_ISDIR(st.st_mode)) continue;
            if (mode_ == TreeTar::overlay_upper && is_opaque(p)) TRY(marker(r + "/.wh..wh..opq"));
            TRY(walk(r, depth + 1));
        }
        return {};
    }

    std::string root_;
    int fd_;
    TreeTar mode_;
    std::unique_ptr<struct archive, ArchiveDeleter> a_;
    std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

// The keys of a container's docker Config that an image config carries.
void take_container_config(json& cfg, const json& container) {
    if (!container.is_object()) return;
    for (auto key : {"Cmd", "Entrypoint", "Env", "WorkingDir", "User", "ExposedPorts", "Labels",
                     "Volumes", "StopSignal", "OnBuild"}) {
        if (container.contains(key) && !container[key].is_null())
            cfg[key] = container[key];
        else
            cfg.erase(key);
    }
}

}  // namespace

Result<std::vector<Change>> upper_changes(const std::string& upper,
                                          const std::vector<std::string>& lowers) {
    std::vector<Change> out;
    TRY(walk_changes(upper, lowers, "", out, 0));
    std::sort(out.begin(), out.end(),
              [](const Change& a, const Change& b) { return a.path < b.path; });
    return out;
}

Status write_tree_tar(const std::string& dir, int out_fd, TreeTar mode) {
    return TreeWriter(dir, out_fd, mode).run();
}

Result<ImageRecord> commit_upper(Store& store, const ImageRecord& base, const std::string& upper,
                                 const CommitOptions& opts) {
    std::vector<std::string> tags;
    if (!opts.ref.empty()) {
        TRY_ASSIGN(auto r, parse_reference(opts.ref));
        if (!r.digest.empty()) return invalid_input("commit: a digest cannot be given as the name");
        tags.push_back(r.str());
    }
    TRY_ASSIGN(auto base_cfg, image_config(store, base));
    json cfg = base_cfg.raw;
    json run = cfg.value("config", json::object());
    if (!run.is_object()) run = json::object();
    take_container_config(run, opts.container_config);
    for (auto& c : opts.changes) TRY(apply_config_change(run, c));

    TRY_ASSIGN(auto guard, IngestGuard::begin(store));
    // The layer goes to the store uncompressed (diff_id == blob digest), as
    // docker keeps committed layers; push compresses nothing either way.
    TRY_ASSIGN(auto w, store.new_blob_writer());
    {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) return Error::from_errno("pipe");
        UniqueFd rd(p[0]), wr(p[1]);
        Status wst;
        std::thread th([&, fd = std::move(wr)]() mutable {
            wst = write_tree_tar(upper, fd.get(), TreeTar::overlay_upper);
            fd.reset();
        });
        Status rst;
        char buf[1 << 16];
        for (;;) {
            ssize_t n = ::read(rd.get(), buf, sizeof(buf));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                rst = Error::from_errno("read layer stream");
                break;
            }
            if (n == 0) break;
            if (rst.ok()) rst = w.write(buf, static_cast<size_t>(n));
        }
        rd.reset();
        th.join();
        TRY(std::move(wst).context("layer of " + opts.container_id));
        TRY(rst);
    }
    int64_t layer_size = w.size();
    TRY_ASSIGN(auto layer_digest, w.commit(""));
    LayerRecord layer{{media::kOciLayer, layer_digest, layer_size}, layer_digest};
    TRY(ensure_snapshot(store, layer));

    std::string now = now_rfc3339();
    cfg["created"] = now;
    cfg["config"] = run;
    if (!opts.author.empty()) cfg["author"] = opts.author;
    if (!opts.container_id.empty()) cfg["container"] = opts.container_id;
    if (!cfg.contains("rootfs") || !cfg["rootfs"].is_object())
        cfg["rootfs"] = {{"type", "layers"}, {"diff_ids", json::array()}};
    cfg["rootfs"]["diff_ids"].push_back(layer_digest);
    json h = {{"created", now}, {"created_by", "nook commit"}};
    if (!opts.author.empty()) h["author"] = opts.author;
    if (!opts.comment.empty()) h["comment"] = opts.comment;
    if (!cfg.contains("history") || !cfg["history"].is_array()) cfg["history"] = json::array();
    cfg["history"].push_back(h);
    std::string cbody = cfg.dump();
    TRY_ASSIGN(auto cdigest, store.put_blob(cbody));

    Manifest m;
    m.media_type = media::kOciManifest;
    m.config = {media::kOciConfig, cdigest, static_cast<int64_t>(cbody.size())};
    for (auto& l : base.layers) m.layers.push_back(l.blob);
    m.layers.push_back(layer.blob);
    TRY_ASSIGN(auto mdigest, store.put_blob(serialize_manifest(m)));
    TRY_ASSIGN(auto rec, record_from_manifest(store, mdigest, tags, {}));
    TRY(commit_image(store, rec));
    guard.commit();
    return rec;
}

}  // namespace nook::image
