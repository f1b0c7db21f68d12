// The built-in runtime behind OciRuntime (oci_runtime.h): the runtime
// library called in-process, its state in <runroot>/runtime. Every
// operation is a function call; the init and exec'd processes are children
// of the caller.
#include <signal.h>

#include "engine/runtimes/oci_runtime.h"
#include "runtime/container_ops.h"
#include "runtime/exec.h"
#include "runtime/launcher.h"
#include "sys/file.h"
#include "sys/socket.h"

namespace nook::engine {

namespace {

// The socketpair a new pty's master comes back over (process.terminal):
// the runtime sends it on the far end, we receive it on ours.
class ConsolePair {
  public:
    static Result<ConsolePair> open(bool wanted) {
        ConsolePair c;
        if (wanted) {
            TRY_ASSIGN(c.ends_, sys::seqpacket_pair());
        }
        return c;
    }
    int far_end() const { return ends_.second ? ends_.second.get() : -1; }
    // An empty fd when no pty was asked for.
    Result<UniqueFd> receive() {
        if (!ends_.first) return UniqueFd();
        ends_.second.reset();  // so a runtime that sent nothing cannot leave us waiting
        return sys::recv_fd(ends_.first.get());
    }

  private:
    std::pair<UniqueFd, UniqueFd> ends_;
};

class BuiltinRuntime final : public OciRuntime {
  public:
    explicit BuiltinRuntime(const Paths& paths) : store_(paths.runtime_root()) {}

    const std::string& name() const override { return name_; }

    Result<RuntimeProcess> create(const std::string& id, const std::string& bundle,
                                  bool tty) override {
        runtime::LaunchOptions lo;
        lo.id = id;
        lo.bundle = bundle;
        TRY_ASSIGN(auto console, ConsolePair::open(tty));
        lo.console_fd = console.far_end();
        TRY(sys::mkdir_p(store_.root(), 0700));
        TRY_ASSIGN(auto created, runtime::create_container(store_, lo));
        created.lock = runtime::ContainerLock();  // start takes it again
        RuntimeProcess p;
        auto master = console.receive();
        if (!master.ok()) {
            (void)runtime::delete_container(store_, id, true);
            return std::move(master).error().context("receive the pty of " + id);
        }
        p.pty_master = std::move(*master);
        p.pid = created.init.release();
        p.cgroup = std::move(created.cgroup);
        return p;
    }

    Status start(const std::string& id) override { return runtime::start_container(store_, id); }

    Status kill(const std::string& id, int sig, bool all) override {
        return runtime::kill_container(store_, id, sig, all);
    }

    Status remove(const std::string& id) override {
        if (store_.exists(id)) return runtime::delete_container(store_, id, true);
        // No runtime state (runroot wiped) but the default cgroup may
        // remain: its processes died with the container's init.
        if (auto cg = runtime::cgroups::make_manager("", id); cg.ok()) {
            (void)(*cg)->kill_all(SIGKILL);
            (void)(*cg)->destroy();
        }
        return {};
    }

    Status pause(const std::string& id) override { return runtime::pause_container(store_, id); }
    Status resume(const std::string& id) override { return runtime::resume_container(store_, id); }

    Result<bool> paused(const std::string& id) override {
        TRY_ASSIGN(auto st, runtime::load_state(store_, id));
        return st.status == "paused";
    }

    Result<std::vector<pid_t>> pids(const std::string& id) override {
        return runtime::container_pids(store_, id);
    }

    Result<std::unique_ptr<runtime::cgroups::Manager>> cgroup(const std::string& id) override {
        TRY_ASSIGN(auto rec, store_.load(id));
        return runtime::container_cgroup(rec);
    }

    Result<RuntimeProcess> exec(const std::string& id, const oci::Process& process,
                                bool detach) override {
        runtime::ExecOptions o;
        o.id = id;
        o.process = process;
        TRY_ASSIGN(auto console, ConsolePair::open(process.terminal));
        o.console_fd = console.far_end();
        TRY_ASSIGN(OwnedPid pid, runtime::exec_in_container(store_, o));
        RuntimeProcess p;
        if (detach) {
            pid.release();  // reparented to init when we exit
            return p;
        }
        TRY_ASSIGN(p.pty_master, console.receive());
        p.pid = pid.release();
        return p;
    }

  private:
    std::string name_ = kBuiltinRuntime;
    runtime::StateStore store_;
};

}  // namespace

std::unique_ptr<OciRuntime> make_builtin_runtime(const Paths& paths) {
    return std::make_unique<BuiltinRuntime>(paths);
}

}  // namespace nook::engine
