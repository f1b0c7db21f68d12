// Per-container and engine-wide flock locks (locks.h).
#include "engine/store/locks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/file.h"
#include "sys/fs_extra.h"

namespace nook::engine {

std::string lock_path(const Paths& paths, const std::string& id) {
    return paths.root + "/engine/locks/" + id + ".lock";
}

void ContainerLockGuard::unlink_file() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

Result<ContainerLockGuard> lock_container(const Paths& paths, const std::string& id) {
    const std::string path = lock_path(paths, id);
    TRY(sys::mkdir_p(paths.root + "/engine/locks", 0700));
    for (;;) {
        TRY_ASSIGN(auto fd, sys::open_file(path, O_RDWR | O_CREAT, 0600));
        TRY(sys::lock_fd(fd.get(), true).context("lock container " + id));
        // rm unlinks the file while holding the lock: the lock we got may be
        // on a file nobody else will ever lock again. Only the file still at
        // `path` counts.
        struct stat held, now;
        if (::fstat(fd.get(), &held) != 0) return Error(errno, "stat " + path);
        if (::stat(path.c_str(), &now) == 0 && now.st_ino == held.st_ino &&
            now.st_dev == held.st_dev)
            return ContainerLockGuard(std::move(fd), path);
        if (held.st_nlink == 0)
            return Error(ENOENT, "No such container: " + id).without_errno_text();
    }
}

}  // namespace nook::engine
