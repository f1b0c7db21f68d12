"""Part 3: density. Start N idle containers (`run -d ... /bin/sleep`) one
after another, report starts per second, the host's memory delta per
container (MemTotal - MemAvailable, before vs after) and the PSS of every
process that appeared meanwhile (containers plus their monitors: conmon for
podman), then remove them all. The host delta includes whatever else the
shared machine did meanwhile: read it as an estimate, the PSS as the floor."""

import os
import time

from . import engines, env, timing
from .timing import CommandError


def mem_used_kib():
    info = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            info[k] = int(v.split()[0])
    return info["MemTotal"] - info["MemAvailable"]


def pids():
    return {int(p) for p in os.listdir("/proc") if p.isdigit()}


# The machine is shared, so "every new process" would include other people's
# compilers: count only processes whose executable belongs to a container
# stack (the containers' busybox, monitors, runtimes; nook's runtime runs
# from a sealed memfd, which shows up as "memfd:...").
STACK_EXES = {"busybox", "conmon", "nook", "nook-runtime", "nook-monitor", "nook-init", "runc", "crun", "podman",
              "catatonit"}


def is_stack_process(pid):
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    base = os.path.basename(exe.replace(" (deleted)", ""))
    if base in STACK_EXES or base.startswith("memfd:"):
        return True
    # nook's monitors run from a detached read-only bind of the binary, whose
    # exe link reads "/": recognise them by their process name instead.
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip() in STACK_EXES
    except OSError:
        return False


def pss_kib(pid_set):
    total = 0
    for pid in pid_set:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


def measure(sp, e, n):
    names = [f"nb-dens-{i}" for i in range(n)]
    before_pids, before_mem = pids(), mem_used_kib()
    started = []
    t0 = time.perf_counter()
    try:
        for name in names:
            sp.time_ns(e.run_d(name, "/bin/sleep", "100000"))
            started.append(name)
        t_start = time.perf_counter() - t0
        time.sleep(2)  # let lazily freed memory and page cache settle
        new = {p for p in pids() - before_pids if is_stack_process(p)}
        out = {
            "n": n,
            "start_s": t_start,
            "starts_per_s": n / t_start,
            "host_kib_per_container": (mem_used_kib() - before_mem) / n,
            "pss_kib_per_container": pss_kib(new) / n,
            "new_processes": len(new),
        }
    finally:
        t1 = time.perf_counter()
        for i in range(0, len(started), 50):  # batched: argv stays short
            try:
                sp.run(e.rm_f(*started[i:i + 50]))
            except CommandError as err:
                env.log(f"  {e.name}: rm -f: {err}")
        timing.reap()
    if started:
        out["remove_s"] = time.perf_counter() - t1
    return out


def run(ws, cfg, bins):
    timing.become_subreaper()
    sp = timing.Spawner(ws.dir)
    n = cfg.density_n
    eng = [engines.Nook(ws, bins["nook"], "d"), engines.Podman(ws, "d")]
    res = {"note": f"N={n} idle containers, started sequentially; memory = host delta and PSS of new processes",
           "metrics": [], "ratios": [], "skips": [e.skip for e in eng if e.skip], "raw": {}}
    for e in eng:
        if e.skip:
            continue
        e.prepare(ws)
        env.log(f"part 3: density, {e.name}, N={n}")
        try:
            m = measure(sp, e, n)
        except CommandError as err:
            if e.name == "nook":
                res.setdefault("cases", []).append({"name": "nook", "role": "nook", "test": "density",
                                                    "error": str(err), "stats_ms": None})
            res["skips"].append(f"{e.name}: {err}")
            continue
        res["raw"][e.name] = m
        res["metrics"] += [
            {"name": f"{e.name}: starts per second", "value": m["starts_per_s"], "unit": "/s"},
            {"name": f"{e.name}: host memory per container", "value": m["host_kib_per_container"] / 1024,
             "unit": "MiB"},
            {"name": f"{e.name}: PSS per container", "value": m["pss_kib_per_container"] / 1024, "unit": "MiB"},
            {"name": f"{e.name}: remove all", "value": m.get("remove_s", 0), "unit": "s"},
        ]
    sp.close()
    nk, pm = res["raw"].get("nook"), res["raw"].get("podman")
    why = next((s for s in res["skips"] if "nook" in s), "no nook figures")
    if nk:
        res["ratios"] += [
            {"label": "density: nook starts/s", "ratio": nk["starts_per_s"], "target": ">= 100",
             "status": timing.judge(nk["starts_per_s"], (">=", 100))},
            {"label": "density: nook host MiB/container", "ratio": nk["host_kib_per_container"] / 1024,
             "target": "<= 1", "status": timing.judge(nk["host_kib_per_container"] / 1024, ("<=", 1.0))},
            {"label": "density: 1000 live containers", "ratio": n, "target": ">= 1000",
             "status": "PASS" if n >= 1000 else "INFO", "why": None if n >= 1000 else "run with N=1000"},
        ]
        if pm:
            res["ratios"].append({"label": "density: starts/s nook / podman",
                                  "ratio": nk["starts_per_s"] / pm["starts_per_s"], "status": "INFO"})
    else:
        res["ratios"].append({"label": "density: nook starts/s, MiB/container", "status": "SKIP", "why": why,
                              "target": ">= 100/s, <= 1 MiB"})
    return res
