#include "runtime/container_ops.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "oci/spec_json.h"
#include "oci/state_json.h"
#include "runtime/hooks.h"
#include "sys/file.h"
#include "sys/process.h"

namespace nook::runtime {

namespace {

Error not_running(const std::string& id, const std::string& status) {
    return Error(EINVAL, "container " + id + " is not running (status: " + status + ")")
        .without_errno_text();
}

// Poll a pidfd until the process exits or timeout_ms passes.
bool wait_exit(int pidfd, int timeout_ms) {
    pollfd p{pidfd, POLLIN, 0};
    int r;
    do {
        r = ::poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

// A pidfd for the container's init, only if it is still the same process.
Result<UniqueFd> init_pidfd(const ContainerRecord& r) {
    TRY_ASSIGN(UniqueFd fd, sys::pidfd_open(r.pid));
    // The pidfd pins the process; check it is not a recycled pid.
    auto st = sys::process_stat(r.pid);
    if (!st.ok() || st->start_time != r.start_time || st->state == 'Z')
        return Error(ESRCH, "container process has exited");
    return fd;
}

// The runtime-spec state that hooks read on stdin (pid omitted when 0).
std::string hooks_state(const ContainerRecord& r, const char* status, pid_t pid) {
    oci::State st;
    st.id = r.id;
    st.status = status;
    st.pid = pid;
    st.bundle = r.bundle;
    st.annotations = r.annotations;
    return oci::state_to_json(st);
}

}  // namespace

bool process_alive(const ContainerRecord& r) {
    if (r.pid <= 0) return false;
    auto st = sys::process_stat(r.pid);
    return st.ok() && st->start_time == r.start_time && st->state != 'Z' && st->state != 'X';
}

Result<std::unique_ptr<cgroups::Manager>> container_cgroup(const ContainerRecord& r) {
    return cgroups::make_manager(r.cgroups_path, r.id);
}

std::string container_status(const StateStore& store, const ContainerRecord& r) {
    if (!process_alive(r)) return "stopped";
    if (sys::path_exists(store.fifo_path(r.id))) return "created";
    if (auto cg = container_cgroup(r); cg.ok()) {
        auto frozen = (*cg)->is_frozen();
        if (frozen.ok() && *frozen) return "paused";
    }
    return "running";
}

Result<ContainerState> load_state(const StateStore& store, const std::string& id) {
    ContainerState s;
    TRY_ASSIGN(s.record, store.load(id));
    s.status = container_status(store, s.record);
    return s;
}

std::string state_to_runc_json(const ContainerState& s, bool pretty) {
    const auto& r = s.record;
    nlohmann::ordered_json j = {{"ociVersion", oci::kSpecVersion},
                                {"id", r.id},
                                {"pid", s.status == "stopped" ? 0 : r.pid},
                                {"status", s.status},
                                {"bundle", r.bundle},
                                {"rootfs", r.rootfs},
                                {"created", r.created},
                                {"owner", r.owner}};
    if (!r.annotations.empty()) j["annotations"] = r.annotations;
    return pretty ? j.dump(2) : j.dump();
}

Result<oci::Spec> load_saved_spec(const StateStore& store, const std::string& id) {
    return oci::load_spec(store.config_path(id));
}

Status start_container(const StateStore& store, const std::string& id) {
    TRY_ASSIGN(ContainerLock lock, store.lock(id));
    TRY_ASSIGN(ContainerRecord r, store.load(id));
    std::string status = container_status(store, r);
    if (status != "created")
        return Error(EINVAL, "cannot start container " + id + " in status " + status)
            .without_errno_text();
    TRY_ASSIGN(UniqueFd pidfd, init_pidfd(r));
    // Opening the read end releases the init blocked opening the write end.
    TRY_ASSIGN(UniqueFd fifo, sys::open_file(store.fifo_path(id), O_RDONLY | O_NONBLOCK));
    for (;;) {
        pollfd p[2] = {{fifo.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
        int n = ::poll(p, 2, 100);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("poll exec.fifo");
        if (p[0].revents & POLLIN) break;
        if (p[1].revents & POLLIN)
            return invalid_input("container " + id + " init exited before start");
    }
    char c;
    if (::read(fifo.get(), &c, 1) != 1) return Error::from_errno("read exec.fifo");
    ::unlink(store.fifo_path(id).c_str());
    // EOF once the init has exec'd (its write end is close-on-exec) or died.
    for (;;) {
        pollfd p{fifo.get(), POLLIN, 0};
        int n = ::poll(&p, 1, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("poll exec.fifo");
        ssize_t got = ::read(fifo.get(), &c, 1);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) break;
    }

    auto spec = load_saved_spec(store, id);
    if (spec.ok() && spec->hooks && !spec->hooks->poststart.empty())
        run_hooks_warn_only(spec->hooks->poststart, "poststart", hooks_state(r, "running", r.pid));
    return {};
}

Status kill_container(const StateStore& store, const std::string& id, int sig, bool all) {
    TRY_ASSIGN(ContainerRecord r, store.load(id));
    if (all) {
        TRY_ASSIGN(auto cg, container_cgroup(r));
        return cg->kill_all(sig);
    }
    auto pidfd = init_pidfd(r);
    if (!pidfd.ok()) return not_running(id, "stopped");
    TRY(sys::pidfd_send_signal(pidfd->get(), sig));
    return {};
}

Status delete_container(const StateStore& store, const std::string& id, bool force) {
    auto lock = store.lock(id);
    if (!lock.ok()) return std::move(lock).error();
    auto rec = store.load(id);
    if (!rec.ok()) {
        // A create that died before writing state.json leaves a bare dir.
        if (rec.error().code() == ENOENT) return store.remove(id);
        return std::move(rec).error();
    }
    ContainerRecord& r = *rec;
    std::string status = container_status(store, r);
    auto cg = container_cgroup(r);
    if (status != "stopped") {
        if ((status == "running" || status == "paused") && !force)
            return Error(EBUSY, "cannot delete container " + id + " that is not stopped: " + status)
                .without_errno_text();
        auto pidfd = init_pidfd(r);
        if (cg.ok()) (void)(*cg)->kill_all(SIGKILL);
        if (pidfd.ok()) {
            (void)sys::pidfd_send_signal(pidfd->get(), SIGKILL);
            if (!wait_exit(pidfd->get(), 10000))
                return Error(ETIMEDOUT, "container " + id + " did not exit after SIGKILL");
        }
    }
    if (cg.ok()) {
        auto paths = (*cg)->paths();
        if (auto d = (*cg)->destroy(); !d.ok())
            log::warn("delete " + id + ": cgroup: " + d.error().what());
        // The default parent (/nook) goes with its last container; while
        // others live, rmdir fails with EBUSY and that is fine.
        if (r.cgroups_path.empty())
            for (const auto& [controller, dir] : paths)
                ::rmdir(dir.substr(0, dir.find_last_of('/')).c_str());
    }
    auto spec = load_saved_spec(store, id);
    if (spec.ok() && spec->hooks && !spec->hooks->poststop.empty())
        run_hooks_warn_only(spec->hooks->poststop, "poststop", hooks_state(r, "stopped", 0));
    return store.remove(id);
}

Status pause_container(const StateStore& store, const std::string& id) {
    TRY_ASSIGN(ContainerLock lock, store.lock(id));
    TRY_ASSIGN(ContainerRecord r, store.load(id));
    std::string status = container_status(store, r);
    if (status != "running") return not_running(id, status);
    TRY_ASSIGN(auto cg, container_cgroup(r));
    return cg->freeze();
}

Status resume_container(const StateStore& store, const std::string& id) {
    TRY_ASSIGN(ContainerLock lock, store.lock(id));
    TRY_ASSIGN(ContainerRecord r, store.load(id));
    std::string status = container_status(store, r);
    if (status != "paused")
        return Error(EINVAL, "container " + id + " is not paused (status: " + status + ")")
            .without_errno_text();
    TRY_ASSIGN(auto cg, container_cgroup(r));
    return cg->thaw();
}

Result<std::vector<pid_t>> container_pids(const StateStore& store, const std::string& id) {
    TRY_ASSIGN(ContainerRecord r, store.load(id));
    TRY_ASSIGN(auto cg, container_cgroup(r));
    return cg->pids();
}

Result<int> parse_signal(const std::string& s) {
    if (s.empty()) return invalid_input("empty signal");
    if (std::isdigit(static_cast<unsigned char>(s[0]))) {
        char* end = nullptr;
        long v = std::strtol(s.c_str(), &end, 10);
        if (*end || v <= 0 || v > 64) return invalid_input("invalid signal: " + s);
        return static_cast<int>(v);
    }
    std::string name = s;
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    for (int sig = 1; sig < SIGRTMIN; ++sig) {
        const char* abbrev = sigabbrev_np(sig);
        if (abbrev && name == abbrev) return sig;
    }
    if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
        bool min = name[3] == 'I';
        int off = name.size() > 5 ? std::atoi(name.c_str() + 5) : 0;
        int sig = min ? SIGRTMIN + off : SIGRTMAX + off;
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
    return invalid_input("unknown signal: " + s);
}

}  // namespace nook::runtime
