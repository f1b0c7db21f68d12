// The CLI side of attach: stdin to the monitor, output back, detach keys (attach_client.h).
#include "engine/attach/attach_client.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "engine/attach/attach_proto.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/stream_io.h"

namespace nook::engine {

namespace {

// MSG_NOSIGNAL: the monitor may have sent its exit and gone before we say
// anything (a short-lived container); a SIGPIPE would kill us before we
// read the output and the exit code it left in our socket.
Status send_frame(int sock, char type, std::string_view payload) {
    return sys::send_all(sock, encode_frame(type, payload));
}

Status send_window_size(int sock) {
    auto ws = sys::window_size(0);
    if (!ws.ok()) ws = sys::window_size(1);
    if (!ws.ok()) return {};  // not a terminal: nothing to tell
    return send_frame(sock, frame::kResize,
                      std::to_string(ws->rows) + " " + std::to_string(ws->cols));
}

// Finds the detach sequence in typed input, holding back a partial match.
class DetachMatcher {
  public:
    explicit DetachMatcher(std::string keys) : keys_(std::move(keys)) {}
    // Bytes to forward for this input; *hit when the sequence completed.
    std::string feed(const char* data, size_t n, bool* hit) {
        std::string out;
        for (size_t i = 0; i < n && !*hit; i++) {
            char c = data[i];
            if (keys_.empty()) {
                out.push_back(c);
                continue;
            }
            if (c == keys_[matched_]) {
                if (++matched_ == keys_.size()) *hit = true;
                continue;
            }
            out.append(keys_, 0, matched_);
            matched_ = 0;
            if (c == keys_[0])
                matched_ = 1;
            else
                out.push_back(c);
        }
        return out;
    }

  private:
    std::string keys_;
    size_t matched_ = 0;
};

}  // namespace

Result<std::string> parse_detach_keys(const std::string& spec) {
    std::string out;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t comma = spec.find(',', start);
        std::string k =
            spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (k.size() == 1) {
            out.push_back(k[0]);
        } else if (k.size() == 6 && k.compare(0, 5, "ctrl-") == 0) {
            char c = k[5];
            if (c >= 'a' && c <= 'z')
                out.push_back(static_cast<char>(c - 'a' + 1));
            else if (c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
                out.push_back(static_cast<char>(c - '@'));
            else
                return invalid_input("--detach-keys \"" + spec + "\": invalid key \"" + k + "\"");
        } else {
            return invalid_input("--detach-keys \"" + spec + "\": invalid key \"" + k + "\"");
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

Result<AttachResult> attach_session(int sock, const AttachOptions& o) {
    // A failed send only means the monitor is gone: what it sent before
    // (output, the exit) is still ours to read.
    (void)send_frame(sock, frame::kHello, "stream");
    std::vector<int> sigs = {SIGWINCH};
    if (o.sig_proxy && !o.tty)
        sigs.insert(sigs.end(), {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2});
    TRY_ASSIGN(UniqueFd sigfd, sys::signal_fd(sigs));
    std::optional<sys::RawMode> raw;
    if (o.tty && o.stdin) raw.emplace(0);
    if (o.tty) (void)send_window_size(sock);
    DetachMatcher detach(o.stdin ? o.detach_keys : "");
    bool stdin_open = o.stdin;
    FrameReader frames;
    AttachResult res;
    char buf[32 * 1024];
    for (;;) {
        std::vector<pollfd> p = {
            {sock, POLLIN, 0}, {sigfd.get(), POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
        TRY(sys::poll_fds(p, -1).context("attach poll"));
        if (p[1].revents) {
            for (;;) {
                TRY_ASSIGN(int sig, sys::read_signal(sigfd.get()));
                if (sig == 0) break;
                if (sig == SIGWINCH) {
                    if (o.tty) (void)send_window_size(sock);
                } else {
                    (void)send_frame(sock, frame::kSignal, std::to_string(sig));
                }
            }
        }
        if (p[2].revents) {
            auto n = sys::read_some(0, buf, sizeof buf);
            if (!n.ok() || *n == 0) {
                stdin_open = false;
                (void)send_frame(sock, frame::kStdinEof, "");
            } else {
                bool hit = false;
                std::string fwd = detach.feed(buf, *n, &hit);
                if (!fwd.empty()) (void)send_frame(sock, frame::kStdin, fwd);
                if (hit) {
                    raw.reset();
                    std::fprintf(stderr, "read escape sequence\n");
                    res.detached = true;
                    return res;
                }
            }
        }
        if (p[0].revents) {
            auto n = sys::read_some(sock, buf, sizeof buf);
            if (!n.ok() || *n == 0) return res;  // the monitor is gone
            frames.feed(buf, *n);
            while (auto f = frames.next()) {
                if (f->type == frame::kStdout) {
                    (void)sys::write_all(1, f->payload);
                } else if (f->type == frame::kStderr) {
                    (void)sys::write_all(2, f->payload);
                } else if (f->type == frame::kExit) {
                    res.exit = std::atoi(f->payload.c_str());
                    return res;
                }
            }
        }
    }
}

Status send_watch_hello(int sock, bool user_stop) {
    TRY(send_frame(sock, frame::kHello, "watch"));
    if (user_stop) TRY(send_frame(sock, frame::kUserStop, ""));
    return {};
}

Result<std::optional<int>> wait_exit_frame(int sock, int timeout_ms, bool* closed) {
    using Clock = std::chrono::steady_clock;
    auto until = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    FrameReader frames;
    char buf[4096];
    *closed = false;
    for (;;) {
        int left = -1;
        if (timeout_ms >= 0) {
            auto d = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            left = d.count() < 0 ? 0 : static_cast<int>(d.count());
        }
        std::vector<pollfd> p = {{sock, POLLIN, 0}};
        TRY_ASSIGN(int n, sys::poll_fds(p, left));
        if (n == 0 && left == 0) return std::optional<int>();
        if (!p[0].revents) continue;
        auto r = sys::read_some(sock, buf, sizeof buf);
        if (!r.ok() || *r == 0) {
            *closed = true;
            return std::optional<int>();
        }
        frames.feed(buf, *r);
        while (auto f = frames.next())
            if (f->type == frame::kExit) return std::optional<int>(std::atoi(f->payload.c_str()));
    }
}

}  // namespace nook::engine
