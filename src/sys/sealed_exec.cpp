#include "sys/sealed_exec.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "sys/retry.h"

extern char** environ;

namespace nook::sys {

namespace {

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

Status execveat_empty(int fd, char* const* argv, char* const* envp, const std::string& what) {
    ::syscall(SYS_execveat, fd, "", argv, envp ? envp : environ, AT_EMPTY_PATH);
    return Error::from_errno(what);
}

// A detached, read-only bind mount of a binary (our own: /proc/self/exe).
// It exists only as long as an fd or an exe mapping refers to it: nothing
// to clean up.
Result<UniqueFd> readonly_bind_of(const std::string& path) {
    UniqueFd tree(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree) return Error::from_errno("open_tree " + path);
    struct mount_attr attr = {};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return Error::from_errno("make the bind of " + path + " read-only");
    return tree;
}

// Copy the file at path into a memfd sealed against any change, then
// execute the memfd.
Status exec_sealed_copy_of(const std::string& path, char* const* argv, char* const* envp) {
    UniqueFd src(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!src) return Error::from_errno("open " + path);
    struct stat st;
    if (::fstat(src.get(), &st) < 0) return Error::from_errno("stat " + path);
    UniqueFd mem(::memfd_create("nook-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!mem) return Error::from_errno("memfd_create");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n =
            retry_eintr([&] { return ::sendfile(mem.get(), src.get(), &off, st.st_size - off); });
        if (n <= 0) return Error::from_errno("copy " + path + " into a memfd");
    }
    if (::fcntl(mem.get(), F_ADD_SEALS, kSeals) < 0) return Error::from_errno("seal memfd");
    return execveat_empty(mem.get(), argv, envp, "execveat sealed copy of " + path);
}

}  // namespace

bool running_from_sealed_memfd() {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) return false;
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    return seals >= 0 && (seals & kSeals) == kSeals;
}

bool running_from_protected_binary() {
    struct statvfs vfs;
    if (::statvfs("/proc/self/exe", &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) return true;
    return running_from_sealed_memfd();
}

Status reexec_from_sealed_memfd(char* const* argv, char* const* envp) {
    return exec_sealed_copy_of("/proc/self/exe", argv, envp);
}

Status exec_protected(char* const* argv, char* const* envp) {
    // Without CAP_SYS_ADMIN (rootless) or open_tree (old kernels) the bind
    // fails and the copy is the way.
    if (auto ro = readonly_bind_of("/proc/self/exe"); ro.ok()) {
        auto failed = execveat_empty(ro->get(), argv, envp, "execveat read-only runtime");
        // An exec that failed on the bind (e.g. a noexec quirk) still has the copy.
        (void)failed;
    }
    return reexec_from_sealed_memfd(argv, envp);
}

Status exec_protected_path(const std::string& path, char* const* argv, char* const* envp) {
    // Same order as exec_protected: the bind when we may mount, the copy
    // otherwise (or when executing the bind failed).
    if (auto ro = readonly_bind_of(path); ro.ok())
        (void)execveat_empty(ro->get(), argv, envp, "execveat read-only " + path);
    return exec_sealed_copy_of(path, argv, envp);
}

}  // namespace nook::sys
