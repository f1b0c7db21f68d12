#include "sys/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/retry.h"

namespace nook::sys {

Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode) {
    int fd = retry_eintr([&] { return ::open(path.c_str(), flags | O_CLOEXEC, mode); });
    if (fd < 0) return Error::from_errno("open " + path);
    return UniqueFd(fd);
}

Result<UniqueFd> open_at(int dirfd, const std::string& path, int flags, mode_t mode) {
    int fd = retry_eintr([&] { return ::openat(dirfd, path.c_str(), flags | O_CLOEXEC, mode); });
    if (fd < 0) return Error::from_errno("open " + path);
    return UniqueFd(fd);
}

Result<std::string> read_fd(int fd) {
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = retry_eintr([&] { return ::read(fd, buf, sizeof buf); });
        if (n < 0) return Error::from_errno("read");
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

Result<std::string> read_file(const std::string& path) {
    TRY_ASSIGN(UniqueFd fd, open_file(path, O_RDONLY));
    return std::move(read_fd(fd.get())).context("read " + path);
}

Status write_all(int fd, std::string_view data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = retry_eintr([&] { return ::write(fd, data.data() + off, data.size() - off); });
        if (n < 0) return Error::from_errno("write");
        off += static_cast<size_t>(n);
    }
    return {};
}

Status write_file(const std::string& path, std::string_view data) {
    TRY_ASSIGN(UniqueFd fd, open_file(path, O_WRONLY | O_TRUNC));
    return std::move(write_all(fd.get(), data)).context("write " + path);
}

Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode,
                         bool durable) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        TRY_ASSIGN(UniqueFd fd, open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode));
        auto w = write_all(fd.get(), data);
        if (!w.ok() || (durable && ::fsync(fd.get()) < 0)) {
            Error e = w.ok() ? Error::from_errno("fsync " + tmp) : w.error();
            ::unlink(tmp.c_str());
            return e.context("write " + path);
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        Error e = Error::from_errno("rename " + tmp + " to " + path);
        ::unlink(tmp.c_str());
        return e;
    }
    return {};
}

Status mkdir_p(const std::string& path, mode_t mode) {
    if (path.empty()) return {};
    if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return {};
    if (errno != ENOENT) return Error::from_errno("mkdir " + path);
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0) TRY(mkdir_p(path.substr(0, slash), mode));
    if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST)
        return Error::from_errno("mkdir " + path);
    return {};
}

namespace {
Status remove_tree_at(int parent, const char* name, const std::string& shown, dev_t dev) {
    struct stat st;
    if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return {};
        return Error::from_errno("stat " + shown);
    }
    if (S_ISDIR(st.st_mode)) {
        if (st.st_dev != dev) return Error(EXDEV, "refusing to cross a mount at " + shown);
        int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return Error::from_errno("open " + shown);
        DIR* d = ::fdopendir(fd);
        if (!d) {
            ::close(fd);
            return Error::from_errno("opendir " + shown);
        }
        Status result;
        while (struct dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n == "." || n == "..") continue;
            auto r = remove_tree_at(dirfd(d), e->d_name, shown + "/" + n, dev);
            if (!r.ok() && result.ok()) result = r;
        }
        ::closedir(d);
        TRY(result);
        if (::unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
            return Error::from_errno("rmdir " + shown);
        return {};
    }
    if (::unlinkat(parent, name, 0) < 0 && errno != ENOENT)
        return Error::from_errno("unlink " + shown);
    return {};
}
}  // namespace

Status remove_tree(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) < 0) {
        if (errno == ENOENT) return {};
        return Error::from_errno("stat " + path);
    }
    return remove_tree_at(AT_FDCWD, path.c_str(), path, st.st_dev);
}

bool path_exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace nook::sys
