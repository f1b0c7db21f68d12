#!/usr/bin/env python3
"""Where does `nook-runtime run` of /bin/true spend its time? (issue 6)

Usage: bench/profile.py [REPS]   (root; binaries from NOOK_BIN_DIR as run.sh)
Runs in the host's mount namespace (unified cgroup visible, as users run it).
Prints, as markdown:
  1. wall and CPU time without instrumentation (perf stat, when available);
  2. a phase split from `strace -f -tt -T` timelines (median over REPS runs):
     self-copy + sealed re-exec, config/state/cgroup setup before clone3,
     container setup until execve(/bin/true), the payload, teardown;
  3. syscall-category totals (sum of -T durations) and `strace -f -c`.
strace slows every syscall, so phase times are inflated: read them as shares."""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from nookbench import env, stats  # noqa: E402

LINE = re.compile(r"^(\d+) +(\d+):(\d+):([\d.]+) (.*?)(?: <([\d.]+)>)?$")
MOUNT_CALLS = ("mount(", "umount2(", "pivot_root(", "open_tree(", "move_mount(", "fsopen(", "fsmount(",
               "fsconfig(", "mount_setattr(")


def parse(path):
    """[(pid, t_seconds, call_text, duration_or_None)] from strace -f -tt -T.
    A call split into "<unfinished ...>" and "<... resumed>" becomes one
    event at its start time with the duration of the resumed line."""
    out, pending = [], {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            pid, h, mi, s, text, dur = m.groups()
            pid, t = int(pid), int(h) * 3600 + int(mi) * 60 + float(s)
            if text.endswith("<unfinished ...>"):
                pending[pid] = len(out)
                out.append((pid, t, text, None))
            elif text.startswith("<...") and pid in pending:
                i = pending.pop(pid)
                out[i] = (pid, out[i][1], out[i][2], float(dur) if dur else None)
            else:
                out.append((pid, t, text, float(dur) if dur else None))
    return out


def cg_writes(ev):
    """write() calls on fds opened for some cgroup.procs (matched by order:
    the open is the caller's previous event)."""
    out, last = [], {}
    for e in ev:
        if e[2].startswith("write(") and "cgroup.procs" in last.get(e[0], ""):
            out.append(e)
        last[e[0]] = e[2]
    return out


def phases(ev):
    if not ev:
        raise RuntimeError("empty or unparsable strace output")
    main = ev[0][0]
    t0, t_end = ev[0][1], ev[-1][1]
    find = lambda pred: next((e for e in ev if pred(e)), None)  # noqa: E731
    reexec = find(lambda e: e[0] == main and e[2].startswith("execveat("))
    # The re-exec'd image starts where the first syscall after execveat is.
    after = find(lambda e: reexec and e[1] > reexec[1] and e[0] == main and not e[2].startswith("<..."))
    clone = find(lambda e: e[0] == main and e[2].startswith("clone3("))
    payload = find(lambda e: e[0] != main and e[2].startswith('execve("/bin/true"'))
    exit_ = find(lambda e: payload and e[0] == payload[0] and e[2].startswith("exit_group("))
    if not (reexec and after and clone and payload and exit_):
        raise RuntimeError("trace lacks execveat/clone3/execve(/bin/true)/exit_group: nook-runtime changed?")
    pre = [e for e in ev if e[1] < clone[1]]
    cg = [e for e in ev if "/sys/fs/cgroup" in e[2]]
    sumdur = lambda es: sum(e[3] or 0 for e in es) * 1e3  # noqa: E731
    return {
        "1 start -> sealed memfd re-exec done": (after[1] - t0) * 1e3,
        "2 re-exec -> clone3 (config, state, cgroups)": (clone[1] - after[1]) * 1e3,
        "3 clone3 -> execve(/bin/true) (container setup)": (payload[1] - clone[1]) * 1e3,
        "4 /bin/true runs": (exit_[1] - payload[1]) * 1e3,
        "5 exit -> runtime exits (delete)": (t_end - exit_[1]) * 1e3,
        "total (traced)": (t_end - t0) * 1e3,
        "[sendfile of the binary into the memfd]": sumdur([e for e in ev if e[2].startswith("sendfile(")]),
        "[cgroup fs syscalls, count]": len(cg),
        "[cgroup fs syscalls, sum of durations]": sumdur(cg),
        "[cgroup fs syscalls before clone3, sum]": sumdur([e for e in cg if e in pre]),
        "[mount-family syscalls, count]": len([e for e in ev if e[2].startswith(MOUNT_CALLS)]),
        "[mount-family syscalls, sum of durations]": sumdur([e for e in ev if e[2].startswith(MOUNT_CALLS)]),
        "[slowest write to a cgroup.procs]": max([(e[3] or 0) * 1e3 for e in cg_writes(ev)] or [0.0]),
        "[all writes to cgroup.procs, sum]": sumdur(cg_writes(ev)),
        "[clone3 duration]": sumdur([e for e in ev if e[2].startswith("clone3(")]),
        "[all syscalls, count]": len(ev),
    }


def migration_cost(reps):
    """Uninstrumented: ms to move a fresh process into a new v1 cgroup (the
    first write to cgroup.procs) and into a second hierarchy right after."""
    dirs = [os.path.join(env.CGROUP_V1, c, env.CGROUP_PARENT, "probe") for c in ("pids", "memory")]
    first, second = [], []
    try:
        for d in dirs:
            os.makedirs(d, exist_ok=True)
        for _ in range(reps):
            p = subprocess.Popen(["sleep", "30"])
            time.sleep(0.2)  # let any earlier grace period end
            t0 = time.perf_counter()
            with open(os.path.join(dirs[0], "cgroup.procs"), "w") as f:
                f.write(str(p.pid))
            t1 = time.perf_counter()
            with open(os.path.join(dirs[1], "cgroup.procs"), "w") as f:
                f.write(str(p.pid))
            t2 = time.perf_counter()
            p.kill()
            p.wait()
            first.append((t1 - t0) * 1e3)
            second.append((t2 - t1) * 1e3)
    finally:
        for d in dirs:
            try:
                os.rmdir(d)
            except OSError:
                pass
    return stats.summary(first), stats.summary(second)


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    repo = os.path.dirname(HERE)
    rt = os.path.join(env.nook_bin_dir(repo), "nook-runtime")
    ws = env.Workspace()
    try:
        env.make_rootfs(ws.path("rootfs"))
        cfg = env.base_config(rt, ws.path("rootfs"))
        bundle = env.write_bundle(ws.path("bundle"), cfg, ["/bin/true"], "profile")
        run = [rt, "--root", ws.path("state"), "run", "-b", bundle, "nb-prof"]
        print(f"# nook-runtime run profile ({rt}, {reps} reps, load {open('/proc/loadavg').read().split()[:3]})\n")
        walls = []
        for _ in range(reps):
            t = time.perf_counter()
            subprocess.run(run, check=True)
            walls.append((time.perf_counter() - t) * 1e3)
        s = stats.summary(walls)
        print(f"uninstrumented wall: median {s['median']:.2f} ms [p10 {s['p10']:.2f} .. p90 {s['p90']:.2f}]\n")
        if env.which("perf"):
            p = subprocess.run(["perf", "stat", "-r", str(reps), "-e", "task-clock,context-switches,page-faults"]
                               + run, capture_output=True, text=True)
            print("```\n" + p.stderr.strip() + "\n```\n")
        f, sec = migration_cost(reps)
        print(f"v1 cgroup migration, uninstrumented: first cgroup.procs write median {f['median']:.2f} ms "
              f"[{f['p10']:.2f} .. {f['p90']:.2f}], the next hierarchy right after {sec['median']:.3f} ms\n")
        per = {}
        for i in range(reps):
            tr = ws.path(f"trace{i}.txt")
            subprocess.run(["strace", "-f", "-tt", "-T", "-o", tr] + run, check=True)
            for k, v in phases(parse(tr)).items():
                per.setdefault(k, []).append(v)
        print("| phase (strace -f -tt -T, median of runs) | ms | p10..p90 |\n|---|---:|---|")
        for k, vs in per.items():
            s = stats.summary(vs)
            print(f"| {k} | {s['median']:.2f} | {s['p10']:.2f}..{s['p90']:.2f} |")
        subprocess.run(["strace", "-f", "-c", "-S", "time", "-o", ws.path("c.txt")] + run, check=True)
        print("\n`strace -f -c` (one run):\n```")
        print("\n".join(open(ws.path("c.txt")).read().splitlines()[:18]))
        print("```")
    finally:
        ws.cleanup()


if __name__ == "__main__":
    main()
