// Harness for the runtime integration suite: runs a runc-compatible runtime
// binary ($RUNTIME, default build/bin/nook-runtime) against throw-away bundles
// holding a busybox rootfs and the static probe at /probe.
//
// Deliberately independent of src/: the suite must judge nook-runtime from the
// outside exactly as it judges runc, so it shares no code with the runtime.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace itest {

using namespace std::chrono_literals;
using Json = nlohmann::json;

// The runtime under test: $RUNTIME (a path or a name looked up in PATH) or
// the nook-runtime binary of this build.
std::string runtime_path();
// True when the runtime under test is nook's; guards checks of nook's own
// wording or of behaviour runc does not have.
bool is_nook();
// True when the runtime under test is runc, to skip features runc lacks.
bool is_runc();

struct CmdResult {
    int exit_code = -1;  // exit status, or 128+signal when killed
    bool timed_out = false;
    std::string out;
    std::string err;
    // All of stdout and stderr, for assertion messages.
    std::string describe() const;
};

struct CmdOptions {
    std::chrono::milliseconds timeout = 20s;
    std::string stdin_data;        // fed through a pipe; /dev/null when empty
    std::string stdout_file;       // stdout goes to this file instead of a pipe
    std::map<int, int> pass_fds;   // child fd number -> our fd, left open across exec
    std::vector<std::string> env;  // extra NAME=VALUE entries
};

// A started command whose output is collected by wait().
class AsyncCmd {
  public:
    AsyncCmd(const std::vector<std::string>& argv, const CmdOptions& opts);
    ~AsyncCmd();
    AsyncCmd(const AsyncCmd&) = delete;
    AsyncCmd& operator=(const AsyncCmd&) = delete;
    pid_t pid() const { return pid_; }
    // Waits for exit (killing the command with SIGKILL after `timeout`). Output
    // is read until the command exits, not to EOF: a detached container keeps
    // the pipe's write end open long after the runtime itself has gone.
    CmdResult wait(std::chrono::milliseconds timeout);

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1, in_fd_ = -1;
    std::string stdin_data_;
    std::string stdout_file_;
    bool done_ = false;
};

CmdResult run_cmd(const std::vector<std::string>& argv, const CmdOptions& opts = {});

// A runc-like default config.json for `args` (what `runc spec` writes, minus
// the terminal and with a writable root so probes can create files).
Json default_config(const std::vector<std::string>& args);

// A temporary bundle: <dir>/config.json and <dir>/rootfs with busybox applets
// and /probe. Removed, with everything under it, by the destructor.
class Bundle {
  public:
    Bundle();
    ~Bundle();
    Bundle(const Bundle&) = delete;
    Bundle& operator=(const Bundle&) = delete;

    const std::string& dir() const { return dir_; }
    std::string rootfs() const { return dir_ + "/rootfs"; }
    Json& config() { return config_; }
    void set_args(const std::vector<std::string>& args) { config_["process"]["args"] = args; }
    // Writes config() to config.json (tests call it before each runtime verb).
    void write_config() const;
    // Writes raw text as config.json, for the invalid-config cases.
    void write_raw_config(const std::string& text) const;
    // Writes a file relative to the bundle directory.
    void write_file(const std::string& rel, const std::string& content, mode_t mode = 0644) const;

  private:
    std::string dir_;
    Json config_;
};

// A private runtime state root (--root) plus the containers created in it;
// the destructor force-deletes every container and removes the root.
class Runtime {
  public:
    Runtime();
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    const std::string& root() const { return root_; }
    // A fresh container id, unique across processes and runs; remembered for teardown.
    std::string new_id();
    // argv for `$RUNTIME --root <root> <args...>`.
    std::vector<std::string> argv(const std::vector<std::string>& args) const;
    CmdResult operator()(const std::vector<std::string>& args, const CmdOptions& opts = {}) const;

    // `state ID` parsed; a null json when the command fails or prints no object.
    Json state(const std::string& id) const;
    // Polls `state` until status == want or the timeout passes; returns the last status.
    std::string wait_status(const std::string& id, const std::string& want,
                            std::chrono::milliseconds timeout = 5s) const;
    // Entries left in the state root (should be empty once all is deleted).
    std::vector<std::string> state_entries() const;

  private:
    std::string root_;
    std::set<std::string> ids_;
};

// "Nothing left behind" checks; each returns a description of what is left,
// empty when clean.
std::string leftover_mounts(const std::string& path_fragment);
std::string leftover_processes(const std::string& rootfs);
std::string leftover_cgroups(const std::string& id);

// Small helpers.
std::string read_file(const std::string& path);
bool path_exists(const std::string& path);
std::string trim(const std::string& s);
// Runs of blanks collapsed to one space (uid_map columns are padded).
std::string squeeze_spaces(const std::string& s);
std::vector<std::string> lines(const std::string& s);
// Value of `key=` in probe output, or "" when absent.
std::string kv(const std::string& probe_out, const std::string& key);
// Polls pred every 20 ms until it is true or the timeout passes.
// A listening unix stream socket bound at path (console sockets, seccomp
// listeners); -1 when it cannot be made.
int listen_unix(const std::string& path);

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

}  // namespace itest
