#!/bin/bash
# The engine on external OCI runtimes (--runtime): the same containers run
# by runc, crun and nook-runtime (by path) instead of the built-in runtime.
# Each is checked from inside and outside the container: PID 1, hostname,
# stdio and exit codes (incl. 127 for a missing command), -d + logs, exec
# (code, -e, -u, -t through a pty), top, pause/unpause (freezer), limits in
# the cgroup and an OOM kill, stop, a restart policy (the monitor reaps an
# init it did not fork), the default seccomp profile, lo up, and nothing
# left behind: cgroups, runtime state, mounts.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../engine/lib.sh"

state() { nook inspect -f "{{.State.$2}}" "$1"; }
is_status() { [ "$(state "$1" Status)" = "$2" ]; }
# in_pty CMD...: run CMD with a pseudo-terminal as its stdio (util-linux script).
in_pty() { script -qec "$(printf '%q ' "$@")" /dev/null; }
runtime_state_dir() { echo "$T/run/runtimes/$(basename "$1")"; }

# no_runtime_leftovers RT ID: nothing of the container on the host.
no_runtime_leftovers() {
    no_leftovers "$2"
    [ ! -e "$(runtime_state_dir "$1")/$2" ] || fail "$1: runtime state of $2 left"
    for c in /sys/fs/cgroup/*/nook/"$2"; do
        [ ! -e "$c" ] || fail "$1: cgroup $c left"
    done
    # Only the call files' directory may remain, and it must be empty.
    [ -z "$(ls -A "$(runtime_state_dir "$1")" 2>/dev/null | grep -v "^$2\$" | grep -v '^[0-9a-f]\{64\}$')" ] ||
        fail "$1: files left in $(runtime_state_dir "$1"): $(ls -A "$(runtime_state_dir "$1")")"
}

suite() {
    local rt=$1 tag=$2 out id rc
    # --- foreground run: isolation and exit codes ---------------------------
    out=$(nook run --rm --runtime "$rt" --hostname h-"$tag" bb:1 \
        sh -c 'echo pid=$$ host=$(hostname); cat /sys/class/net/lo/operstate; echo err >&2; exit 3' 2>&1)
    rc=$?
    [ "$rc" = 3 ] || fail "$tag: run exited $rc, want 3 ($out)"
    [[ "$out" == *"pid=1 host=h-$tag"* ]] || fail "$tag: not PID 1 / hostname: $out"
    [[ "$out" == *unknown* ]] || fail "$tag: lo not up in the new netns: $out"
    [[ "$out" == *err* ]] || fail "$tag: stderr lost: $out"
    [ -z "$(nook ps -aq)" ] || fail "$tag: --rm left a container"
    ok "$tag: run --rm: PID 1, hostname, lo up, stdout+stderr, exit code 3, removed"

    out=$(echo piped | nook run --rm -i --runtime "$rt" bb:1 cat) || fail "$tag: run -i"
    [ "$out" = piped ] || fail "$tag: stdin not passed: $out"
    out=$(nook run --rm --runtime "$rt" bb:1 no-such-command 2>&1); rc=$?
    [ "$rc" = 127 ] || fail "$tag: missing command exited $rc, want 127 ($out)"
    [ "$(echo "$out" | wc -l)" = 1 ] || fail "$tag: error is not one line: $out"
    [[ "$out" == *no-such-command* ]] || fail "$tag: error does not name the command: $out"
    ok "$tag: run -i passes stdin; a missing command is 127 with a one-line error"

    out=$(in_pty "$NOOK" --root "$T/root" --runroot "$T/run" run --rm -t --runtime "$rt" bb:1 tty | tr -d '\r')
    [[ "$out" == /dev/pts/* ]] || fail "$tag: run -t: no pty inside: $out"
    ok "$tag: run -t: the container's stdio is a pty ($out)"

    # --- a detached container -------------------------------------------
    id=$(nook run -d --runtime "$rt" --name d-"$tag" --memory 64m --pids-limit 50 bb:1 \
        sh -c 'echo started; trap "exit 7" TERM; while :; do sleep 0.1; done') || fail "$tag: run -d"
    [ "$(nook inspect -f '{{.HostConfig.Runtime}}' "$id")" = "$rt" ] || fail "$tag: inspect Runtime"
    [ -d "$(runtime_state_dir "$rt")/$id" ] || fail "$tag: no state in $(runtime_state_dir "$rt")"
    [ ! -e "$T/run/runtime/$id" ] || fail "$tag: the built-in runtime has state of $id"
    wait_for 5 sh -c "'$NOOK' --root '$T/root' --runroot '$T/run' logs $id | grep started >/dev/null" ||
        fail "$tag: logs"
    pid=$(state "$id" Pid)
    grep -q "/nook/$id\$" "/proc/$pid/cgroup" || fail "$tag: init not in /nook/$id: $(cat "/proc/$pid/cgroup")"
    [ "$(cat "/sys/fs/cgroup/memory/nook/$id/memory.limit_in_bytes")" = 67108864 ] ||
        fail "$tag: --memory not applied"
    [ "$(cat "/sys/fs/cgroup/pids/nook/$id/pids.max")" = 50 ] || fail "$tag: --pids-limit not applied"
    ok "$tag: run -d: runtime state under runtimes/, logs, init in /nook/<id> with the limits"

    out=$(nook exec -e X=42 -u 1234 "$id" sh -c 'echo $X $(id -u); exit 5'); rc=$?
    [ "$rc" = 5 ] || fail "$tag: exec exited $rc, want 5"
    [ "$out" = "42 1234" ] || fail "$tag: exec env/user: $out"
    out=$(nook exec "$id" no-such-command 2>&1); rc=$?
    [ "$rc" = 127 ] || fail "$tag: exec of a missing command exited $rc, want 127 ($out)"
    out=$(in_pty "$NOOK" --root "$T/root" --runroot "$T/run" exec -t "$id" tty | tr -d '\r')
    [[ "$out" == /dev/pts/* ]] || fail "$tag: exec -t: no pty: $out"
    nook exec -d "$id" sh -c 'echo detached > /mark' || fail "$tag: exec -d"
    wait_for 5 nook exec "$id" test -e /mark || fail "$tag: exec -d did not run"
    ok "$tag: exec: exit code, -e, -u, 127, -t pty, -d"

    nook top "$id" | grep "while" > /dev/null || fail "$tag: top does not show the shell"
    nook pause "$id" > /dev/null || fail "$tag: pause"
    [ "$(state "$id" Paused)" = true ] || fail "$tag: not Paused"
    [ "$(cat "/sys/fs/cgroup/freezer/nook/$id/freezer.state")" = FROZEN ] || fail "$tag: not FROZEN"
    out=$(nook exec "$id" true 2>&1); rc=$?
    [ "$rc" = 125 ] && [[ "$out" == *paused* ]] || fail "$tag: exec into paused: $rc $out"
    nook unpause "$id" > /dev/null || fail "$tag: unpause"
    [ "$(state "$id" Paused)" = false ] || fail "$tag: still Paused"
    ok "$tag: top, pause (FROZEN; exec refused) and unpause"

    nook stop -t 5 "$id" > /dev/null || fail "$tag: stop"
    [ "$(state "$id" ExitCode)" = 7 ] || fail "$tag: stop: exit code $(state "$id" ExitCode), want 7"
    nook start "$id" > /dev/null || fail "$tag: start again"
    is_status "$id" running || fail "$tag: not running after start"
    nook rm -f "$id" > /dev/null || fail "$tag: rm -f"
    no_runtime_leftovers "$rt" "$id"
    ok "$tag: stop (SIGTERM trapped: 7), start again, rm -f leaves nothing"

    # --- the monitor reaps an init it did not fork -------------------------
    id=$(nook run -d --runtime "$rt" --restart on-failure:2 bb:1 sh -c 'exit 4') || fail "$tag: restart run"
    wait_for 20 sh -c "[ \"\$('$NOOK' --root '$T/root' --runroot '$T/run' inspect -f '{{.State.Status}} {{.RestartCount}}' $id)\" = 'exited 2' ]" ||
        fail "$tag: on-failure:2: $(nook inspect -f '{{.State.Status}} {{.RestartCount}}' "$id")"
    [ "$(state "$id" ExitCode)" = 4 ] || fail "$tag: restart: exit code"
    nook rm "$id" > /dev/null || fail "$tag: rm"
    no_runtime_leftovers "$rt" "$id"
    ok "$tag: --restart on-failure:2 restarts twice, exit code 4 recorded"

    # --- limits and security the runtime enforces --------------------------
    out=$(nook run --rm --runtime "$rt" --memory 32m --memory-swap 32m bb:1 \
        sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo survived' 2>&1); rc=$?
    [ "$rc" = 137 ] || fail "$tag: OOM: exit $rc, want 137 ($out)"
    id=$(nook run -d --runtime "$rt" --memory 32m --memory-swap 32m bb:1 \
        sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a)') || fail "$tag: OOM run -d"
    wait_for 20 is_status "$id" exited || fail "$tag: OOM container did not exit"
    [ "$(state "$id" OOMKilled)" = true ] || fail "$tag: OOMKilled not true"
    nook rm "$id" > /dev/null
    out=$(nook run --rm --runtime "$rt" bb:1 unshare -U true 2>&1); rc=$?
    [ "$rc" != 0 ] || fail "$tag: unshare -U allowed under the default seccomp profile"
    out=$(nook run --rm --runtime "$rt" --security-opt seccomp=unconfined bb:1 unshare -U true 2>&1) ||
        fail "$tag: unshare -U denied with seccomp=unconfined: $out"
    out=$(nook run --rm --runtime "$rt" --cap-drop ALL bb:1 grep CapEff /proc/self/status)
    [[ "$out" == *0000000000000000 ]] || fail "$tag: --cap-drop ALL: $out"
    ok "$tag: OOM kill → 137 and OOMKilled, default seccomp profile, --cap-drop ALL"
}

# --- choosing a runtime -------------------------------------------------------
out=$(nook run --rm --runtime no-such-runtime bb:1 true 2>&1); rc=$?
[ "$rc" = 125 ] || fail "unknown runtime exited $rc, want 125"
[ "$out" = "nook: unknown or invalid runtime name: no-such-runtime" ] || fail "unknown runtime: $out"
out=$(nook run --rm --runtime ./relative bb:1 true 2>&1); rc=$?
[ "$rc" = 125 ] || fail "relative runtime path exited $rc, want 125"
[ -z "$(nook ps -aq)" ] || fail "a refused --runtime left a container"
[ "$(nook run --rm bb:1 true; nook create bb:1 true | xargs -r "$NOOK" --root "$T/root" --runroot "$T/run" inspect -f '{{.HostConfig.Runtime}}')" = nook ] ||
    fail "default runtime is not nook"
nook rm "$(nook ps -aq)" > /dev/null
nook info | grep "Runtimes:.* nook .*runc" > /dev/null || fail "info does not list the runtimes"
ok "unknown runtime: 125 and one line, nothing left; default nook; info lists runtimes"

# A tty request with a non-terminal stdin is refused as docker refuses it.
out=$(nook run -it --rm bb:1 true < /dev/null 2>&1); rc=$?
[ "$rc" = 1 ] && [ "$out" = "nook: the input device is not a TTY" ] || fail "run -it without a tty: $rc $out"
[ -z "$(nook ps -aq)" ] || fail "run -it without a tty left a container"
ok "run -it with a non-terminal stdin: docker's error, exit 1, nothing created"

# crun (1.8) refuses hybrid cgroup hosts ("cgroups in hybrid mode not
# supported"): there its refusal must reach the user as one line, exit 125,
# with nothing left; on a v1-only or v2 host it runs the whole suite.
hybrid_host() {
    [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] &&
        [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]
}
refused_cleanly() {  # refused_cleanly RT PATTERN
    local out rc
    out=$(nook run --runtime "$1" --name refused bb:1 true 2>&1); rc=$?
    [ "$rc" = 125 ] || fail "$1: refused run exited $rc, want 125 ($out)"
    [ "$(echo "$out" | wc -l)" = 1 ] || fail "$1: error is not one line: $out"
    [[ "$out" == *"$2"* ]] || fail "$1: the runtime's reason is missing: $out"
    local id
    id=$(nook inspect -f '{{.Id}}' refused) || fail "$1: refused container not recorded as created"
    [ "$(state refused Status)" = created ] || fail "$1: refused container is $(state refused Status)"
    nook rm refused > /dev/null || fail "$1: rm refused"
    no_runtime_leftovers "$1" "$id"
}

BIN=$(dirname "$NOOK")
for rt in runc crun "$BIN/nook-runtime"; do
    command -v "$rt" > /dev/null || fail "$rt is not installed (scripts/deps.d/runtimes.txt)"
    if [ "$rt" = crun ] && hybrid_host; then
        refused_cleanly crun "hybrid mode not supported"
        ok "crun: refuses this hybrid cgroup host: one line with its reason, 125, nothing left"
        continue
    fi
    suite "$rt" "$(basename "$rt")"
done
echo "all $PASS engine runtime checks passed"
