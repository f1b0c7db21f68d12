#include "sys/sealed_exec.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "sys/retry.h"

extern char** environ;

namespace nook::sys {

namespace {
constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
}

bool running_from_sealed_memfd() {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) return false;
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    return seals >= 0 && (seals & kSeals) == kSeals;
}

Status reexec_from_sealed_memfd(char** argv) {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) return Error::from_errno("open /proc/self/exe");
    struct stat st;
    if (::fstat(self.get(), &st) < 0) return Error::from_errno("stat /proc/self/exe");
    UniqueFd mem(::memfd_create("nook-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!mem) return Error::from_errno("memfd_create");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n =
            retry_eintr([&] { return ::sendfile(mem.get(), self.get(), &off, st.st_size - off); });
        if (n <= 0) return Error::from_errno("copy runtime binary into memfd");
    }
    if (::fcntl(mem.get(), F_ADD_SEALS, kSeals) < 0) return Error::from_errno("seal memfd");
    ::syscall(SYS_execveat, mem.get(), "", argv, environ, AT_EMPTY_PATH);
    return Error::from_errno("execveat sealed runtime");
}

}  // namespace nook::sys
