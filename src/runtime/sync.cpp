#include "runtime/sync.h"

#include <sys/socket.h>

#include <cstring>

#include "sys/retry.h"

namespace nook::runtime {

const char* sync_type_name(SyncType t) {
    switch (t) {
        case SyncType::go:
            return "GO";
        case SyncType::init_pid:
            return "INIT_PID";
        case SyncType::hooks_create_runtime:
            return "HOOKS_CREATE_RUNTIME";
        case SyncType::hooks_done:
            return "HOOKS_DONE";
        case SyncType::ready:
            return "READY";
        case SyncType::error:
            return "ERROR";
        case SyncType::maps_needed:
            return "MAPS_NEEDED";
        case SyncType::maps_done:
            return "MAPS_DONE";
        case SyncType::cgroup_joined:
            return "CGROUP_JOINED";
    }
    return "UNKNOWN";
}

bool sync_send(int fd, SyncType type, int32_t value, const char* text) {
    SyncMsg m;
    m.type = type;
    m.value = value;
    if (text) std::strncpy(m.text, text, sizeof m.text - 1);
    return sys::retry_eintr([&] { return ::send(fd, &m, sizeof m, MSG_NOSIGNAL); }) ==
           static_cast<ssize_t>(sizeof m);
}

void sync_send_error(int fd, const Error& e) {
    // The text already includes strerror when relevant; value keeps the errno.
    sync_send(fd, SyncType::error, e.code(), e.what().c_str());
}

Result<SyncMsg> sync_recv(int fd, const char* peer) {
    SyncMsg m;
    ssize_t n = sys::retry_eintr([&] { return ::recv(fd, &m, sizeof m, 0); });
    // A peer that exits with messages of ours still unread (it failed before
    // reading CGROUP_JOINED, say) resets the socket, and the kernel reports
    // the reset BEFORE the messages it sent us, its ERROR among them. The
    // error is reported once: read again to get what the peer had to say.
    if (n < 0 && errno == ECONNRESET)
        n = sys::retry_eintr([&] { return ::recv(fd, &m, sizeof m, 0); });
    if (n < 0) return Error::from_errno(std::string("read from ") + peer);
    if (n == 0)
        return Error(EPIPE, std::string(peer) + " exited unexpectedly").without_errno_text();
    if (n != static_cast<ssize_t>(sizeof m))
        return invalid_input(std::string("short sync message from ") + peer);
    m.text[sizeof m.text - 1] = '\0';
    return m;
}

Result<SyncMsg> sync_expect(int fd, SyncType want, const char* peer) {
    TRY_ASSIGN(SyncMsg m, sync_recv(fd, peer));
    if (m.type == SyncType::error) return Error(m.value, m.text).without_errno_text();
    if (m.type != want)
        return invalid_input(std::string("sync protocol: expected ") + sync_type_name(want) +
                             " from " + peer + ", got " + sync_type_name(m.type));
    return m;
}

}  // namespace nook::runtime
