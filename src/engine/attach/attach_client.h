// The client side of the monitor's attach socket (attach_proto.h), used by
// the foreground `run`, `start -a` and `attach`: our stdin to the
// container, its output to our stdout/stderr, the window size with -t (at
// attach and on SIGWINCH), signals proxied without -t (--sig-proxy), and
// detaching with the detach keys (ctrl-p,ctrl-q) while the container runs on.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::engine {

struct AttachOptions {
    bool stdin = false;  // forward our stdin (-i); its end closes the container's
    bool tty = false;    // the container has a pty: raw mode, window sizes
    bool sig_proxy = true;
    std::string detach_keys;  // bytes, from parse_detach_keys; empty: none
};

struct AttachResult {
    bool detached = false;    // the user typed the detach keys
    std::optional<int> exit;  // the container's exit code ('x')
};

// docker's --detach-keys: comma-separated "a".."z"-style single characters,
// or "ctrl-<c>" for c in a-z, @, [, \, ], ^, _.
Result<std::string> parse_detach_keys(const std::string& spec);

// Proxy until the container exits, we detach, or the monitor goes away
// (exit unset, not detached).
Result<AttachResult> attach_session(int sock, const AttachOptions& o);

// For stop/wait: say hello as a watcher (and 'u' when user_stop) on an
// attach socket.
Status send_watch_hello(int sock, bool user_stop);
// Read frames until 'x': its code; nullopt on timeout (-1: none) or when the
// monitor closed the socket (*closed is set then).
Result<std::optional<int>> wait_exit_frame(int sock, int timeout_ms, bool* closed);

}  // namespace nook::engine
