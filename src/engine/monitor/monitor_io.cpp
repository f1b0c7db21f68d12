// The monitor's I/O loop: container output to the log and attached clients (monitor_io.h).
#include "engine/monitor/monitor_io.h"

#include <poll.h>

#include <algorithm>
#include <cstdlib>

#include "sys/process.h"
#include "sys/stream_io.h"
#include "sys/tty.h"

namespace nook::engine {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kChunk = 32 * 1024;
// A client that stops reading (a stuck terminal) is dropped past this much
// queued output, so it cannot make the monitor hold unbounded memory.
constexpr size_t kMaxQueued = 4 * 1024 * 1024;
constexpr int kDrainMs = 2000;

int ms_until(Clock::time_point t) {
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
    return d < 0 ? 0 : static_cast<int>(d);
}

}  // namespace

Result<AttachServer> AttachServer::listen(const std::string& path) {
    AttachServer s;
    TRY_ASSIGN(s.listen_, sys::listen_unix_long(path));
    TRY(sys::set_nonblocking(s.listen_.get(), true));
    return s;
}

void AttachServer::adopt(UniqueFd client) {
    (void)sys::set_nonblocking(client.get(), true);
    clients_.push_back(Client{std::move(client), {}, {}, true});
}

void AttachServer::accept_new() {
    for (;;) {
        auto c = sys::accept_client(listen_.get());
        if (!c.ok() || !*c) return;
        clients_.push_back(Client{std::move(**c), {}, {}, true});
    }
}

void AttachServer::handle(const Frame& f, Client& c, RunIo* io) {
    switch (f.type) {
        case frame::kHello:
            c.stream = f.payload != "watch";
            break;
        case frame::kUserStop:
            user_stopped_ = true;
            break;
        case frame::kStdin:
            if (io && io->open_stdin && (io->master || io->stdin_w) && !close_stdin_)
                stdin_pending_ += f.payload;
            break;
        case frame::kStdinEof:
            // A pty has no end of input; a pipe is closed once drained.
            if (io && io->stdin_w) close_stdin_ = true;
            break;
        case frame::kResize:
            if (io && io->master) {
                unsigned rows = 0, cols = 0;
                if (std::sscanf(f.payload.c_str(), "%u %u", &rows, &cols) == 2)
                    (void)sys::set_window_size(io->master.get(), rows, cols);
            }
            break;
        case frame::kSignal:
            if (io && io->pidfd) {
                int sig = std::atoi(f.payload.c_str());
                if (sig > 0) (void)sys::pidfd_send_signal(io->pidfd.get(), sig);
            }
            break;
        default:
            break;  // unknown frames are ignored, for newer clients
    }
}

bool AttachServer::read_client(Client& c, RunIo* io) {
    char buf[kChunk];
    auto n = sys::read_nonblocking(c.fd.get(), buf, sizeof buf);
    if (!n.ok() || (*n && **n == 0)) return false;
    if (!*n) return true;
    c.in.feed(buf, **n);
    while (auto f = c.in.next()) handle(*f, c, io);
    return true;
}

bool AttachServer::flush_client(Client& c) {
    while (!c.out.empty()) {
        auto n = sys::send_some(c.fd.get(), c.out.data(), c.out.size());
        if (!n.ok()) return false;
        if (*n == 0) break;
        c.out.erase(0, *n);
    }
    return c.out.size() <= kMaxQueued;
}

void AttachServer::send_all(char type, const std::string& data, bool output) {
    std::string f = encode_frame(type, data);
    for (auto& c : clients_) {
        if (output && !c.stream) continue;
        c.out += f;
        if (!flush_client(c)) c.fd.reset();
    }
}

void AttachServer::drop_dead() {
    std::erase_if(clients_, [](const Client& c) { return !c.fd; });
}

void AttachServer::pump_output(UniqueFd& fd, const char* stream, LogWriter* log) {
    char buf[kChunk];
    auto n = sys::read_nonblocking(fd.get(), buf, sizeof buf);
    if (!n.ok() || (*n && **n == 0)) {
        fd.reset();
        return;
    }
    if (!*n) return;
    if (log) (void)log->feed(stream, buf, **n);
    send_all(stream[3] == 'o' ? frame::kStdout : frame::kStderr, std::string(buf, **n), true);
}

Status AttachServer::serve_run(RunIo& io, LogWriter* log) {
    stdin_pending_.clear();
    close_stdin_ = false;
    for (UniqueFd* fd : {&io.out, &io.err, &io.master, &io.stdin_w})
        if (*fd) TRY(sys::set_nonblocking(fd->get(), true));
    bool exited = false;
    Clock::time_point deadline{};
    for (;;) {
        if (exited && ((!io.out && !io.err && !io.master) || ms_until(deadline) == 0)) break;
        int stdin_fd = io.master ? io.master.get() : io.stdin_w.get();
        if (close_stdin_ && stdin_pending_.empty() && io.stdin_w) io.stdin_w.reset();
        std::vector<pollfd> p = {
            {exited ? -1 : io.pidfd.get(), POLLIN, 0},
            {listen_.get(), POLLIN, 0},
            {io.out ? io.out.get() : -1, POLLIN, 0},
            {io.err ? io.err.get() : -1, POLLIN, 0},
            {io.master ? io.master.get() : -1, POLLIN, 0},
            {!stdin_pending_.empty() && stdin_fd >= 0 ? stdin_fd : -1, POLLOUT, 0},
        };
        const size_t first_client = p.size();
        for (auto& c : clients_)
            p.push_back(
                {c.fd.get(), static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
        TRY(sys::poll_fds(p, exited ? ms_until(deadline) : -1).context("monitor poll"));
        if (p[0].revents) {
            exited = true;
            deadline = Clock::now() + std::chrono::milliseconds(kDrainMs);
        }
        if (p[1].revents) accept_new();
        if (p[2].revents) pump_output(io.out, "stdout", log);
        if (p[3].revents) pump_output(io.err, "stderr", log);
        if (p[4].revents) pump_output(io.master, "stdout", log);
        if (p[5].revents && stdin_fd >= 0) {
            auto n = sys::write_some(stdin_fd, stdin_pending_.data(), stdin_pending_.size());
            if (!n.ok()) {
                stdin_pending_.clear();  // the container closed its stdin
                if (io.stdin_w) io.stdin_w.reset();
            } else {
                stdin_pending_.erase(0, *n);
            }
        }
        for (size_t i = first_client; i < p.size(); i++) {
            Client& c = clients_[i - first_client];
            if (!c.fd) continue;
            if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) && !read_client(c, &io)) c.fd.reset();
            if (c.fd && (p[i].revents & POLLOUT) && !flush_client(c)) c.fd.reset();
        }
        drop_dead();
    }
    if (log) (void)log->flush();
    return {};
}

bool AttachServer::pause_for(int ms) {
    auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (!user_stopped_) {
        int left = ms_until(until);
        if (left == 0) break;
        std::vector<pollfd> p = {{listen_.get(), POLLIN, 0}};
        for (auto& c : clients_) p.push_back({c.fd.get(), POLLIN, 0});
        if (!sys::poll_fds(p, left).ok()) break;
        if (p[0].revents) accept_new();
        for (size_t i = 1; i < p.size(); i++)
            if (p[i].revents && !read_client(clients_[i - 1], nullptr)) clients_[i - 1].fd.reset();
        drop_dead();
    }
    return !user_stopped_;
}

void AttachServer::take_pending() {
    for (;;) {
        std::vector<pollfd> p = {{listen_.get(), POLLIN, 0}};
        for (auto& c : clients_) p.push_back({c.fd.get(), POLLIN, 0});
        if (!sys::poll_fds(p, 0).ok()) return;
        bool any = false;
        if (p[0].revents) {
            accept_new();
            any = true;
        }
        for (size_t i = 1; i < p.size(); i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            // A client that only hung up stays readable: drop it, or we spin.
            if (!read_client(clients_[i - 1], nullptr))
                clients_[i - 1].fd.reset();
            else
                any = true;
        }
        drop_dead();
        if (!any) return;
    }
}

void AttachServer::broadcast_exit(int code) {
    send_all(frame::kExit, std::to_string(code), false);
    auto until = Clock::now() + std::chrono::milliseconds(kDrainMs);
    for (;;) {
        drop_dead();
        std::vector<pollfd> p;
        for (auto& c : clients_)
            if (!c.out.empty()) p.push_back({c.fd.get(), POLLOUT, 0});
        if (p.empty() || ms_until(until) == 0) break;
        if (!sys::poll_fds(p, ms_until(until)).ok()) break;
        for (auto& c : clients_)
            if (!c.out.empty() && !flush_client(c)) c.fd.reset();
    }
}

}  // namespace nook::engine
