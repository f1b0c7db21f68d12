"""Part 2: engine start. `nook run --rm IMAGE /bin/true` vs podman on the
same busybox image (imported from the same rootfs tar); `run -d` + `rm -f`;
`exec` into a running container. Until `nook run` exists the nook rows are
SKIPs and podman is still measured, as the baseline."""

from . import engines, env, timing
from .timing import Case, CommandError


def _skipped(name, why):
    c = Case(name, None, role="nook")
    c.error = why
    return c


def run(ws, cfg, bins):
    timing.become_subreaper()
    sp = timing.Spawner(ws.dir)
    eng = [engines.Nook(ws, bins["nook"], "e"), engines.Podman(ws, "e")]
    res = {"cases": [], "ratios": [], "skips": [e.skip for e in eng if e.skip],
           "note": "podman: --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --network none; "
                   "rm -f -t 0; private --root/--runroot"}
    for e in eng:
        e.prepare(ws)
    reps = cfg.engine_reps

    def cases_for(test, make):
        out = []
        for e in eng:
            role = "nook" if e.name == "nook" else "peer"
            out.append(_skipped(e.name, e.skip) if e.skip else make(e, role))
        return out

    # run --rm /bin/true
    env.log(f"part 2: run --rm, {reps} interleaved reps")
    rr = cases_for("run", lambda e, role: Case(e.name, lambda e=e: sp.time_ns(e.run_rm("/bin/true")), role=role))
    timing.interleave(rr, reps, warmup=1, log=env.log, sp=sp)

    # run -d sleep + rm -f, one timed unit per round
    env.log(f"part 2: run -d + rm -f, {reps} reps")
    counter = iter(range(1 << 30))

    def detached(e):
        name = f"nb-d-{next(counter)}"
        return sp.time_ns(e.run_d(name, "/bin/sleep", "100000")) + sp.time_ns(e.rm_f(name))

    rd = cases_for("run -d+rm", lambda e, role: Case(e.name, lambda e=e: detached(e), role=role))
    timing.interleave(rd, reps, warmup=1, log=env.log, sp=sp)

    # exec /bin/true into one running container per engine
    env.log(f"part 2: exec, {reps} reps")
    live = []

    def exec_case(e, role):
        c = Case(e.name, None, role=role)
        try:
            sp.run(e.run_d("nb-exec", "/bin/sleep", "100000"))
            live.append(e)
            c.measure = lambda: sp.time_ns(e.exec("nb-exec", "/bin/true"))
        except CommandError as err:
            c.error = str(err)
        return c

    ex = cases_for("exec", exec_case)
    try:
        timing.interleave(ex, reps, warmup=1, log=env.log, sp=sp)
    finally:
        for e in live:
            try:
                sp.run(e.rm_f("nb-exec"))
            except CommandError as err:
                env.log(f"  {e.name}: removing the exec container: {err}")
    sp.close()

    for test, cases, target in (("run --rm", rr, ("<=", 0.10)), ("run -d+rm", rd, None), ("exec", ex, ("<=", 0.10))):
        res["cases"] += [dict(timing.case_result(c), test=test) for c in cases]
        res["ratios"].append(dict(timing.ratio(cases[0], cases[1], target, f"engine {test}: nook / podman"),
                                  test=test))
    return res
