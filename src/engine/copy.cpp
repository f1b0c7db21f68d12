// docker cp between a container's rootfs and the host as tar streams (copy.h).
#include "engine/copy.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/scope_exit.h"
#include "image/snapshot.h"
#include "image/store.h"
#include "image/unpack.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/fs_extra.h"
#include "sys/spawn.h"

namespace nook::engine {

namespace {

std::string dir_of(const std::string& p) {
    auto s = p.find_last_of('/');
    if (s == std::string::npos) return ".";
    return s == 0 ? "/" : p.substr(0, s);
}

std::string base_of(const std::string& p) {
    auto s = p.find_last_of('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

// "a/b/" -> "a/b"; contents: the path ended in "/." (copy a directory's contents).
std::string trim(std::string p, bool* contents = nullptr) {
    if (contents) *contents = p.size() >= 2 && p.compare(p.size() - 2, 2, "/.") == 0;
    if (contents && *contents) p.resize(p.size() - 2);
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p.empty() ? "/" : p;
}

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

// A basic-regex-safe literal for tar --transform.
std::string regex_literal(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::string(".[]*^$\\|").find(c) != std::string::npos) out += '\\';
        out += c;
    }
    return out;
}

// The container's root filesystem, mounted for as long as this lives.
struct RootAccess {
    Engine::Locked locked;
    UniqueFd root;
    std::function<void()> undo;
    ~RootAccess() {
        root.reset();
        if (undo) undo();
    }
};

Result<std::unique_ptr<RootAccess>> open_root(Engine& eng, const std::string& container) {
    auto acc = std::make_unique<RootAccess>();
    TRY_ASSIGN(acc->locked, eng.lock(container));
    const ContainerRow& row = acc->locked.row;
    const std::string rootfs = eng.paths().rootfs(row.id);
    if (row.status != "running" || !sys::is_mount_point(rootfs)) {
        TRY_ASSIGN(auto images, image::Store::open(eng.paths().root));
        TRY(sys::mkdir_p(eng.paths().bundle(row.id), 0700));
        TRY(image::mount_rootfs(images, row.image_id, row.id, rootfs)
                .context("mount rootfs of " + row.name));
        acc->undo = [&eng, id = row.id, rootfs] {
            if (auto s = image::Store::open(eng.paths().root); s.ok())
                (void)image::unmount_rootfs(*s, id, rootfs);
        };
    }
    TRY_ASSIGN(acc->root, sys::open_file(rootfs, O_PATH | O_DIRECTORY));
    return acc;
}

Result<UniqueFd> open_dir_in(int rootfd, const std::string& path) {
    if (path == "/") return sys::open_at(rootfd, ".", O_PATH | O_DIRECTORY);
    return sys::open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
}

// Run tar creating an archive of `name` inside the directory fd dir, with
// the top entry renamed to `as` (when different), writing to out_fd.
Result<pid_t> tar_create(int dir, const std::string& name, const std::string& as, int out_fd,
                         bool root_owner) {
    std::vector<std::string> argv = {"tar", "-C", "/proc/self/fd/3", "-cf", "-"};
    if (root_owner) argv.insert(argv.end(), {"--owner=0", "--group=0", "--numeric-owner"});
    if (as != name) argv.push_back("--transform=s|^" + regex_literal(name) + "|" + as + "|");
    argv.push_back(name);
    return sys::spawn(argv, {.out = out_fd, .extra = dir});
}

Status wait_tar(pid_t pid, const std::string& what) {
    TRY_ASSIGN(int code, sys::wait_exit_code(pid));
    if (code != 0)
        return Error(EIO, what + ": tar exited with status " + std::to_string(code))
            .without_errno_text();
    return {};
}

}  // namespace

Status copy_from_container(Engine& eng, const std::string& container, const std::string& src_in,
                           const std::string& dest_in, const CopyOptions& o) {
    TRY_ASSIGN(auto acc, open_root(eng, container));
    bool contents = false;
    std::string src = trim(src_in, &contents);
    if (src[0] != '/') src = "/" + src;
    std::string name = src == "/" ? "." : base_of(src);
    const std::string as = name;
    std::string parent = dir_of(src);
    if (o.follow_link && src != "/") {
        // Where the link leads, resolved inside the root.
        auto target = sys::open_in_root(acc->root.get(), src, O_PATH);
        if (target.ok()) {
            char buf[PATH_MAX];
            ssize_t n = ::readlink(fd_path(target->get()).c_str(), buf, sizeof buf - 1);
            char rbuf[PATH_MAX];
            ssize_t rn = ::readlink(fd_path(acc->root.get()).c_str(), rbuf, sizeof rbuf - 1);
            if (n > 0 && rn > 0) {
                std::string real(buf, n), rootp(rbuf, rn);
                if (real.rfind(rootp, 0) == 0) {
                    std::string inside = real.substr(rootp.size());
                    if (inside.empty()) inside = "/";
                    parent = dir_of(inside);
                    name = inside == "/" ? "." : base_of(inside);
                }
            }
        }
    }
    auto pfd = open_dir_in(acc->root.get(), parent);
    auto st = pfd.ok() ? sys::lstat_at(pfd->get(), name) : Result<struct stat>(pfd.error());
    if (!st.ok())
        return Error(ENOENT, "Could not find the file " + src_in + " in container " + container)
            .without_errno_text();
    const bool is_dir = S_ISDIR(st->st_mode);
    if (dest_in == "-") {
        TRY_ASSIGN(pid_t pid, tar_create(pfd->get(), name, as, 1, false));
        return wait_tar(pid, "cp " + src_in);
    }
    // docker's rules for the destination.
    std::string dest = trim(dest_in);
    struct stat dst;
    std::string into, final_name;
    bool dest_dir_wanted = dest_in.back() == '/';
    if (::stat(dest.c_str(), &dst) == 0) {
        if (S_ISDIR(dst.st_mode)) {
            into = dest;
            final_name = contents && is_dir ? "" : as;
        } else {
            if (is_dir) return invalid_input("cannot copy a directory to a file: " + dest_in);
            into = dir_of(dest);
            final_name = base_of(dest);
        }
    } else {
        if (dest_dir_wanted && !is_dir)
            return invalid_input("destination directory " + dest_in + " does not exist");
        if (!sys::path_exists(dir_of(dest)))
            return invalid_input("destination directory " + dir_of(dest) + " does not exist");
        into = dir_of(dest);
        final_name = base_of(dest);
    }
    UniqueFd from = std::move(*pfd);
    std::string entry = name;
    if (final_name.empty()) {  // contents of a directory into an existing one
        TRY_ASSIGN(from, sys::open_at(from.get(), name, O_PATH | O_DIRECTORY | O_NOFOLLOW));
        entry = ".";
        final_name = ".";
    }
    TRY_ASSIGN(auto pipe, sys::make_pipe());
    TRY_ASSIGN(pid_t creator, tar_create(from.get(), entry, final_name, pipe.write.get(), false));
    pipe.write.reset();
    std::vector<std::string> x = {"tar", "-C", into, "-xf", "-"};
    if (!o.archive) x.push_back("--no-same-owner");
    TRY_ASSIGN(pid_t extractor, sys::spawn(x, {.in = pipe.read.get()}));
    pipe.read.reset();
    auto a = wait_tar(creator, "cp " + src_in);
    TRY(wait_tar(extractor, "cp into " + dest_in));
    return a;
}

Status copy_to_container(Engine& eng, const std::string& container, const std::string& src_in,
                         const std::string& dest_in, const CopyOptions& o) {
    TRY_ASSIGN(auto acc, open_root(eng, container));
    std::string dest = trim(dest_in);
    if (dest[0] != '/') dest = "/" + dest;
    image::UnpackOptions uo;
    uo.whiteouts = image::WhiteoutMode::apply;
    uo.preserve_owner = true;
    if (src_in == "-") {
        auto dir = open_dir_in(acc->root.get(), dest);
        if (!dir.ok())
            return invalid_input("destination \"" + container + ":" + dest_in +
                                 "\" must be a directory");
        TRY(image::unpack_layer(0, fd_path(dir->get()), uo).context("cp - " + dest_in));
        return {};
    }
    bool contents = false;
    std::string src = trim(src_in, &contents);
    struct stat sst;
    if ((o.follow_link ? ::stat(src.c_str(), &sst) : ::lstat(src.c_str(), &sst)) != 0)
        return Error(errno, "could not find the file " + src_in);
    const bool is_dir = S_ISDIR(sst.st_mode);
    if (o.follow_link) {
        char real[PATH_MAX];
        if (::realpath(src.c_str(), real)) src = real;
    }
    std::string into, final_name;
    auto existing = sys::open_in_root(acc->root.get(), dest, O_PATH);
    struct stat dst;
    if (existing.ok() && ::fstat(existing->get(), &dst) == 0) {
        if (S_ISDIR(dst.st_mode)) {
            into = dest;
            final_name = contents && is_dir ? "." : base_of(trim(src_in));
        } else {
            if (is_dir) return invalid_input("cannot copy a directory to a file: " + dest_in);
            into = dir_of(dest);
            final_name = base_of(dest);
        }
    } else {
        if (dest_in.back() == '/' && !is_dir)
            return invalid_input("destination directory " + container + ":" + dest_in +
                                 " does not exist");
        into = dir_of(dest);
        final_name = base_of(dest);
    }
    auto dir = open_dir_in(acc->root.get(), into);
    if (!dir.ok())
        return invalid_input("destination directory " + container + ":" + into + " does not exist");
    std::string host_parent = dir_of(src), entry = base_of(src);
    if (contents && is_dir) {
        host_parent = src;
        entry = ".";
    }
    TRY_ASSIGN(auto hostdir, sys::open_file(host_parent, O_PATH | O_DIRECTORY));
    TRY_ASSIGN(auto pipe, sys::make_pipe());
    TRY_ASSIGN(pid_t creator,
               tar_create(hostdir.get(), entry, final_name, pipe.write.get(), !o.archive));
    pipe.write.reset();
    auto unpacked = image::unpack_layer(pipe.read.get(), fd_path(dir->get()), uo);
    pipe.read.reset();
    auto created = wait_tar(creator, "cp " + src_in);
    if (!unpacked.ok()) return std::move(unpacked).error().context("cp into " + dest_in);
    return created;
}

}  // namespace nook::engine
