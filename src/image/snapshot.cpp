#include "image/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "base/scope_exit.h"
#include "image/unpack.h"
#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/idmap.h"
#include "sys/mount.h"

namespace nook::image {

namespace {

bool valid_container_id(const std::string& id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            return false;
    return id != "." && id != "..";
}

Status unpack_blob_into(Store& store, const LayerRecord& layer, const std::string& dir,
                        WhiteoutMode mode) {
    TRY_ASSIGN(auto fd, sys::open_file(store.blob_path(layer.blob.digest), O_RDONLY | O_CLOEXEC)
                            .context("layer " + layer.blob.digest));
    UnpackOptions o;
    o.whiteouts = mode;
    o.expected_diff_id = layer.diff_id;
    TRY(unpack_layer(fd.get(), dir, o).context("unpack layer " + short_id(layer.blob.digest)));
    return {};
}

}  // namespace

// Overlay's order: top-most layer first.
std::vector<std::string> layer_dirs(const Store& store, const ImageRecord& rec) {
    std::vector<std::string> lowers;
    for (auto it = rec.layers.rbegin(); it != rec.layers.rend(); ++it)
        lowers.push_back(store.snapshot_path(it->diff_id));
    return lowers;
}

Result<std::string> container_upper_dir(const Store& store, const std::string& container_id) {
    if (!valid_container_id(container_id))
        return invalid_input("invalid container id \"" + container_id + "\"");
    std::string cdir = store.dir() + "/containers/" + container_id;
    if (sys::path_exists(cdir + "/rootfs.complete"))
        return invalid_input("container " + container_id +
                             " has a copied root filesystem (no overlay): its changes are not "
                             "kept apart from the image");
    std::string upper = cdir + "/upper";
    TRY(sys::mkdir_p(upper, 0755));
    struct stat st;
    if (::stat(upper.c_str(), &st) != 0) return Error::from_errno("stat " + upper);
    if (st.st_uid != 0)
        return invalid_input("container " + container_id +
                             " runs in a user namespace (--userns): its writable layer is "
                             "owned by shifted ids; commit/diff of it is not supported yet");
    return upper;
}

Status ensure_snapshot(Store& store, const LayerRecord& layer) {
    if (store.has_snapshot(layer.diff_id)) return {};
    TRY_ASSIGN(auto tmp, store.make_temp_dir("unpack"));
    ScopeExit cleanup([&] { (void)sys::remove_tree(tmp); });
    TRY(unpack_blob_into(store, layer, tmp, WhiteoutMode::overlay));
    TRY(store.commit_snapshot(tmp, layer.diff_id));
    cleanup.dismiss();
    return {};
}

Status ensure_snapshots(Store& store, const ImageRecord& rec, int jobs) {
    // Snapshots of different layers never touch each other, so they unpack in
    // parallel; a shared index hands out the next layer to each worker.
    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first;
    auto worker = [&] {
        for (size_t i; (i = next++) < rec.layers.size();) {
            auto st = ensure_snapshot(store, rec.layers[i]);
            std::lock_guard lk(mu);
            if (!st.ok() && first.ok()) first = std::move(st);
        }
    };
    std::vector<std::thread> ts;
    int n = std::max(1, std::min<int>(jobs, static_cast<int>(rec.layers.size())));
    for (int i = 0; i < n; i++) ts.emplace_back(worker);
    for (auto& t : ts) t.join();
    return first;
}

namespace {

std::vector<std::string> lowers_of(const Store& store, const ImageRecord& rec) {
    return layer_dirs(store, rec);
}

// Each shared layer is attached, idmapped, under cdir/idmapped/<n> just
// long enough to mount the overlay: overlayfs keeps private clones of its
// layers, so the attached copies are detached again at once. The upper
// dir belongs to the container's root: files created or copied up inside
// land on disk with the container's host ids, consistent with how the
// idmapped layers show.
Result<std::string> mount_idmapped_overlay(Store& store, const ImageRecord& rec,
                                           const std::string& cdir, const std::string& target,
                                           const sys::IdRange& range) {
    TRY(sys::mkdir_p(cdir + "/upper", 0755));
    TRY(sys::mkdir_p(cdir + "/work", 0700));
    TRY(sys::fchownat(AT_FDCWD, cdir + "/upper", range.host, range.host, 0, "upper dir"));
    TRY_ASSIGN(auto userns, sys::make_userns_fd(range));
    const std::string stage = cdir + "/idmapped";
    std::vector<std::string> attached;
    ScopeExit detach_all([&] {
        for (const auto& m : attached) (void)sys::unmount(m);
        (void)sys::remove_tree(stage);
    });
    std::vector<std::string> lowers;
    for (const auto& layer : lowers_of(store, rec)) {
        std::string at = stage + "/" + std::to_string(lowers.size());
        TRY(sys::mkdir_p(at, 0700));
        TRY(sys::idmapped_bind(layer, at, userns.get()));
        attached.push_back(at);
        lowers.push_back(at);
    }
    TRY(sys::mount_overlay(lowers, cdir + "/upper", cdir + "/work", target));
    return target;
}

}  // namespace

Result<std::string> mount_rootfs(Store& store, const std::string& image,
                                 const std::string& container_id, const std::string& target,
                                 const RootfsOptions& opts) {
    if (!valid_container_id(container_id))
        return invalid_input("invalid container id \"" + container_id + "\"");
    TRY_ASSIGN(auto ingest, store.lock_ingest());
    TRY_ASSIGN(auto rec, store.resolve(image));
    TRY(ensure_snapshots(store, rec));
    std::string cdir = store.dir() + "/containers/" + container_id;
    TRY(sys::mkdir_p(cdir, 0700));
    TRY(sys::write_file_atomic(cdir + "/image", rec.id));
    TRY(sys::mkdir_p(target, 0755));

    if (opts.idmap) {
        if (opts.force_copy || rec.layers.empty())
            return invalid_input("rootfs of " + container_id +
                                 ": a user namespace needs an overlay of the image's layers");
        return mount_idmapped_overlay(store, rec, cdir, target, *opts.idmap)
            .context("rootfs of " + container_id);
    }
    if (!opts.force_copy && !rec.layers.empty()) {
        TRY(sys::mkdir_p(cdir + "/upper", 0755));
        TRY(sys::mkdir_p(cdir + "/work", 0700));
        auto st =
            sys::mount_overlay(lowers_of(store, rec), cdir + "/upper", cdir + "/work", target);
        if (st.ok()) return target;
        if (!opts.allow_copy_fallback)
            return std::move(st).error().context("rootfs of " + container_id);
    }
    // Fallback: a private flattened copy, bind-mounted at the target.
    std::string flat = cdir + "/rootfs";
    if (!sys::path_exists(cdir + "/rootfs.complete")) {
        (void)sys::remove_tree(flat);
        TRY(sys::mkdir_p(flat, 0755));
        for (auto& l : rec.layers) TRY(unpack_blob_into(store, l, flat, WhiteoutMode::apply));
        TRY(sys::write_file_atomic(cdir + "/rootfs.complete", ""));
    }
    TRY(sys::bind_mount(flat, target, false).context("rootfs of " + container_id));
    return target;
}

Status unmount_rootfs(Store&, const std::string& container_id, const std::string& target) {
    if (!valid_container_id(container_id))
        return invalid_input("invalid container id \"" + container_id + "\"");
    auto st = sys::unmount(target);
    if (!st.ok() && st.error().code() != EINVAL && st.error().code() != ENOENT) return st;
    return {};
}

Status remove_container_rootfs(Store& store, const std::string& container_id,
                               const std::string& target) {
    TRY(unmount_rootfs(store, container_id, target));
    return sys::remove_tree(store.dir() + "/containers/" + container_id);
}

}  // namespace nook::image
