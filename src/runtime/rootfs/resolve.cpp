#include "runtime/rootfs/resolve.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <deque>
#include <vector>

#include "sys/file.h"
#include "sys/mount.h"

namespace nook::runtime::rootfs {

namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's own limit (MAXSYMLINKS)

std::deque<std::string> split(const std::string& path) {
    std::deque<std::string> out;
    size_t pos = 0;
    while (pos < path.size()) {
        size_t slash = path.find('/', pos);
        if (slash == std::string::npos) slash = path.size();
        if (slash > pos) out.push_back(path.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

// Relative form for openat2 against the root fd.
std::string rel(const std::string& abs) {
    return abs == "/" ? "." : abs.substr(1);
}

bool only_dots_left(const std::deque<std::string>& todo) {
    for (const auto& c : todo)
        if (c != ".") return false;
    return true;
}

Status create_component(int root_fd, const std::vector<std::string>& done, const std::string& name,
                        bool as_file) {
    std::string parent = join(done);
    TRY_ASSIGN(UniqueFd pfd, sys::open_in_root(root_fd, rel(parent)));
    std::string what = (parent == "/" ? "" : parent) + "/" + name;
    if (!as_file) {
        auto st = sys::mkdirat(pfd.get(), name, 0755, what);
        if (!st.ok() && st.error().code() != EEXIST) return st;
        return {};
    }
    // O_EXCL|O_NOFOLLOW: never open through a symlink planted at this name.
    auto f = sys::open_at(pfd.get(), name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0644);
    if (!f.ok() && f.error().code() != EEXIST)
        return std::move(f).error().context("create " + what);
    return {};
}

}  // namespace

std::string clean_path(const std::string& path) {
    std::vector<std::string> parts;
    for (auto& c : split(path)) {
        if (c == ".") continue;
        if (c == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(c);
    }
    return join(parts);
}

Result<Resolved> resolve_in_root(int root_fd, const std::string& path, Create create) {
    std::deque<std::string> todo = split(path);
    std::vector<std::string> done;
    int links = 0;
    while (!todo.empty()) {
        std::string c = std::move(todo.front());
        todo.pop_front();
        if (c == ".") continue;
        if (c == "..") {
            if (!done.empty()) done.pop_back();
            continue;
        }
        std::vector<std::string> cand = done;
        cand.push_back(c);
        auto fd = sys::open_in_root(root_fd, rel(join(cand)), /*follow_last=*/false);
        if (!fd.ok()) {
            if (fd.error().code() != ENOENT || create == Create::kNone)
                return std::move(fd).error().context("resolve " + path);
            bool last = only_dots_left(todo);
            TRY(std::move(create_component(root_fd, done, c, last && create == Create::kFile))
                    .context("resolve " + path));
            done.push_back(std::move(c));
            continue;
        }
        TRY_ASSIGN(struct stat st, sys::fstat_fd(fd->get(), join(cand)));
        if (S_ISLNK(st.st_mode)) {
            if (++links > kMaxSymlinks) return Error(ELOOP, "resolve " + path);
            TRY_ASSIGN(std::string target, sys::readlink_fd(fd->get()));
            // An absolute target restarts at the rootfs root, not the host's.
            if (!target.empty() && target[0] == '/') done.clear();
            auto more = split(target);
            todo.insert(todo.begin(), more.begin(), more.end());
            continue;
        }
        if (!S_ISDIR(st.st_mode) && !only_dots_left(todo))
            return Error(ENOTDIR, "resolve " + path + ": " + join(cand));
        done.push_back(std::move(c));
    }
    Resolved out;
    out.path = join(done);
    TRY_ASSIGN(out.fd,
               std::move(sys::open_in_root(root_fd, rel(out.path))).context("resolve " + path));
    return out;
}

}  // namespace nook::runtime::rootfs
