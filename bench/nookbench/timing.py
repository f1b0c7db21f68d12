"""Timing primitives: spawn a command with posix_spawn (vfork-like, so the
harness adds ~the same small constant to every peer), wait for it, and run
several commands interleaved A B C, B C A, ... so machine noise hits all of
them alike."""

import ctypes
import os
import time

from . import stats

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Container inits outlive `create`; as a subreaper the harness inherits
    and reaps them (PID 1 on this VM may not), so no zombies pile up and a
    stopped container is really gone before `delete`."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap():
    """Reap every exited child (orphaned container processes) without blocking."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class CommandError(RuntimeError):
    pass


class Spawner:
    """Runs argv with stdin/stdout on /dev/null and stderr into a scratch
    file that is read back only when the command fails."""

    def __init__(self, scratch_dir):
        self.err_path = os.path.join(scratch_dir, "stderr.txt")
        self.err_fd = os.open(self.err_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        self.env = dict(os.environ)
        # CPU time (user+sys) of timed commands and the children they
        # waited for, summed: on a loaded shared machine the wall time is
        # mostly waiting for a CPU, the CPU time is not.
        self.cpu_ns = 0

    def close(self):
        os.close(self.err_fd)

    def _last_stderr(self):
        os.lseek(self.err_fd, 0, os.SEEK_SET)
        data = os.read(self.err_fd, 4096).decode(errors="replace").strip()
        return " | ".join(data.splitlines()[-3:])

    def time_ns(self, argv, stdout_path=None):
        """Wall time of argv in ns; raises CommandError on a non-zero exit."""
        os.ftruncate(self.err_fd, 0)
        os.lseek(self.err_fd, 0, os.SEEK_SET)
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, stdout_path or "/dev/null", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_DUP2, self.err_fd, 2),
        ]
        t0 = time.perf_counter_ns()
        try:
            pid = os.posix_spawnp(argv[0], argv, self.env, file_actions=actions)
        except OSError as e:
            raise CommandError(f"{argv[0]}: {e.strerror}") from e
        _, status, ru = os.wait4(pid, 0)
        dt = time.perf_counter_ns() - t0
        self.cpu_ns += int((ru.ru_utime + ru.ru_stime) * 1e9)
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            raise CommandError(f"`{' '.join(argv)}` exited {rc}: {self._last_stderr()}")
        return dt

    def run(self, argv, capture=False):
        """Run untimed (setup/teardown); returns stdout text when capture."""
        out = os.path.join(os.path.dirname(self.err_path), "stdout.txt") if capture else None
        self.time_ns(argv, stdout_path=out)
        if capture:
            with open(out) as f:
                return f.read()
        return None


class Case:
    """One contender in an interleaved comparison.

    measure() returns the time in ns of the measured step; prepare() and
    finish() run untimed around it (e.g. create before start, delete after).
    """

    def __init__(self, name, measure, prepare=None, finish=None, role="peer"):
        self.name = name
        self.measure = measure
        self.prepare = prepare or (lambda: None)
        self.finish = finish or (lambda: None)
        self.role = role  # "nook", "peer" or "floor"
        self.samples_ms = []
        self.cpu_ms = []
        self.error = None


def interleave(cases, reps, warmup=2, log=None, sp=None):
    """Measure every case reps times, rotating the order each round. A case
    that fails is dropped from later rounds and keeps its error message.
    With sp (the Spawner the cases use), CPU time is recorded too."""
    live = list(cases)
    for r in range(warmup + reps):
        k = r % max(len(live), 1)
        for case in live[k:] + live[:k]:
            if case.error:
                continue
            try:
                case.prepare()
                cpu0 = sp.cpu_ns if sp else 0
                dt = case.measure()
                cpu = (sp.cpu_ns - cpu0) if sp else None
                case.finish()
            except CommandError as e:
                case.error = str(e)
                if log:
                    log(f"  {case.name}: {case.error}")
                try:
                    case.finish()
                except CommandError:
                    pass
                continue
            finally:
                reap()
            if r >= warmup:
                case.samples_ms.append(dt / 1e6)
                if cpu is not None:
                    case.cpu_ms.append(cpu / 1e6)
    return cases


def case_result(case):
    s = stats.summary(case.samples_ms)
    return {"name": case.name, "role": case.role, "error": case.error, "stats_ms": s, "samples_ms": case.samples_ms,
            "cpu_ms": stats.summary(case.cpu_ms), "cpu_samples_ms": case.cpu_ms}


def ratio(num_case, den_case, target=None, label=None, better="lower"):
    """Ratio of medians num/den with the p10..p90 of per-round paired ratios.

    target: (op, value) e.g. ("<=", 0.75); status PASS/MISS, or SKIP when
    either side has no samples."""
    out = {"label": label or f"{num_case.name} / {den_case.name}", "num": num_case.name, "den": den_case.name}
    if target:
        out["target"] = f"{target[0]} {target[1]}"
    if not num_case.samples_ms or not den_case.samples_ms:
        out["status"] = "SKIP"
        out["why"] = num_case.error or den_case.error or "no samples"
        return out
    r = stats.percentile(num_case.samples_ms, 50) / stats.percentile(den_case.samples_ms, 50)
    pr = stats.paired_ratios(num_case.samples_ms, den_case.samples_ms)
    out.update(ratio=r, paired_p10=stats.percentile(pr, 10), paired_p90=stats.percentile(pr, 90))
    out["status"] = judge(r, target)
    if num_case.cpu_ms and den_case.cpu_ms:
        out["cpu_ratio"] = stats.percentile(num_case.cpu_ms, 50) / stats.percentile(den_case.cpu_ms, 50)
    return out


def judge(value, target):
    if not target:
        return "INFO"
    op, bound = target
    ok = value <= bound if op == "<=" else value >= bound
    return "PASS" if ok else "MISS"
