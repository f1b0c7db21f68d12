#!/usr/bin/env bash
# `make demo`: build a busybox bundle and run it under nook-runtime, showing
# that the container is isolated (PID 1, own hostname, only lo, own mounts)
# and limited (memory and pids cgroup limits read from inside).
set -euo pipefail
RUNTIME=$(realpath "${RUNTIME:-$(command -v nook-runtime || echo build/bin/nook-runtime)}")
NOOK=$(realpath "${NOOK:-$(command -v nook || echo build/bin/nook)}")
demo=$(mktemp -d /tmp/nook-demo.XXXXXX)
root=$demo/state
nook() { "$NOOK" --root "$demo/nook-root" --runroot "$demo/nook-run" "$@"; }
cleanup() {
  "$RUNTIME" --root "$root" delete --force nook-demo >/dev/null 2>&1 || true
  if [ -d "$demo/nook-root" ]; then
    ids=$(nook ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || nook rm -f $ids >/dev/null 2>&1 || true
  fi
  # A container's monitor finishes its teardown just after `rm -f` returns.
  for _ in $(seq 50); do grep -q " $demo" /proc/self/mountinfo || break; sleep 0.1; done
  rm -rf "$demo" || echo "demo: could not remove $demo" >&2
}
trap cleanup EXIT

mkdir -p "$demo/bundle/rootfs/bin"
cp /bin/busybox "$demo/bundle/rootfs/bin/busybox"
for applet in $("$demo/bundle/rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$demo/bundle/rootfs/bin/$applet"
done
cd "$demo/bundle"
"$RUNTIME" spec
# Non-interactive, with a hostname and two limits, using only the shell's tools.
script='echo "== inside the container =="
echo "hostname:      $(hostname)"
echo "my pid:        $$"
echo "processes:"; ps -o pid,user,comm
echo "network links:"; ip -o link | cut -d: -f2
echo "mounts:"; cut -d" " -f2,3 /proc/self/mounts | sed "s/^/  /"
echo "memory limit:  $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)"
echo "pids limit:    $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)"
echo "capabilities:  $(grep CapEff /proc/self/status)"'
sed -i \
  -e 's/"terminal": true/"terminal": false/' \
  -e 's/"hostname": "[^"]*"/"hostname": "nook-demo"/' \
  config.json
python3 - "$script" <<'PY'
import json, sys
c = json.load(open("config.json"))
c["process"]["args"] = ["sh", "-c", sys.argv[1]]
c["linux"].setdefault("resources", {})
c["linux"]["resources"]["memory"] = {"limit": 64 * 1024 * 1024}
c["linux"]["resources"]["pids"] = {"limit": 64}
c["linux"]["namespaces"].append({"type": "cgroup"})
json.dump(c, open("config.json", "w"), indent=2)
PY
echo "== host: $(hostname), running: $RUNTIME --root $root run nook-demo"
"$RUNTIME" --root "$root" run nook-demo
echo "== back on the host: the container exited 0 and left nothing behind:"
"$RUNTIME" --root "$root" list

echo
echo "== the nook engine: an image from the same rootfs, then docker-style commands"
tar -C "$demo/bundle/rootfs" -cf "$demo/busybox.tar" .
nook import "$demo/busybox.tar" busybox:latest -c 'CMD ["/bin/sh"]' >/dev/null
nook images
nook run --rm busybox sh -c 'echo "in a container from an image: hostname $(hostname), pid $$"'
echo "-- limits from docker's flags, read from inside the container:"
nook run --rm --memory 64m --pids-limit 64 --cpus 0.5 busybox sh -c '
  cg=/sys/fs/cgroup
  if [ -f $cg/memory.max ]; then echo "memory.max $(cat $cg/memory.max)  pids.max $(cat $cg/pids.max)  cpu.max $(cat $cg/cpu.max)"
  else echo "memory limit $(cat $cg/memory/memory.limit_in_bytes)  pids.max $(cat $cg/pids/pids.max)  cpu quota $(cat $cg/cpu/cpu.cfs_quota_us)/$(cat $cg/cpu/cpu.cfs_period_us)"; fi'
nook run -d --name demo-sleeper busybox sleep 60 >/dev/null
nook ps
nook exec demo-sleeper ps -o pid,comm
nook rm -f demo-sleeper >/dev/null

# Leave a busybox image in the default store so the user can try it.
if ! "$NOOK" image inspect busybox >/dev/null 2>&1; then
  "$NOOK" import "$demo/busybox.tar" busybox:latest -c 'CMD ["/bin/sh"]' >/dev/null
fi
echo "== done. Try it yourself (as root):"
echo "   nook run -it --rm busybox sh"
echo "   nook run -d --name web busybox sh -c 'while true; do date; sleep 1; done' && nook logs -f web"
echo "   nook-runtime spec && nook-runtime run mybox   # in a bundle directory"
