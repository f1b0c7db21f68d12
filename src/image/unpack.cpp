#include "image/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <vector>

#include "base/unique_fd.h"
#include "image/decompress.h"
#include "image/digest.h"
#include "sys/file.h"
#include "sys/fs_extra.h"

namespace nook::image {

namespace {

constexpr const char* kWhPrefix = ".wh.";
constexpr const char* kWhOpaque = ".wh..wh..opq";
constexpr const char* kWhMeta = ".wh..wh.";

std::pair<std::string, std::string> split_parent(const std::string& p) {
    auto s = p.rfind('/');
    if (s == std::string::npos) return {"", p};
    return {p.substr(0, s), p.substr(s + 1)};
}

std::string join(const std::string& a, const std::string& b) {
    return a.empty() ? b : a + "/" + b;
}

// libarchive pulls the uncompressed stream through here; hashing it on the way
// gives the diff_id without a second pass.
struct StreamCtx {
    DecompressReader reader;
    Sha256 hash;
    int64_t bytes = 0;
    Error error;
    bool failed = false;
    std::unique_ptr<char[]> buf{new char[1 << 17]};
    explicit StreamCtx(int fd) : reader(fd) {}
};

la_ssize_t read_cb(struct archive* a, void* p, const void** out) {
    auto* c = static_cast<StreamCtx*>(p);
    auto r = c->reader.read(c->buf.get(), 1 << 17);
    if (!r.ok()) {
        c->error = r.error();
        c->failed = true;
        archive_set_error(a, EIO, "%s", r.error().what().c_str());
        return -1;
    }
    c->hash.update(c->buf.get(), *r);
    c->bytes += static_cast<int64_t>(*r);
    *out = c->buf.get();
    return static_cast<la_ssize_t>(*r);
}

class Unpacker {
  public:
    Unpacker(UniqueFd root, const UnpackOptions& opts) : root_(std::move(root)), opts_(opts) {}

    Status entry(struct archive* a, struct archive_entry* e);
    Status finish();

  private:
    Result<UniqueFd> ensure_dir(const std::string& path, int depth = 0);
    Result<int> parent_fd(const std::string& parent);
    Status replace_existing(int pfd, const std::string& leaf, bool new_is_dir, bool* kept_dir);
    Status apply_meta(int fd, const std::string& path, struct archive_entry* e, bool is_dir);
    Status apply_meta_at(int pfd, const std::string& leaf, struct archive_entry* e, bool chmod);
    Status set_xattrs(int fd, int pfd, const std::string& leaf, struct archive_entry* e);
    Status write_data(struct archive* a, int fd, const std::string& path);
    Status whiteout(const std::string& parent, const std::string& leaf);
    Status make_opaque(const std::string& dir);
    void invalidate() {
        cached_path_.clear();
        cached_fd_.reset();
    }

    UniqueFd root_;
    UnpackOptions opts_;
    std::string cached_path_;
    UniqueFd cached_fd_;
    std::set<std::string> written_;  // for WhiteoutMode::apply opaque dirs
    struct DirTime {
        std::string path;
        struct timespec ts[2];
    };
    std::vector<DirTime> dir_times_;
};

Result<UniqueFd> Unpacker::ensure_dir(const std::string& path, int depth) {
    if (depth > PATH_MAX) return invalid_input("path " + path + " is too deep");
    auto r = sys::open_in_root(root_.get(), path, O_PATH | O_DIRECTORY);
    if (r.ok() || r.error().code() != ENOENT) {
        if (!r.ok() && r.error().code() == ENOTDIR)
            return Error(ENOTDIR, "parent " + path + " is not a directory");
        return r;
    }
    auto [pp, leaf] = split_parent(path);
    TRY_ASSIGN(auto pfd, ensure_dir(pp, depth + 1));
    auto mk = sys::mkdir_at(pfd.get(), leaf, 0755);
    if (!mk.ok() && mk.error().code() != EEXIST) return std::move(mk).error();
    return sys::open_in_root(root_.get(), path, O_PATH | O_DIRECTORY)
        .context("parent directory " + path);
}

Result<int> Unpacker::parent_fd(const std::string& parent) {
    if (cached_fd_ && cached_path_ == parent) return cached_fd_.get();
    invalidate();
    TRY_ASSIGN(cached_fd_, ensure_dir(parent));
    cached_path_ = parent;
    return cached_fd_.get();
}

Status Unpacker::replace_existing(int pfd, const std::string& leaf, bool new_is_dir,
                                  bool* kept_dir) {
    *kept_dir = false;
    auto st = sys::lstat_at(pfd, leaf);
    if (!st.ok()) {
        if (st.error().code() == ENOENT) return {};
        return std::move(st).error();
    }
    if (new_is_dir && S_ISDIR(st->st_mode)) {
        *kept_dir = true;
        return {};
    }
    if (S_ISDIR(st->st_mode)) invalidate();  // the cached parent might be under it
    return sys::remove_at(pfd, leaf);
}

// overlayfs keeps its own bookkeeping in trusted.overlay.* (user.overlay.*
// when mounted with userxattr): opaque, redirect, metacopy, origin, impure...
// They describe how one overlay stack on one host was put together (a
// redirect names a path in *that* stack's lower layers, a metacopy file has
// no data of its own), so in a layer tar they are never content: stored
// as-is, overlayfs acts on them and the file reads as empty or fails with
// EIO. We drop them rather than escape them (trusted.overlay.overlay.*, as
// containers/storage does) because only kernels >= 6.7 unescape that form;
// on older kernels the escaped name would show up as a bogus xattr in the
// container. The layer's own whiteouts and opaque markers (.wh.*) are the
// portable form and are still honoured.
bool is_overlay_private_xattr(std::string_view name) {
    return name.starts_with("trusted.overlay.") || name.starts_with("user.overlay.");
}

Status Unpacker::set_xattrs(int fd, int pfd, const std::string& leaf, struct archive_entry* e) {
    archive_entry_xattr_reset(e);
    const char* name;
    const void* value;
    size_t size;
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
        if (is_overlay_private_xattr(name)) continue;
        std::string_view v(static_cast<const char*>(value), size);
        Status st =
            fd >= 0 ? sys::set_xattr_fd(fd, name, v) : sys::set_xattr_at(pfd, leaf, name, v);
        if (!st.ok() && st.error().code() != ENOTSUP) return st;
    }
    return {};
}

Status Unpacker::apply_meta(int fd, const std::string& path, struct archive_entry* e, bool is_dir) {
    // chown before chmod (chown clears set-id bits) and before xattrs (it
    // clears security.capability).
    if (opts_.preserve_owner) {
        int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
        if (uid < 0 || uid >= 0xffffffffLL || gid < 0 || gid >= 0xffffffffLL)
            return invalid_input("entry " + path + ": uid/gid out of range");
        TRY(sys::chown_fd(fd, static_cast<uid_t>(uid), static_cast<gid_t>(gid))
                .context("entry " + path));
    }
    TRY(sys::chmod_fd(fd, archive_entry_perm(e) & 07777).context("entry " + path));
    TRY(set_xattrs(fd, -1, "", e).context("entry " + path));
    struct timespec ts[2];
    ts[1] = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
    ts[0] = archive_entry_atime_is_set(e)
                ? timespec{archive_entry_atime(e), archive_entry_atime_nsec(e)}
                : ts[1];
    // A directory's mtime changes as its children are written: set it last.
    if (is_dir)
        dir_times_.push_back({path, {ts[0], ts[1]}});
    else
        TRY(sys::set_times_fd(fd, ts).context("entry " + path));
    return {};
}

Status Unpacker::apply_meta_at(int pfd, const std::string& leaf, struct archive_entry* e,
                               bool chmod) {
    if (opts_.preserve_owner) {
        int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
        if (uid < 0 || uid >= 0xffffffffLL || gid < 0 || gid >= 0xffffffffLL)
            return invalid_input("entry " + leaf + ": uid/gid out of range");
        TRY(sys::chown_at(pfd, leaf, static_cast<uid_t>(uid), static_cast<gid_t>(gid)));
    }
    if (chmod) TRY(sys::chmod_at(pfd, leaf, archive_entry_perm(e) & 07777));
    TRY(set_xattrs(-1, pfd, leaf, e));
    struct timespec ts[2];
    ts[1] = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
    ts[0] = ts[1];
    return sys::set_times_at(pfd, leaf, ts);
}

Status Unpacker::write_data(struct archive* a, int fd, const std::string& path) {
    const void* buf;
    size_t size;
    la_int64_t offset;
    for (;;) {
        int r = archive_read_data_block(a, &buf, &size, &offset);
        if (r == ARCHIVE_EOF) return {};
        if (r < ARCHIVE_WARN)
            return invalid_input("entry " + path + ": " + archive_error_string(a));
        const char* p = static_cast<const char*>(buf);
        while (size > 0) {
            ssize_t n = ::pwrite(fd, p, size, offset);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return Error::from_errno("write " + path);
            p += n;
            size -= static_cast<size_t>(n);
            offset += n;
        }
    }
}

Status Unpacker::whiteout(const std::string& parent, const std::string& name) {
    TRY_ASSIGN(int pfd, parent_fd(parent));
    std::string path = join(parent, name);
    if (opts_.whiteouts == WhiteoutMode::apply) {
        auto st = sys::remove_at(pfd, name).context("whiteout " + path);
        invalidate();  // the cached parent may have been under what was removed
        return st;
    }
    bool kept;
    TRY(replace_existing(pfd, name, false, &kept).context("whiteout " + path));
    return sys::mknod_at(pfd, name, S_IFCHR | 0, makedev(0, 0)).context("whiteout " + path);
}

Status Unpacker::make_opaque(const std::string& dir) {
    TRY(parent_fd(dir));  // creates it when missing
    TRY_ASSIGN(auto fd, sys::open_in_root(root_.get(), dir, O_RDONLY | O_DIRECTORY));
    if (opts_.whiteouts == WhiteoutMode::overlay)
        return sys::set_xattr_fd(fd.get(), "trusted.overlay.opaque", "y")
            .context("opaque directory " + (dir.empty() ? "/" : dir));
    // Apply: drop what lower layers put here, keep what this layer wrote.
    DIR* d = ::fdopendir(::dup(fd.get()));
    if (!d) return Error::from_errno("opendir " + dir);
    std::vector<std::string> victims;
    while (auto* de = ::readdir(d)) {
        std::string n = de->d_name;
        if (n != "." && n != ".." && !written_.count(join(dir, n))) victims.push_back(n);
    }
    ::closedir(d);
    invalidate();
    for (auto& v : victims) TRY(sys::remove_at(fd.get(), v).context("opaque " + dir));
    return {};
}

Status Unpacker::entry(struct archive* a, struct archive_entry* e) {
    const char* raw = archive_entry_pathname(e);
    if (!raw) return invalid_input("tar entry without a name");
    TRY_ASSIGN(std::string path, clean_entry_path(raw));
    auto [parent, leaf] = split_parent(path);
    mode_t type = archive_entry_filetype(e);
    const char* hardlink = archive_entry_hardlink(e);

    if (leaf.rfind(kWhPrefix, 0) == 0) {
        if (leaf == kWhOpaque) return make_opaque(parent);
        if (leaf.rfind(kWhMeta, 0) == 0) return {};  // aufs bookkeeping (.wh..wh.plnk)
        std::string target = leaf.substr(4);
        if (target.empty() || target == "." || target == "..")
            return invalid_input("entry " + path + ": bad whiteout name");
        return whiteout(parent, target);
    }
    if (opts_.whiteouts == WhiteoutMode::apply) written_.insert(path);

    if (path.empty()) {  // "./": the root itself
        if (type != AE_IFDIR)
            return invalid_input("entry " + std::string(raw) + ": root is not a directory");
        TRY_ASSIGN(auto fd, sys::open_in_root(root_.get(), "", O_RDONLY | O_DIRECTORY));
        return apply_meta(fd.get(), "", e, true);
    }

    TRY_ASSIGN(int pfd, parent_fd(parent));
    bool kept_dir = false;
    TRY(replace_existing(pfd, leaf, type == AE_IFDIR && !hardlink, &kept_dir)
            .context("entry " + path));

    if (hardlink) {
        TRY_ASSIGN(std::string target, clean_entry_path(hardlink));
        if (target.empty()) return invalid_input("entry " + path + ": hard link to the root");
        auto [tparent, tleaf] = split_parent(target);
        auto tfd = sys::open_in_root(root_.get(), tparent, O_PATH | O_DIRECTORY);
        if (!tfd.ok()) return std::move(tfd).error().context("hard link " + path + " -> " + target);
        return sys::link_at(tfd->get(), tleaf, pfd, leaf).context("hard link " + path);
    }
    switch (type) {
        case AE_IFREG: {
            auto fd =
                sys::open_at(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
            if (!fd.ok()) return std::move(fd).error().context("entry " + path);
            TRY(write_data(a, fd->get(), path));
            if (archive_entry_size_is_set(e) && ::ftruncate(fd->get(), archive_entry_size(e)) != 0)
                return Error::from_errno("truncate " + path);
            return apply_meta(fd->get(), path, e, false);
        }
        case AE_IFDIR: {
            if (!kept_dir) TRY(sys::mkdir_at(pfd, leaf, 0700).context("entry " + path));
            auto fd = sys::open_at(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (!fd.ok()) return std::move(fd).error().context("entry " + path);
            return apply_meta(fd->get(), path, e, true);
        }
        case AE_IFLNK: {
            const char* target = archive_entry_symlink(e);
            if (!target) return invalid_input("entry " + path + ": symlink without target");
            // The target is stored as written; it can only ever be resolved
            // inside the root (RESOLVE_IN_ROOT here, a mount namespace later).
            TRY(sys::symlink_at(target, pfd, leaf).context("entry " + path));
            auto st = apply_meta_at(pfd, leaf, e, false).context("entry " + path);
            invalidate();  // a cached parent path may now run through this link
            return st;
        }
        case AE_IFCHR:
        case AE_IFBLK:
        case AE_IFIFO: {
            dev_t dev = type == AE_IFIFO
                            ? 0
                            : makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
            TRY(sys::mknod_at(pfd, leaf, type | 0600, dev).context("entry " + path));
            return apply_meta_at(pfd, leaf, e, true).context("entry " + path);
        }
        case AE_IFSOCK:
            return {};  // sockets are runtime objects; tar cannot recreate them meaningfully
        default:
            return invalid_input("entry " + path + ": unsupported tar entry type");
    }
}

Status Unpacker::finish() {
    invalidate();
    // Deepest first is not needed: times are set on fds, not through parents.
    for (auto it = dir_times_.rbegin(); it != dir_times_.rend(); ++it) {
        auto fd = sys::open_in_root(root_.get(), it->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (!fd.ok()) continue;  // removed later in the layer
        TRY(sys::set_times_fd(fd->get(), it->ts).context("directory " + it->path));
    }
    return {};
}

}  // namespace

Result<std::string> clean_entry_path(const std::string& name) {
    if (name.size() > PATH_MAX)
        return invalid_input("tar entry name is too long (" + std::to_string(name.size()) +
                             " bytes)");
    if (name.find('\0') != std::string::npos) return invalid_input("tar entry name contains NUL");
    std::vector<std::string> comps;
    size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('/', start);
        if (end == std::string::npos) end = name.size();
        std::string c = name.substr(start, end - start);
        start = end + 1;
        if (c.empty() || c == ".") continue;
        if (c == "..") {
            if (comps.empty())
                return invalid_input("tar entry " + name + " escapes the layer root (\"..\")");
            comps.pop_back();
            continue;
        }
        if (c.size() > NAME_MAX)
            return invalid_input("tar entry " + name.substr(0, 64) +
                                 "...: name component too long");
        comps.push_back(c);
    }
    std::string out;
    for (auto& c : comps) out = join(out, c);
    return out;
}

Result<UnpackResult> unpack_layer(int in_fd, const std::string& dir, const UnpackOptions& opts) {
    TRY_ASSIGN(auto root, sys::open_file(dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
    auto ctx = std::make_unique<StreamCtx>(in_fd);
    std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(),
                                                                    archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open(a.get(), ctx.get(), nullptr, read_cb, nullptr) != ARCHIVE_OK) {
        if (ctx->failed) return ctx->error;
        return invalid_input(std::string("layer is not a tar archive: ") +
                             archive_error_string(a.get()));
    }
    Unpacker u(std::move(root), opts);
    UnpackResult res;
    struct archive_entry* e;
    for (;;) {
        int r = archive_read_next_header(a.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) {
            if (ctx->failed) return ctx->error;
            // An empty stream is a valid (empty) layer.
            if (res.entries == 0 && ctx->bytes == 0) break;
            return invalid_input(std::string("layer tar: ") + archive_error_string(a.get()));
        }
        res.entries++;
        auto st = u.entry(a.get(), e);
        if (!st.ok()) {
            if (ctx->failed) return ctx->error;
            return std::move(st).error();
        }
    }
    TRY(u.finish());
    // Hash what follows the end-of-archive marker too: the diff_id covers the
    // whole uncompressed stream.
    for (;;) {
        auto n = ctx->reader.read(ctx->buf.get(), 1 << 17);
        if (!n.ok()) return std::move(n).error();
        if (*n == 0) break;
        ctx->hash.update(ctx->buf.get(), *n);
        ctx->bytes += static_cast<int64_t>(*n);
    }
    res.diff_id = ctx->hash.digest();
    res.bytes = ctx->bytes;
    if (!opts.expected_diff_id.empty() && res.diff_id != opts.expected_diff_id)
        return invalid_input("layer diff_id mismatch: config says " + opts.expected_diff_id +
                             ", content is " + res.diff_id);
    return res;
}

}  // namespace nook::image
