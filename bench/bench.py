#!/usr/bin/env python3
"""nook benchmarks, side by side with crun, runc and podman (issue 6).

Usage: bench/run.sh (finds the binaries, then runs this). Knobs, all env:
  NOOK_BIN_DIR  dir with nook-runtime and nook
  BENCH_SMOKE=1 tiny sizes, no verdicts; exits non-zero only if the harness breaks
  BENCH_REPS, BENCH_ENGINE_REPS, N (density), BENCH_LAYER_MB, BENCH_UNPACK_REPS
  BENCH_PARTS   comma list of runtime,engine,density,unpack
  BENCH_OUT     results file (default bench/results/<hostname>-<ncpu>cpu.json;
                smoke runs default to a temp file so the committed one stays)
"""

import datetime
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from nookbench import env, report  # noqa: E402


def run_part_runtime(ws, cfg, bins):
    """Part 1 runs in a child inside `unshare -m` (see part_runtime.py)."""
    rootfs = ws.path("rootfs")
    base = env.base_config(bins["nook-runtime"], rootfs)
    bundles = {}
    for rt in ("nook-runtime", "crun", "runc"):
        bundles[rt] = {
            "true": env.write_bundle(ws.path("bundles", rt, "true"), base, ["/bin/true"], f"{rt}-true"),
            "sleep": env.write_bundle(ws.path("bundles", rt, "sleep"), base, ["/bin/sleep", "100000"], f"{rt}-sleep"),
        }
    with open(ws.path("part_runtime.in.json"), "w") as f:
        json.dump({"nook_runtime": bins["nook-runtime"], "bundles": bundles}, f)
    out = ws.path("part_runtime.out.json")
    script = ('mount -t tmpfs -o size=64k,mode=0555 nookbench-empty /sys/fs/cgroup/unified && '
              'cd "$1" && exec "$2" -m nookbench.part_runtime "$3" "$4"')
    rc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                         HERE, sys.executable, ws.dir, out]).returncode
    if rc != 0:
        raise RuntimeError(f"part 1 (runtime) exited {rc}")
    with open(out) as f:
        return json.load(f)


def main():
    repo = os.path.dirname(HERE)
    cfg = env.Config()
    bin_dir = env.nook_bin_dir(repo)
    bins = {b: os.path.join(bin_dir, b) for b in ("nook-runtime", "nook")}
    if not os.access(bins["nook-runtime"], os.X_OK):
        raise SystemExit(f"bench: {bins['nook-runtime']} not found; build first (make build)")
    if os.geteuid() != 0:
        raise SystemExit("bench: needs root (namespaces, cgroups, mounts)")
    host = f"{platform.node()}-{os.cpu_count()}cpu"
    out_path = os.environ.get("BENCH_OUT") or (
        os.path.join("/tmp", f"nook-bench-smoke-{host}.json") if cfg.smoke else
        os.path.join(HERE, "results", f"{host}.json"))

    results = {
        "meta": {
            "host": host,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "kernel": platform.release(),
            "smoke": cfg.smoke,
            "bin_dir": bin_dir,
            "loadavg_start": open("/proc/loadavg").read().split()[:3],
            "versions": {
                "nook-runtime": env.tool_version([bins["nook-runtime"], "--version"]),
                "crun": env.tool_version(["crun", "--version"]),
                "runc": env.tool_version(["runc", "--version"]),
                "podman": env.tool_version(["podman", "--version"]),
            },
            "sizes": {"reps": cfg.reps, "engine_reps": cfg.engine_reps, "density_n": cfg.density_n,
                      "layer_mb": cfg.layer_mb, "unpack_reps": cfg.unpack_reps},
        },
        "parts": {},
    }
    ws = env.Workspace()
    broken = []
    try:
        env.make_rootfs(ws.path("rootfs"))
        for part in cfg.parts:
            try:
                if part == "runtime":
                    results["parts"]["runtime"] = run_part_runtime(ws, cfg, bins)
                elif part == "engine":
                    from nookbench import part_engine
                    results["parts"]["engine"] = part_engine.run(ws, cfg, bins)
                elif part == "density":
                    from nookbench import part_density
                    results["parts"]["density"] = part_density.run(ws, cfg, bins)
                elif part == "unpack":
                    from nookbench import part_unpack
                    results["parts"]["unpack"] = part_unpack.run(ws, cfg, bins)
                else:
                    raise RuntimeError(f"unknown part {part!r} in BENCH_PARTS")
            except Exception as e:  # record and go on: one broken part must not hide the others
                env.log(f"bench: part {part} broke: {type(e).__name__}: {e}")
                results["parts"][part] = {"broken": f"{type(e).__name__}: {e}"}
                broken.append(part)
    finally:
        ws.cleanup()
    results["meta"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)
    print(report.table(results))
    print(f"\nresults: {out_path}")
    failed = report.nook_failures(results)
    if broken or failed:
        print(f"bench: FAILED: broken parts {broken}, nook errors {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
