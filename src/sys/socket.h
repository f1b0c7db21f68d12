// Unix sockets: the sync socketpair, console sockets and fd passing.
#pragma once

#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// SOCK_SEQPACKET|SOCK_CLOEXEC pair: message boundaries kept, closed on exec.
Result<std::pair<UniqueFd, UniqueFd>> seqpacket_pair();
Result<UniqueFd> connect_unix(const std::string& path);
Result<UniqueFd> listen_unix(const std::string& path);
// Send one fd with a short text (runc sends the pty master this way).
Status send_fd(int sock, int fd, const std::string& text);
Result<UniqueFd> recv_fd(int sock);

}  // namespace nook::sys
