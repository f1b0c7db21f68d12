#!/usr/bin/env bash
# Real-client tier: podman drives nook-runtime (--runtime) the way it drives
# runc. Private podman storage in a temp dir; everything is removed at exit.
#   usage: podman_test.sh /path/to/nook-runtime
set -uo pipefail
runtime=$(realpath "$1")
command -v podman >/dev/null || { echo "podman not installed (make deps)"; exit 1; }
tmp=$(mktemp -d /tmp/nook-podman.XXXXXX)
P=(podman --root "$tmp/storage" --runroot "$tmp/run" --cgroup-manager cgroupfs --events-backend none --runtime "$runtime")
U=(--network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
cleanup() {
  "${P[@]}" rm -af -t 0 >/dev/null 2>&1
  "${P[@]}" rmi -af >/dev/null 2>&1
  grep -o " $tmp[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok   $1"
  else fail=$((fail + 1)); echo "FAIL $1: expected [$2], got [$3]"; fi
}

mkdir -p "$tmp/rootfs/bin"
cp /bin/busybox "$tmp/rootfs/bin/"
for a in $("$tmp/rootfs/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$tmp/rootfs/bin/$a"; done
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
"${P[@]}" import -q "$tmp/rootfs.tar" localhost/nook-bb >/dev/null || { echo "podman import failed"; exit 1; }

out=$("${P[@]}" run --rm "${U[@]}" localhost/nook-bb sh -c 'echo $$; hostname' 2>&1)
check "run: PID 1 inside" 1 "$(echo "$out" | head -1)"
check "run: hostname is the short container id" 12 "$(echo "$out" | sed -n 2p | tr -d '\n' | wc -c)"
"${P[@]}" run --rm "${U[@]}" localhost/nook-bb sh -c 'exit 7' >/dev/null 2>&1
check "run: exit code propagated" 7 "$?"
"${P[@]}" run --rm "${U[@]}" localhost/nook-bb no-such-binary >/dev/null 2>&1
check "run: missing command is 127" 127 "$?"
id=$("${P[@]}" run -d "${U[@]}" localhost/nook-bb sleep 300)
# podman passes --root only to runtimes it knows; others use their default.
state_of() { find "$tmp/run" /run/nook-runtime /run/runc -path "*$1*" -name state.json 2>/dev/null; }
check "runtime keeps state for the container" 1 "$(state_of "$id" | wc -l)"
check "run -d: running" running "$("${P[@]}" inspect -f '{{.State.Status}}' "$id")"
check "exec: joins the container (sees its PID 1)" "sleep 300" "$("${P[@]}" exec "$id" cat /proc/1/cmdline | tr '\0' ' ' | sed 's/ $//')"
check "exec -t: gets a terminal" /dev/pts/0 "$("${P[@]}" exec -t "$id" tty | tr -d '\r')"
"${P[@]}" exec "$id" sh -c 'exit 5'
check "exec: exit code propagated" 5 "$?"
"${P[@]}" pause "$id" >/dev/null
check "pause" paused "$("${P[@]}" inspect -f '{{.State.Status}}' "$id")"
"${P[@]}" unpause "$id" >/dev/null
check "unpause" running "$("${P[@]}" inspect -f '{{.State.Status}}' "$id")"
"${P[@]}" kill "$id" >/dev/null
"${P[@]}" wait "$id" >/dev/null
check "kill: container exited" exited "$("${P[@]}" inspect -f '{{.State.Status}}' "$id")"
"${P[@]}" rm "$id" >/dev/null
check "rm: no runtime state left" "" "$(state_of "$id")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
