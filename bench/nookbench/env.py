"""The benchmark's world: a temp dir holding a busybox rootfs, OCI bundles,
runtime state dirs; knobs from the environment; and cleanup of everything
the harness creates (mounts under the temp dir, cgroups, processes)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

CGROUP_V1 = "/sys/fs/cgroup"
CGROUP_PARENT = "nookbench"  # every container's cgroup lives under /<ctrl>/nookbench/


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        raise SystemExit(f"bench: {name}={v!r} is not an integer")


class Config:
    """Sizes for a full run or a smoke run (BENCH_SMOKE=1)."""

    def __init__(self):
        self.smoke = os.environ.get("BENCH_SMOKE", "") not in ("", "0")
        self.reps = env_int("BENCH_REPS", 3 if self.smoke else 40)
        self.engine_reps = env_int("BENCH_ENGINE_REPS", 3 if self.smoke else 20)
        self.density_n = env_int("N", 3 if self.smoke else 200)
        self.layer_mb = env_int("BENCH_LAYER_MB", 4 if self.smoke else 200)
        self.unpack_reps = env_int("BENCH_UNPACK_REPS", 1 if self.smoke else 5)
        parts = os.environ.get("BENCH_PARTS", "runtime,engine,density,unpack")
        self.parts = [p.strip() for p in parts.split(",") if p.strip()]


def nook_bin_dir(repo):
    d = os.environ.get("NOOK_BIN_DIR")
    if d:
        return os.path.abspath(d)
    for cand in ("build-release/bin", "build/bin"):
        if os.path.isdir(os.path.join(repo, cand)):
            return os.path.join(repo, cand)
    raise SystemExit("bench: no build-release/bin or build/bin; set NOOK_BIN_DIR")


def which(name):
    return shutil.which(name)


def tool_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.TimeoutExpired):
        return None


def make_rootfs(path):
    """A busybox rootfs: /bin/busybox from busybox-static plus applet links."""
    busybox = "/bin/busybox"
    if not os.path.exists(busybox):
        raise SystemExit("bench: /bin/busybox missing (apt-get install busybox-static)")
    os.makedirs(os.path.join(path, "bin"))
    for d in ("proc", "sys", "dev", "tmp", "etc"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    shutil.copy2(busybox, os.path.join(path, "bin/busybox"))
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
    for a in applets:
        if a != "busybox":  # a link named busybox would replace the binary itself
            os.symlink("busybox", os.path.join(path, "bin", a))


def base_config(runtime_bin, rootfs):
    """`nook-runtime spec`, adjusted: no terminal, absolute read-only rootfs.
    ociVersion is set to 1.0.2-dev because crun 1.8.1 rejects "1.2.0" with
    "unknown version specified"; nothing else in the config depends on it."""
    tmp = tempfile.mkdtemp(prefix="spec.", dir=os.path.dirname(rootfs))
    subprocess.run([runtime_bin, "spec", "-b", tmp], check=True, capture_output=True)
    with open(os.path.join(tmp, "config.json")) as f:
        cfg = json.load(f)
    shutil.rmtree(tmp)
    cfg["ociVersion"] = "1.0.2-dev"
    cfg["process"]["terminal"] = False
    cfg["root"] = {"path": rootfs, "readonly": True}
    nss = {n["type"] for n in cfg["linux"]["namespaces"]}
    missing = {"pid", "network", "ipc", "uts", "mount"} - nss
    if missing:
        raise SystemExit(f"bench: `nook-runtime spec` lacks namespaces {sorted(missing)}")
    return cfg


def write_bundle(path, cfg, args, cgroup_name):
    """A bundle dir holding only config.json (the rootfs is shared, by
    absolute path). Each bundle gets its own cgroup so containers of several
    runtimes can live at the same time (the exec test)."""
    os.makedirs(path, exist_ok=True)
    c = json.loads(json.dumps(cfg))
    c["process"]["args"] = args
    c["linux"]["cgroupsPath"] = f"/{CGROUP_PARENT}/{cgroup_name}"
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(c, f, indent=1)
    return path


def cgroup_exists(name):
    return any(os.path.isdir(os.path.join(CGROUP_V1, c, name)) for c in os.listdir(CGROUP_V1))


def remove_cgroups(name=CGROUP_PARENT):
    """rmdir /sys/fs/cgroup/*/NAME (children first). rmdir only ever removes
    empty cgroups, so a cgroup still in use by anyone survives."""
    left = []
    for ctrl in sorted(os.listdir(CGROUP_V1)):
        top = os.path.join(CGROUP_V1, ctrl, name)
        if not os.path.isdir(top):
            continue
        for dirpath, _, _ in sorted(os.walk(top), key=lambda w: -w[0].count("/")):
            try:
                os.rmdir(dirpath)
            except OSError:
                left.append(dirpath)
    return left


def mounts_under(prefix):
    """Mount points below prefix, deepest first (from /proc/self/mountinfo)."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            if mp == prefix or mp.startswith(prefix + "/"):
                out.append(mp)
    return sorted(set(out), key=lambda m: -m.count("/"))


class Workspace:
    """A temp dir; cleanup() unmounts anything under it, then removes it."""

    def __init__(self):
        base = os.environ.get("BENCH_TMPDIR", "/tmp")
        self.dir = tempfile.mkdtemp(prefix="nook-bench.", dir=base)
        self.cleanups = []  # callables run last-in first-out
        # podman (cgroupfs manager) leaves /libpod_parent behind; remove it
        # at the end only if it did not exist before this run.
        self.libpod_parent_existed = cgroup_exists("libpod_parent")

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def at_exit(self, fn):
        self.cleanups.append(fn)

    def cleanup(self):
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as e:  # keep cleaning even if one step fails
                log(f"bench: cleanup step failed: {e}")
        for mp in mounts_under(self.dir):
            subprocess.run(["umount", "-l", mp], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        left = remove_cgroups()
        if not self.libpod_parent_existed:
            left += remove_cgroups("libpod_parent")
        if left:
            log(f"bench: could not remove cgroups: {left[:3]}")
