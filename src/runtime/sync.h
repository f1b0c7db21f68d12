// The parent <-> child synchronisation protocol.
//
// One SOCK_SEQPACKET|SOCK_CLOEXEC socketpair per container process. Every
// message is one fixed-size SyncMsg, so a read never sees half a message and
// the child never allocates to send one. Roles reject messages they do not
// expect (expect()), which turns protocol bugs into clear errors.
//
// create / run (two stages when every namespace is new; the numbers match
// the "sync point" comments in launcher.cpp and init.cpp):
//
//   PARENT nook:[0:PARENT]                     INIT nook:[2:INIT]
//   clone3(CLONE_NEW*, CLONE_INTO_CGROUP?) -->  (born in its namespaces)
//   [1] write uid/gid maps
//       send GO {host pid}               ----> [1] recv GO; join v1 cgroups itself
//       (attach the init to its cgroup         ("0" > tasks); become root in userns;
//        when it cannot join itself)           hostname, keyring ...
//       send CGROUP_JOINED               ----> recv CGROUP_JOINED (just before the
//                                              cgroup ns, or [2]/[3] if there is none);
//                                              rootfs::prepare
//   (How the init joins: cgroups::Manager::JoinPlan. Born in the cgroup with
//   CLONE_INTO_CGROUP on v2 and hybrid's unified part; on v1 it moves itself,
//   which takes no global lock. A parent's attach -- needed when the init is
//   in a new user namespace -- waits for an RCU grace period, ~10 ms: it
//   overlaps the init's own setup, which is why it comes after GO. With the
//   middle stage the middle is attached and the init is born in the cgroup.)
//   [2] recv HOOKS_CREATE_RUNTIME        <---- [2] send HOOKS_CREATE_RUNTIME
//       run prestart + createRuntime hooks
//       send HOOKS_DONE                  ----> run createContainer hooks;
//                                              switch_root; make cwd; console
//                                              (+ /dev/console); finalize;
//                                              HOME; look up args[0]
//   [3] recv READY                       <---- [3] send READY
//       write state "created", pid file        (clears PDEATHSIG first)
//       exit                                   block opening exec.fifo
//                                   `start`    reads exec.fifo -> init goes on:
//                                              startContainer hooks, security, execve
//
// With namespaces joined by path or time offsets, a middle stage
// nook:[1:CHILD] joins/unshares first and clones INIT with CLONE_PARENT, then
// sends INIT_PID {pid}; INIT then follows the same sequence from [1].
//
// exec: PARENT -> CHILD (setns via the container's pidfd, all namespaces at
// once) -> INIT with CLONE_PARENT; INIT sends nothing on success: the socket
// closes on execve (CLOEXEC) and the parent reads EOF. Any stage may send
// ERROR {errno, text} instead of the expected message; the parent prints it.
// A stage that exits with our messages unread resets the socket: the reset
// comes before its ERROR, so sync_recv reads once more. A stage that dies
// without a word (OOM-killed by a tiny memory limit) is explained from its
// exit status and the cgroup's OOM count (launcher.cpp).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/result.h"

namespace nook::runtime {

enum class SyncType : uint32_t {
    go = 1,                    // parent -> init: maps written, cgroup joined; value = host pid
    init_pid = 2,              // child -> parent: pid of the init it cloned
    hooks_create_runtime = 3,  // init -> parent: run prestart/createRuntime now
    hooks_done = 4,            // parent -> init
    ready = 5,                 // init -> parent: set up, waiting on exec.fifo
    error = 6,                 // any -> parent: value = errno, text = message
    maps_needed = 7,           // child -> parent: unshared a userns; write maps for value=pid
    maps_done = 8,             // parent -> child
    cgroup_joined = 9,         // parent -> init: the init is in its cgroup (v1 attach done)
};

const char* sync_type_name(SyncType t);

struct SyncMsg {
    SyncType type;
    int32_t value = 0;
    char text[1024] = {};
};

// Send without allocating (safe after clone).
bool sync_send(int fd, SyncType type, int32_t value = 0, const char* text = nullptr);
// Send an Error as an ERROR message (text truncated to fit).
void sync_send_error(int fd, const Error& e);

// Receive one message. EOF is reported as Error(EPIPE, "<peer> exited ...").
Result<SyncMsg> sync_recv(int fd, const char* peer);
// Receive and require a type; an ERROR message becomes the returned Error.
Result<SyncMsg> sync_expect(int fd, SyncType want, const char* peer);

}  // namespace nook::runtime
