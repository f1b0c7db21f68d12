#include "sys/copy_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "base/unique_fd.h"
#include "sys/file.h"
#include "sys/retry.h"

namespace nook::sys {

namespace {

Result<std::vector<std::string>> list_dir(int dir, const std::string& what) {
    // getdents needs a readable fd; the caller's may be O_PATH.
    TRY_ASSIGN(UniqueFd fd, open_at(dir, ".", O_RDONLY | O_DIRECTORY));
    DIR* d = ::fdopendir(fd.get());
    if (!d) return Error::from_errno("opendir " + what);
    fd.release();  // now owned by d
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(std::move(n));
    }
    int err = errno;
    ::closedir(d);
    if (err) return Error(err, "readdir " + what);
    return names;
}

Status copy_file(int src_dir, int dst_dir, const std::string& name, const struct stat& st,
                 const std::string& what) {
    TRY_ASSIGN(UniqueFd in, open_at(src_dir, name, O_RDONLY | O_NOFOLLOW));
    TRY_ASSIGN(UniqueFd out,
               open_at(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL, st.st_mode & 07777));
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = retry_eintr([&] { return ::sendfile(out.get(), in.get(), nullptr, left); });
        if (n < 0) return Error::from_errno("copy " + what);
        if (n == 0) break;  // the file shrank meanwhile
        left -= n;
    }
    return {};
}

Status copy_entry(int src, int dst, const std::string& name, const std::string& what) {
    struct stat st = {};
    if (::fstatat(src, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
        return Error::from_errno("stat " + what);
    mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (::mkdirat(dst, name.c_str(), 0700) < 0) return Error::from_errno("mkdir " + what);
        TRY_ASSIGN(UniqueFd s, open_at(src, name, O_PATH | O_DIRECTORY | O_NOFOLLOW));
        TRY_ASSIGN(UniqueFd d, open_at(dst, name, O_PATH | O_DIRECTORY | O_NOFOLLOW));
        TRY(copy_tree(s.get(), d.get(), what));
    } else if (S_ISREG(st.st_mode)) {
        TRY(copy_file(src, dst, name, st, what));
    } else if (S_ISLNK(st.st_mode)) {
        char buf[4096];
        ssize_t n = ::readlinkat(src, name.c_str(), buf, sizeof buf - 1);
        if (n < 0) return Error::from_errno("readlink " + what);
        buf[n] = '\0';
        if (::symlinkat(buf, dst, name.c_str()) < 0) return Error::from_errno("symlink " + what);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
        if (::mknodat(dst, name.c_str(), (st.st_mode & S_IFMT) | perm, st.st_rdev) < 0)
            return Error::from_errno("mknod " + what);
    } else {
        return {};  // sockets mean nothing in a copy
    }
    if (::fchownat(dst, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return Error::from_errno("chown " + what);
    // chmod after chown: chown clears setuid/setgid bits.
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dst, name.c_str(), perm, 0) < 0)
        return Error::from_errno("chmod " + what);
    return {};
}

}  // namespace

Status copy_tree(int src_dir, int dst_dir, const std::string& what) {
    TRY_ASSIGN(auto names, list_dir(src_dir, what));
    for (const auto& n : names) TRY(copy_entry(src_dir, dst_dir, n, what + "/" + n));
    return {};
}

}  // namespace nook::sys
