// An external OCI runtime binary behind OciRuntime (oci_runtime.h), driven
// through the command line runc defined and crun, youki and nook-runtime
// share:
//   <bin> --root <runroot>/runtimes/<name> --log <file> --log-format json
//         create --bundle B --pid-file F [--console-socket S] ID | start ID |
//         kill [--all] ID SIG | delete --force ID | pause ID | resume ID |
//         ps --format json ID | exec --process P [--tty --console-socket S]
//         [--detach] ID
// Errors come from the runtime's JSON log (each call gets its own file,
// removed afterwards): the last "error" entry is the message the user sees.
// The container's cgroup is the engine's fixed /nook/<id> (the spec says so),
// so stats, OOM counts and the freezer state are read without the runtime.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/runtimes/oci_runtime.h"
#include "oci/spec_json.h"
#include "sys/cgroupfs.h"
#include "sys/daemon.h"
#include "sys/file.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/spawn.h"
#include "sys/stream_io.h"

namespace nook::engine {

namespace {

// The errno a runtime's message stands for: 126/127 for exec failures
// (exit_code_for_start_error) depend on it.
int errno_of_message(const std::string& m) {
    if (m.find("not found in $PATH") != std::string::npos ||
        m.find("executable file not found") != std::string::npos ||
        m.find("no such file or directory") != std::string::npos ||
        m.find("No such file or directory") != std::string::npos)
        return ENOENT;
    if (m.find("permission denied") != std::string::npos ||
        m.find("Permission denied") != std::string::npos)
        return EACCES;
    return EIO;
}

// The last error in a runtime's JSON log ("" when it logged none).
std::string last_logged_error(const std::string& log_file) {
    auto text = sys::read_file(log_file);
    if (!text.ok()) return "";
    std::istringstream lines(*text);
    std::string line, last;
    while (std::getline(lines, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;
        const std::string level = j.value("level", "");
        if ((level == "error" || level == "fatal") && j.contains("msg") && j["msg"].is_string())
            last = j["msg"].get<std::string>();
    }
    return last;
}

std::string last_line(const std::string& text) {
    size_t end = text.find_last_not_of("\n ");
    if (end == std::string::npos) return "";
    size_t begin = text.rfind('\n', end);
    return text.substr(begin == std::string::npos ? 0 : begin + 1, end - begin);
}

// One call's private files under the runtime's root (log, process JSON,
// console socket), removed with it.
class CallFiles {
  public:
    CallFiles(const std::string& dir, const std::string& verb) {
        static std::atomic<unsigned> counter{0};
        prefix_ =
            dir + "/" + verb + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    }
    ~CallFiles() {
        std::error_code ec;
        for (const auto& f : made_) std::filesystem::remove(f, ec);
    }
    CallFiles(const CallFiles&) = delete;
    CallFiles& operator=(const CallFiles&) = delete;

    std::string file(const std::string& suffix) {
        made_.push_back(prefix_ + suffix);
        return made_.back();
    }

  private:
    std::string prefix_;
    std::vector<std::string> made_;
};

// A console socket (--console-socket): the runtime connects and sends the
// pty master.
class ConsoleListener {
  public:
    static Result<ConsoleListener> open(const std::string& path) {
        if (path.size() >= 108)
            return invalid_input("console socket path " + path +
                                 " is too long for a unix socket: use a shorter --runroot");
        ConsoleListener c;
        TRY_ASSIGN(c.fd_, sys::listen_unix(path));
        TRY(sys::set_nonblocking(c.fd_.get(), true));
        return c;
    }
    // The master, sent by a runtime that has returned: it is queued.
    Result<UniqueFd> receive(const std::string& what) {
        TRY_ASSIGN(auto conn, sys::accept_client(fd_.get()));
        if (!conn)
            return Error(EPIPE, what + ": the runtime sent no terminal").without_errno_text();
        TRY(sys::set_nonblocking(conn->get(), false));
        return sys::recv_fd(conn->get());
    }

  private:
    UniqueFd fd_;
};

class ExternalRuntime final : public OciRuntime {
  public:
    ExternalRuntime(const Paths& paths, std::string name, std::string binary)
        : name_(std::move(name)),
          binary_(std::move(binary)),
          root_(paths.external_runtime_root(std::filesystem::path(binary_).filename())) {}

    const std::string& name() const override { return name_; }

    Result<RuntimeProcess> create(const std::string& id, const std::string& bundle,
                                  bool tty) override {
        TRY(sys::mkdir_p(root_, 0700));
        // The init is created by a child of the runtime, which exits: we
        // must be the one it is reparented to, to reap its exit status.
        TRY(sys::set_child_subreaper());
        CallFiles files(root_, "create");
        const std::string pid_file = files.file(".pid");
        std::vector<std::string> args = {"create", "--bundle", bundle, "--pid-file", pid_file};
        std::optional<ConsoleListener> console;
        if (tty) {
            const std::string sock = files.file(".sock");
            TRY_ASSIGN(console, ConsoleListener::open(sock));
            args.insert(args.end(), {"--console-socket", sock});
        }
        args.push_back(id);
        // Our fds 0-2 are the container's stdio (the runtime passes its own
        // on): a failing runtime's complaint there would reach the
        // container's log, so the message is taken from the JSON log.
        auto undo = [&](Error e) -> Error {
            (void)remove(id);
            return e;
        };
        if (auto s = call(args, files, {}, nullptr); !s.ok()) return undo(std::move(s).error());
        RuntimeProcess p;
        auto pid_text = sys::read_file(pid_file);
        p.pid = pid_text.ok() ? std::atoi(pid_text->c_str()) : 0;
        if (p.pid <= 0) return undo(failure("create", id, "it wrote no pid file", EPROTO));
        if (console) {
            auto master = console->receive(name_ + " create " + id);
            if (!master.ok()) return undo(std::move(master).error());
            p.pty_master = std::move(*master);
        }
        auto cg = cgroup(id);
        if (cg.ok()) p.cgroup = std::move(*cg);
        return p;
    }

    Status start(const std::string& id) override { return run({"start", id}); }

    Status kill(const std::string& id, int sig, bool all) override {
        std::vector<std::string> args = {"kill"};
        if (all) args.push_back("--all");
        args.insert(args.end(), {id, std::to_string(sig)});
        return run(args);
    }

    Status remove(const std::string& id) override {
        Status st;
        if (sys::path_exists(root_ + "/" + id)) st = run({"delete", "--force", id});
        // A runtime leaves the parent of its cgroupsPath, and nothing at
        // all when its state is gone (runroot wiped): clear both, as the
        // built-in runtime does for the default path.
        if (auto cg = runtime::cgroups::make_manager(engine_cgroups_path(id), id); cg.ok()) {
            auto dirs = (*cg)->paths();
            (void)(*cg)->kill_all(SIGKILL);
            (void)(*cg)->destroy();
            for (const auto& [controller, dir] : dirs)
                (void)sys::remove_dir(dir.substr(0, dir.find_last_of('/')));
        }
        return st;
    }

    Status pause(const std::string& id) override { return run({"pause", id}); }
    Status update(const std::string& id, const oci::Resources& r) override {
        // runc's `update --resources FILE` takes linux.resources as JSON.
        oci::Spec s;
        s.linux_ = oci::Linux{};
        s.linux_->resources = r;
        auto spec = nlohmann::json::parse(oci::to_json(s), nullptr, false);
        if (spec.is_discarded()) return invalid_input("update " + id + ": bad resources");
        TRY(sys::mkdir_p(root_, 0700));
        const std::string file = root_ + "/update-" + id + ".json";
        TRY(sys::write_file_atomic(
            file, spec["linux"].value("resources", nlohmann::json::object()).dump(), 0600));
        auto st = run({"update", "--resources", file, id});
        ::unlink(file.c_str());
        return st;
    }
    Status resume(const std::string& id) override { return run({"resume", id}); }

    Result<bool> paused(const std::string& id) override {
        TRY_ASSIGN(auto cg, cgroup(id));
        return cg->is_frozen();
    }

    Result<std::vector<pid_t>> pids(const std::string& id) override {
        std::string out;
        TRY(run({"ps", "--format", "json", id}, &out));
        auto j = nlohmann::json::parse(out, nullptr, false);
        if (j.is_discarded() || !j.is_array())
            return failure("ps", id, "it printed no JSON list of pids", EPROTO);
        std::vector<pid_t> pids;
        for (const auto& v : j)
            if (v.is_number_integer()) pids.push_back(v.get<pid_t>());
        return pids;
    }

    Result<std::unique_ptr<runtime::cgroups::Manager>> cgroup(const std::string& id) override {
        return runtime::cgroups::make_manager(engine_cgroups_path(id), id);
    }

    Result<RuntimeProcess> exec(const std::string& id, const oci::Process& process,
                                bool detach) override {
        TRY(sys::mkdir_p(root_, 0700));
        auto files = std::make_shared<CallFiles>(root_, "exec");
        const std::string process_file = files->file(".json");
        oci::Spec only;
        only.process = process;
        auto spec_json = nlohmann::json::parse(oci::to_json(only));
        TRY(sys::write_file_atomic(process_file, spec_json["process"].dump(), 0600));
        std::vector<std::string> args = {"exec", "--process", process_file};
        // A terminal in the foreground is the runtime's own: runc's command
        // line takes a console socket only with --detach, and otherwise
        // proxies the pty to its stdio (our terminal) itself.
        if (process.terminal) args.push_back("--tty");
        if (detach) args.push_back("--detach");
        args.push_back(id);
        RuntimeProcess p;
        if (detach) {
            TRY(call(args, *files, {}, nullptr));
            return p;
        }
        // In the foreground the runtime stays as the process's parent,
        // forwards our signals to it and exits with its exit code.
        const std::string log = files->file(".log");
        TRY_ASSIGN(p.pid, sys::spawn(command(args, log), {.new_session = true}));
        // A process that could not be started is the runtime's error, not
        // an exit code of the process.
        p.on_exit = [files, log, what = name_ + " exec " + id](int code) -> Result<int> {
            if (code == 0) return code;
            std::string msg = last_logged_error(log);
            if (msg.empty()) return code;
            return Error(errno_of_message(msg), what + ": " + msg).without_errno_text();
        };
        return p;
    }

  private:
    std::vector<std::string> command(const std::vector<std::string>& args,
                                     const std::string& log) const {
        std::vector<std::string> argv = {binary_, "--root",       root_, "--log",
                                         log,     "--log-format", "json"};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }

    Error failure(const std::string& verb, const std::string& id, const std::string& why,
                  int code) const {
        return Error(code, name_ + " " + verb + " " + id + ": " + why).without_errno_text();
    }

    // Run one call to completion. fds: its stdio (-1: ours); out: collect
    // stdout. Stderr is collected (and shown in the error) unless fds.err
    // says otherwise or it is our own stderr the container must see.
    Status call(const std::vector<std::string>& args, CallFiles& files, sys::SpawnFds fds,
                std::string* out) {
        const std::string log = files.file(".log");
        sys::Pipe out_pipe;
        if (out) {
            TRY_ASSIGN(out_pipe, sys::make_pipe());
            fds.out = out_pipe.write.get();
        }
        // In a session of its own, as every process it starts in the
        // container: whether or not the runtime makes the container's
        // processes session leaders (runc and crun do), a kill(0) inside
        // cannot reach the monitor or the CLI.
        fds.new_session = true;
        TRY_ASSIGN(pid_t pid, sys::spawn(command(args, log), fds));
        out_pipe.write.reset();
        Result<std::string> text = out ? sys::read_fd(out_pipe.read.get()) : std::string();
        TRY_ASSIGN(int code, sys::wait_exit_code(pid));
        if (code == 0) {
            if (out && text.ok()) *out = std::move(*text);
            return {};
        }
        std::string msg = last_logged_error(log);
        if (msg.empty()) msg = "exited with status " + std::to_string(code);
        return failure(args[0], args.back(), msg, errno_of_message(msg));
    }

    // A call whose stderr is captured into the error when the log is empty.
    Status run(const std::vector<std::string>& args, std::string* out = nullptr) {
        TRY(sys::mkdir_p(root_, 0700));
        CallFiles files(root_, args[0]);
        TRY_ASSIGN(auto err, sys::make_pipe());
        auto devnull = sys::open_file("/dev/null", O_RDWR);
        sys::SpawnFds fds;
        fds.in = devnull.ok() ? devnull->get() : -1;
        fds.err = err.write.get();
        // The stderr pipe is drained after the exit: a runtime writes a
        // line or two, far below a pipe's capacity.
        auto st = call(args, files, fds, out);
        err.write.reset();
        if (st.ok()) return st;
        if (st.error().message().find("exited with status") != std::string::npos) {
            (void)sys::set_nonblocking(err.read.get(), true);
            auto text = sys::read_fd(err.read.get());
            std::string line = text.ok() ? last_line(*text) : "";
            if (!line.empty()) return failure(args[0], args.back(), line, errno_of_message(line));
        }
        return st;
    }

    std::string name_;
    std::string binary_;
    std::string root_;
};

bool executable_file(const std::string& path) {
    std::error_code ec;
    return ::access(path.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(path, ec);
}

}  // namespace

std::string engine_cgroups_path(const std::string& id) {
    return "/nook/" + id;
}

Result<std::string> resolve_runtime_binary(const std::string& name) {
    auto unknown = [&] { return invalid_input("unknown or invalid runtime name: " + name); };
    if (name.find('/') != std::string::npos) {
        if (name[0] != '/' || !executable_file(name)) return unknown();
        return name;
    }
    std::string dirs = ::getenv("PATH") ? ::getenv("PATH") : "";
    dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
    std::istringstream in(dirs);
    std::string dir;
    while (std::getline(in, dir, ':'))
        if (!dir.empty() && executable_file(dir + "/" + name)) return dir + "/" + name;
    return unknown();
}

Status check_runtime_name(const std::string& name) {
    if (name.empty() || name == kBuiltinRuntime) return {};
    TRY(resolve_runtime_binary(name));
    return {};
}

Result<std::unique_ptr<OciRuntime>> open_runtime(const Paths& paths, const std::string& name) {
    if (name.empty() || name == kBuiltinRuntime) return make_builtin_runtime(paths);
    TRY_ASSIGN(std::string binary, resolve_runtime_binary(name));
    return make_external_runtime(paths, name, binary);
}

std::unique_ptr<OciRuntime> make_external_runtime(const Paths& paths, const std::string& name,
                                                  const std::string& binary) {
    return std::make_unique<ExternalRuntime>(paths, name, binary);
}

}  // namespace nook::engine
