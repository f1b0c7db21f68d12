// The monitor's I/O while a container runs: it reads the container's output
// (two pipes, or the pty master with -t), writes it to the log and to every
// attached client, feeds the container's stdin from clients, and notices the
// init's exit through its pidfd -- all in one poll loop, no threads. Clients
// speak the frames of attach_proto.h and stay attached across restarts.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/attach/attach_proto.h"
#include "engine/logs/json_log.h"

namespace nook::engine {

// One run of the container, as launched.
struct RunIo {
    UniqueFd out, err;  // without a tty
    UniqueFd master;    // with a tty: output and (with -i) input
    UniqueFd stdin_w;   // without a tty, with -i: the container's stdin
    bool open_stdin = false;
    UniqueFd pidfd;  // the init
};

class AttachServer {
  public:
    // Listen at path (replacing a stale socket).
    static Result<AttachServer> listen(const std::string& path);
    // A client connected before the monitor started (foreground run/start -a).
    void adopt(UniqueFd client);

    // Serve until the init has exited and its output is drained (or 2 s
    // more have passed); the caller then reaps it.
    Status serve_run(RunIo& io, LogWriter* log);
    // Between runs: serve clients for ms; false when the user stopped the
    // container meanwhile.
    bool pause_for(int ms);
    // Send 'x' with the exit code to every client and give them up to 2 s to
    // take what is queued for them.
    void broadcast_exit(int code);
    bool user_stopped() const { return user_stopped_; }
    // Accept and read whatever clients have already sent, without waiting.
    // A stop/kill/rm -f connects and says 'u' *before* it signals, so after
    // the exit this is enough to know whether the user caused it.
    void take_pending();

  private:
    struct Client {
        UniqueFd fd;
        FrameReader in;
        std::string out;
        bool stream = true;  // wants output, not only exits
    };
    void accept_new();
    // Read from client i; false when it is gone.
    bool read_client(Client& c, RunIo* io);
    void handle(const Frame& f, Client& c, RunIo* io);
    void send_all(char type, const std::string& data, bool output);
    bool flush_client(Client& c);
    void drop_dead();
    void pump_output(UniqueFd& fd, const char* stream, LogWriter* log);

    UniqueFd listen_;
    std::vector<Client> clients_;
    std::string stdin_pending_;
    bool close_stdin_ = false;
    bool user_stopped_ = false;
};

}  // namespace nook::engine
