"""Part 1: runtime cold start. nook-runtime vs crun vs runc on one busybox
bundle config (pid/net/ipc/uts/mount namespaces + a cgroup), plus the floor
`unshare -fpmuinC true`: `run` of /bin/true, the create/start/delete split,
and `exec` of /bin/true into a running container.

crun 1.8.1 refuses this hybrid cgroup host, so this part runs in its own
mount namespace with an empty tmpfs over /sys/fs/cgroup/unified, and ALL
contenders run there, so they see the same host (v1 controllers only).
Invoked by bench.py as: python3 -m nookbench.part_runtime WORKDIR OUT.json"""

import json
import os
import sys
import time

from . import env, timing
from .timing import Case, CommandError

NOTE = ("all runtimes ran inside `unshare -m` with an empty tmpfs over /sys/fs/cgroup/unified "
        "(crun 1.8.1 refuses this hybrid host otherwise)")


def runtimes(nook_runtime, ws):
    out = [("nook-runtime", nook_runtime)]
    for peer in ("crun", "runc"):
        if env.which(peer):
            out.append((peer, env.which(peer)))
    return [(name, [binary, "--root", os.path.join(ws, "state-" + name)]) for name, binary in out]


def wait_gone(pid, timeout=10.0):
    """Wait until pid has exited (and, if it was ours, been reaped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        timing.reap()
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except FileNotFoundError:
            return
        time.sleep(0.0005)
    raise CommandError(f"container init {pid} still alive after {timeout}s")


class Runtime:
    def __init__(self, sp, name, prefix, bundles):
        self.sp, self.name, self.prefix, self.bundles = sp, name, prefix, bundles

    def cmd(self, *args):
        return self.prefix + list(args)

    def init_pid(self, cid):
        return json.loads(self.sp.run(self.cmd("state", cid), capture=True))["pid"]

    def force_delete(self, cid):
        try:
            self.sp.run(self.cmd("delete", "--force", cid))
        except CommandError:
            pass


def bench_run(sp, rts, reps, log):
    cases = []
    for rt in rts:
        argv = rt.cmd("run", "-b", rt.bundles["true"], f"nb-{rt.name}-run")
        cases.append(Case(rt.name, lambda a=argv: sp.time_ns(a), role="nook" if rt.name == "nook-runtime" else "peer"))
    floor = ["unshare", "-fpmuinC", "true"]
    cases.append(Case("floor: unshare -fpmuinC true", lambda: sp.time_ns(floor), role="floor"))
    timing.interleave(cases, reps, log=log, sp=sp)
    return cases


def bench_lifecycle(sp, rts, reps, log):
    """create, start, delete of a /bin/true container, each timed, per round.
    Between start and delete the harness waits (untimed) for the container's
    init to exit, so delete always finds a stopped container."""
    ops = {rt.name: {op: Case(f"{rt.name} {op}", None) for op in ("create", "start", "delete")} for rt in rts}
    for r in range(2 + reps):
        k = r % len(rts)
        for rt in rts[k:] + rts[:k]:
            c = ops[rt.name]
            if c["create"].error:
                continue
            cid = f"nb-{rt.name}-csd"
            try:
                cpu = [sp.cpu_ns]
                t_create = sp.time_ns(rt.cmd("create", "-b", rt.bundles["true"], cid))
                cpu.append(sp.cpu_ns)
                pid = rt.init_pid(cid)
                cpu.append(sp.cpu_ns)
                t_start = sp.time_ns(rt.cmd("start", cid))
                cpu.append(sp.cpu_ns)
                wait_gone(pid)
                cpu.append(sp.cpu_ns)
                t_delete = sp.time_ns(rt.cmd("delete", cid))
                cpu.append(sp.cpu_ns)
            except CommandError as e:
                for case in c.values():
                    case.error = str(e)
                log(f"  {rt.name} lifecycle: {e}")
                rt.force_delete(cid)
                continue
            finally:
                timing.reap()
            if r >= 2:
                # The container's own CPU is nobody's: its init is not a
                # child the timed commands wait for.
                cpus = (cpu[1] - cpu[0], cpu[3] - cpu[2], cpu[5] - cpu[4])
                for op, t, ct in zip(("create", "start", "delete"), (t_create, t_start, t_delete), cpus):
                    c[op].samples_ms.append(t / 1e6)
                    c[op].cpu_ms.append(ct / 1e6)
    return ops


def bench_exec(sp, rts, reps, log):
    live, cases = [], []
    for rt in rts:
        cid = f"nb-{rt.name}-exec"
        case = Case(rt.name, None, role="nook" if rt.name == "nook-runtime" else "peer")
        try:
            sp.run(rt.cmd("create", "-b", rt.bundles["sleep"], cid))
            sp.run(rt.cmd("start", cid))
            live.append((rt, cid))
            argv = rt.cmd("exec", cid, "/bin/true")
            case.measure = lambda a=argv: sp.time_ns(a)
        except CommandError as e:
            case.error = str(e)
            log(f"  {rt.name} exec setup: {e}")
            rt.force_delete(cid)
        cases.append(case)
    try:
        timing.interleave(cases, reps, log=log, sp=sp)
    finally:
        for rt, cid in live:
            try:
                pid = rt.init_pid(cid)
                sp.run(rt.cmd("kill", cid, "KILL"))
                wait_gone(pid)
            except CommandError as e:
                log(f"  {rt.name} exec teardown: {e}")
            rt.force_delete(cid)
    return cases


def main():
    work, out_path = sys.argv[1], sys.argv[2]
    cfg = env.Config()
    with open(os.path.join(work, "part_runtime.in.json")) as f:
        inp = json.load(f)
    timing.become_subreaper()
    sp = timing.Spawner(work)
    log = env.log
    rts = [Runtime(sp, n, p, inp["bundles"][n]) for n, p in runtimes(inp["nook_runtime"], work)]
    res = {"note": NOTE, "cases": [], "ratios": []}

    log(f"part 1: run /bin/true, {cfg.reps} interleaved reps")
    run = bench_run(sp, rts, cfg.reps, log)
    byname = {c.name: c for c in run}
    nook = byname["nook-runtime"]
    res["cases"] += [dict(timing.case_result(c), test="run") for c in run]
    for peer, target in (("crun", ("<=", 0.75)), ("runc", None)):
        if peer in byname:
            res["ratios"].append(dict(timing.ratio(nook, byname[peer], target, f"runtime run: nook-runtime / {peer}"),
                                      test="run"))
        else:
            res["ratios"].append({"label": f"runtime run: nook-runtime / {peer}", "status": "SKIP",
                                  "why": f"{peer} not installed", "test": "run"})
    res["ratios"].append(dict(timing.ratio(nook, run[-1], None, "runtime run: nook-runtime / floor"), test="run"))

    log(f"part 1: create/start/delete, {cfg.reps} reps")
    ops = bench_lifecycle(sp, rts, cfg.reps, log)
    for name, per_op in ops.items():
        res["cases"] += [dict(timing.case_result(c), test=op) for op, c in per_op.items()]
    for op in ("create", "start", "delete"):
        for peer in ("crun", "runc"):
            if peer in ops:
                res["ratios"].append(dict(timing.ratio(ops["nook-runtime"][op], ops[peer][op], None,
                                                       f"runtime {op}: nook-runtime / {peer}"), test=op))

    log(f"part 1: exec /bin/true, {cfg.reps} reps")
    ex = bench_exec(sp, rts, cfg.reps, log)
    res["cases"] += [dict(timing.case_result(c), test="exec") for c in ex]
    exn = {c.name: c for c in ex}
    for peer in ("crun", "runc"):
        if peer in exn:
            res["ratios"].append(dict(timing.ratio(exn["nook-runtime"], exn[peer], None,
                                                   f"runtime exec: nook-runtime / {peer}"), test="exec"))
    sp.close()
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
