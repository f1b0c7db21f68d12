"""The two engines compared in parts 2 and 3, behind one small interface:
nook (once it has `run`) and podman. Both get private storage under the
workspace, so the benchmark neither sees nor disturbs anyone else's images
and containers, and cleanup is removing a directory."""

import os
import subprocess
import time

from . import env

IMAGE = "localhost/nookbench:latest"


def nook_has_run(nook_bin):
    """True once `nook run` exists. CLI11 prints the top-level help (exit 0)
    for an unknown `run --help`, so the exit status alone proves nothing: the
    help must be run's own (its usage line names the verb)."""
    try:
        p = subprocess.run([nook_bin, "run", "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    usage = [ln for ln in p.stdout.splitlines() if ln.startswith("Usage:")]
    return p.returncode == 0 and bool(usage) and " run" in usage[0]


def make_rootfs_tar(ws):
    path = ws.path("rootfs.tar")
    if not os.path.exists(path):
        subprocess.run(["tar", "-C", ws.path("rootfs"), "--numeric-owner", "-cf", path, "."], check=True)
    return path


class Engine:
    name = "?"
    skip = None  # reason this engine cannot be measured, or None

    def base(self):
        raise NotImplementedError

    def run_flags(self):
        return []

    def run_rm(self, *cmd):
        return self.base() + ["run", "--rm"] + self.run_flags() + [IMAGE] + list(cmd)

    def run_d(self, name, *cmd):
        return self.base() + ["run", "-d", "--name", name] + self.run_flags() + [IMAGE] + list(cmd)

    def rm_f(self, *names):
        return self.base() + ["rm", "-f"] + list(names)

    def exec(self, name, *cmd):
        return self.base() + ["exec", name] + list(cmd)


class Podman(Engine):
    name = "podman"

    def __init__(self, ws, tag="p"):
        self.ws = ws
        self.dirs = [ws.path(f"podman-{tag}", d) for d in ("root", "run", "tmp")]
        if not env.which("podman"):
            self.skip = "podman not installed"

    def base(self):
        root, run, tmp = self.dirs
        return ["podman", "--root", root, "--runroot", run, "--tmpdir", tmp, "--storage-driver", "overlay",
                "--cgroup-manager", "cgroupfs", "--events-backend", "file"]

    def run_flags(self):
        # This host: crun refuses the hybrid cgroups, and podman's default
        # rlimits exceed what root without CAP_SYS_RESOURCE may set.
        return ["--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096",
                "--network", "none"]

    def rm_f(self, *names):
        # -t 0: SIGKILL at once like `docker rm -f`; podman would otherwise
        # wait 10 s for /bin/sleep (PID 1 ignores SIGTERM).
        return self.base() + ["rm", "-f", "-t", "0"] + list(names)

    def prepare(self, ws):
        if self.skip:
            return
        ws.at_exit(self.teardown)
        subprocess.run(self.base() + ["import", "-q", make_rootfs_tar(ws), IMAGE], check=True,
                       capture_output=True)

    def teardown(self):
        subprocess.run(self.base() + ["rm", "-a", "-f", "-t", "0"], capture_output=True)
        subprocess.run(self.base() + ["rmi", "-a", "-f"], capture_output=True)
        wait_for_stragglers(self.dirs[0])


def wait_for_stragglers(root, timeout=60.0):
    """conmon runs `podman --root ROOT container cleanup` when a container
    exits, asynchronously; after many removals these can run for seconds.
    Wait for them (never kill what we did not start) so they neither race
    the removal of the workspace nor recreate /libpod_parent after it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = False
        for p in os.listdir("/proc"):
            if not p.isdigit() or int(p) == os.getpid():
                continue
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if root.encode() in f.read():
                        busy = True
                        break
            except OSError:
                pass
        if not busy:
            return
        time.sleep(0.2)
    env.log(f"bench: podman processes for {root} still running after {timeout:.0f}s")


class Nook(Engine):
    name = "nook"

    def __init__(self, ws, nook_bin, tag="n"):
        self.ws = ws
        self.bin = nook_bin
        self.root, self.runroot = ws.path(f"nook-{tag}", "root"), ws.path(f"nook-{tag}", "run")
        self.flags = []
        if not os.access(nook_bin, os.X_OK):
            self.skip = f"SKIP: {nook_bin} not built"
        elif not nook_has_run(nook_bin):
            self.skip = "SKIP: nook run not implemented yet"
        else:
            helptext = subprocess.run([nook_bin, "run", "--help"], capture_output=True, text=True).stdout
            if "--network" in helptext:
                self.flags = ["--network", "none"]

    def base(self):
        return [self.bin, "--root", self.root, "--runroot", self.runroot]

    def run_flags(self):
        return self.flags

    def prepare(self, ws):
        if self.skip:
            return
        ws.at_exit(self.teardown)
        subprocess.run(self.base() + ["import", make_rootfs_tar(ws), IMAGE], check=True, capture_output=True)

    def teardown(self):
        # Remove whatever containers are left; `nook ps -aq` may not exist yet.
        p = subprocess.run(self.base() + ["ps", "-a", "-q"], capture_output=True, text=True)
        ids = p.stdout.split() if p.returncode == 0 else []
        if ids:
            subprocess.run(self.rm_f(*ids), capture_output=True)
