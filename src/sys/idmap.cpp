#include "sys/idmap.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/owned_pid.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/namespaces.h"
#include "sys/retry.h"

namespace nook::sys {

Result<UniqueFd> make_userns_fd(const IdRange& range) {
    if (range.size == 0) return invalid_input("user namespace: empty id range");
    TRY_ASSIGN(auto ready, make_pipe());
    TRY_ASSIGN(auto hold, make_pipe());
    TRY_ASSIGN(pid_t pid, fork_process());
    if (pid == 0) {
        // Only syscalls after fork: unshare, tell the parent, wait for it
        // to take the namespace (the pipe closes), exit.
        ready.read.reset();
        hold.write.reset();
        if (::unshare(CLONE_NEWUSER) < 0) ::_exit(1);
        if (::write(ready.write.get(), "u", 1) != 1) ::_exit(1);
        char c;
        while (::read(hold.read.get(), &c, 1) < 0 && errno == EINTR) {
        }
        ::_exit(0);
    }
    OwnedPid child(pid);
    ready.write.reset();
    hold.read.reset();
    char c;
    TRY_ASSIGN(size_t n, read_some(ready.read.get(), &c, 1));
    if (n != 1) return Error(ECHILD, "user namespace: the helper process failed to unshare");
    const std::string line =
        "0 " + std::to_string(range.host) + " " + std::to_string(range.size) + "\n";
    TRY(write_id_map(pid, "uid_map", line));
    TRY(write_id_map(pid, "gid_map", line));
    TRY_ASSIGN(auto fd, open_file("/proc/" + std::to_string(pid) + "/ns/user", O_RDONLY));
    hold.write.reset();  // the helper exits; the fd keeps the namespace
    return fd;
}

Status idmapped_bind(const std::string& source, const std::string& target, int userns_fd) {
    UniqueFd tree(static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
    if (!tree) return Error::from_errno("open_tree " + source);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns_fd);
    if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return Error::from_errno("idmap the mount of " + source);
    if (::syscall(SYS_move_mount, tree.get(), "", AT_FDCWD, target.c_str(),
                  MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return Error::from_errno("attach the idmapped mount of " + source + " at " + target);
    return {};
}

}  // namespace nook::sys
