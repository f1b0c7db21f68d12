"""Part 4: image unpack and pull.

A layer of mixed files (random binaries, compressible text, many tiny files,
symlinks, hard links) is tarred and compressed with gzip -6 and zstd -3.
Unpack: `nook import` of each into a fresh store on tmpfs vs `tar -xzf` /
`tar --zstd -xf` into tmpfs. nook has no CLI verb that only unpacks, so its
figure also includes ingesting the compressed blob into the content store
(copy + sha256) and hashing the diff_id: an upper bound on the unpacker.
Pull: the same layer as an image in a local docker-registry (127.0.0.1,
ephemeral port), `nook pull` vs `podman pull`, each into a fresh store."""

import os
import random
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

from . import engines, env, timing
from .timing import Case

WORDS = ("layer container image runtime namespace cgroup mount overlay digest manifest "
         "config process signal socket kernel buffer stream archive header").split()


def generate_layer(root, total_mb, seed=6):
    """~total_mb MB in a tree: 45% random binaries, 45% text, the rest tiny
    files; plus symlinks and hard links. Deterministic for a given seed."""
    rnd = random.Random(seed)
    budget = {"bin": total_mb * 45 // 100 << 20, "text": total_mb * 45 // 100 << 20,
              "tiny": max(total_mb * 10 // 100 << 20, 64 << 10)}
    n = 0

    def path():
        nonlocal n
        n += 1
        d = os.path.join(root, f"d{n % 37}", f"s{n % 11}")
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, f"f{n}")

    while budget["bin"] > 0:
        size = min(rnd.randint(64 << 10, 4 << 20), budget["bin"])
        with open(path() + ".bin", "wb") as f:
            f.write(os.urandom(size))
        budget["bin"] -= size
    chunk = " ".join(rnd.choice(WORDS) for _ in range(20000)).encode()
    while budget["text"] > 0:
        size = min(rnd.randint(1 << 10, 256 << 10), budget["text"])
        off = rnd.randint(0, len(chunk) // 2)
        data = (chunk[off:] + chunk) * (size // len(chunk) + 1)
        with open(path() + ".txt", "wb") as f:
            f.write(data[:size])
        budget["text"] -= size
    files = []
    while budget["tiny"] > 0:
        size = rnd.randint(0, 1024)
        p = path() + ".conf"
        with open(p, "wb") as f:
            f.write(rnd.randbytes(size // 2) + b"\n" * (size - size // 2))
        files.append(p)
        budget["tiny"] -= size + 512  # tar's header dominates tiny files
    for i, p in enumerate(files[: len(files) // 10]):
        if i % 2:
            os.symlink(os.path.basename(p), p + ".lnk")
        else:
            os.link(p, p + ".hard")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_registry(ws):
    """docker-registry on 127.0.0.1:<free port>, storage in the workspace;
    stopped by pid at cleanup."""
    port = free_port()
    store = ws.path("registry")
    os.makedirs(store)
    cfg = ws.path("registry.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {store}\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    logf = open(ws.path("registry.log"), "w")
    proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=logf, stderr=logf)

    def stop():
        proc.kill()
        proc.wait()
        logf.close()

    ws.at_exit(stop)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return f"127.0.0.1:{port}"
        except urllib.error.HTTPError:
            return f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"docker-registry did not answer on 127.0.0.1:{port}")


def fresh(path):
    """A prepare() step: make an empty dir (removing an old one)."""
    def go():
        clear(path)
        os.makedirs(path)
    return go


def clear(path):
    for mp in env.mounts_under(path):
        subprocess.run(["umount", "-l", mp], capture_output=True)
    shutil.rmtree(path, ignore_errors=True)


def run(ws, cfg, bins):
    timing.become_subreaper()
    sp = timing.Spawner(ws.dir)
    res = {"cases": [], "ratios": [], "skips": [],
           "note": f"{cfg.layer_mb} MB mixed layer; nook figure = `nook import` (ingest + sha256 + unpack)"}
    env.log(f"part 4: generating a {cfg.layer_mb} MB layer")
    src = ws.path("layer-src")
    generate_layer(src, cfg.layer_mb)
    tmpfs = ws.path("tmpfs")
    os.makedirs(tmpfs)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=75%", "nookbench-unpack", tmpfs], check=True)
    tar = os.path.join(tmpfs, "layer.tar")
    subprocess.run(["tar", "-C", src, "--numeric-owner", "-cf", tar, "."], check=True)
    shutil.rmtree(src)
    subprocess.run(f"gzip -6 -c {tar} > {tar}.gz", shell=True, check=True)
    subprocess.run(["zstd", "-q", "-3", "-T0", tar, "-o", tar + ".zst"], check=True)
    sizes = {k: os.path.getsize(tar + ext) for k, ext in (("tar", ""), ("gzip", ".gz"), ("zstd", ".zst"))}
    res["sizes_bytes"] = sizes
    os.unlink(tar)
    out = os.path.join(tmpfs, "out")

    def nook_import(ext):
        return lambda: sp.time_ns([bins["nook"], "--root", out + "/root", "--runroot", out + "/run",
                                   "import", tar + ext, "nb:layer"])

    cases = [
        Case("tar -xzf", lambda: sp.time_ns(["tar", "-xzf", tar + ".gz", "-C", out]), fresh(out)),
        Case("tar --zstd -xf", lambda: sp.time_ns(["tar", "--zstd", "-xf", tar + ".zst", "-C", out]), fresh(out)),
        Case("nook import (gzip)", nook_import(".gz"), fresh(out), role="nook"),
        Case("nook import (zstd)", nook_import(".zst"), fresh(out), role="nook"),
    ]
    env.log(f"part 4: unpack, {cfg.unpack_reps} interleaved reps")
    timing.interleave(cases, cfg.unpack_reps, warmup=1, log=env.log, sp=sp)
    clear(out)
    tgz, tzst, ngz, nzst = cases
    res["cases"] += [dict(timing.case_result(c), test="unpack") for c in cases]
    res["ratios"] += [
        dict(timing.ratio(tgz, ngz, (">=", 1.0), "unpack gzip speed: nook vs tar -xzf"), test="unpack"),
        dict(timing.ratio(tgz, nzst, (">=", 2.0), "unpack zstd speed: nook vs tar -xzf"), test="unpack"),
        dict(timing.ratio(tzst, nzst, None, "unpack zstd speed: nook vs tar --zstd"), test="unpack"),
    ]

    if not env.which("docker-registry"):
        res["skips"].append("pull: docker-registry not installed")
    else:
        res["cases"] += bench_pull(ws, sp, cfg, bins, tar + ".gz", tmpfs, res)
    sp.close()
    return res


def bench_pull(ws, sp, cfg, bins, layer_gz, tmpfs, res):
    reg = start_registry(ws)
    ref = f"{reg}/bench/layer:1"
    push_root = os.path.join(tmpfs, "push")
    base = [bins["nook"], "--root", push_root + "/root", "--runroot", push_root + "/run"]
    sp.run(base + ["import", layer_gz, "nb:layer"])
    sp.run(base + ["push", "--tls-verify=false", "nb:layer", ref])
    clear(push_root)
    out = os.path.join(tmpfs, "pull")
    nook = Case("nook pull", lambda: sp.time_ns([bins["nook"], "--root", out + "/root", "--runroot", out + "/run",
                                                 "pull", "-q", "--tls-verify=false", ref]), fresh(out), role="nook")
    cases = [nook]
    if env.which("podman"):
        pm = engines.Podman(ws, "pull")
        pm.dirs = [os.path.join(out, d) for d in ("root", "run", "tmp")]
        cases.append(Case("podman pull", lambda: sp.time_ns(pm.base() + ["pull", "-q", "--tls-verify=false", ref]),
                          fresh(out), finish=lambda: pm.teardown()))
    env.log(f"part 4: pull, {cfg.unpack_reps} interleaved reps")
    timing.interleave(cases, cfg.unpack_reps, warmup=1, log=env.log, sp=sp)
    clear(out)
    if len(cases) == 2:
        res["ratios"].append(dict(timing.ratio(cases[1], nook, (">=", 1.5), "pull speed: nook vs podman"),
                                  test="pull"))
    else:
        res["skips"].append("pull: podman not installed")
    return [dict(timing.case_result(c), test="pull") for c in cases]
