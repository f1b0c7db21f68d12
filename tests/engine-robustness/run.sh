#!/bin/bash
# End-to-end checks that a container cannot reach outside itself through
# process groups, and that the foreground path loses nothing under load
# (issue #11): kill -9 0 in a container spares its monitor, kill -9 0 in an
# exec'd process spares the caller's shell, 20 parallel foreground runs all
# print their output and exit with the container's code, a container whose
# monitor was killed keeps the time its exit was noticed, exec of a
# directory or a non-executable file exits 126, rm -f of a running --rm
# container succeeds silently.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../engine/lib.sh"

state() { nook inspect -f "{{.State.$2}}" "$1"; }
is_status() { [ "$(state "$1" Status)" = "$2" ]; }
logs_have() { nook logs "$1" 2>&1 | grep > /dev/null -x -- "$2"; }
# The pid of a container's monitor: the process named "nook-monitor <id12>".
monitor_pid() {
    local id12 p
    id12=$(nook inspect -f '{{.Id}}' "$1" | cut -c1-12)
    for p in /proc/[0-9]*; do
        if [ "$(tr '\0' ' ' 2>/dev/null < "$p/cmdline")" = "nook-monitor $id12 " ]; then
            echo "${p#/proc/}"
            return 0
        fi
    done
    return 1
}

# --- 1. kill -9 0 inside a container spares its monitor ---------------------
# The init (pid 1 in its namespace) survives its own SIGKILL; before the fix
# its process group was the monitor's, which died with it.
runtimes="nook"
command -v runc > /dev/null && runtimes="$runtimes runc"
[ -x "$(dirname "$NOOK")/nook-runtime" ] && runtimes="$runtimes $(dirname "$NOOK")/nook-runtime"
i=0
for rt in $runtimes; do
    i=$((i + 1))
    nook run -d --runtime "$rt" --name pg$i bb:1 \
        sh -c 'sleep 0.5; kill -9 0; echo after-kill; exec sleep 300' > /dev/null || fail "run -d ($rt)"
    wait_for 20 logs_have pg$i after-kill || fail "pg$i ($rt): never got past kill -9 0"
    is_status pg$i running || fail "kill -9 0 ($rt): container is $(state pg$i Status), want running"
    nook ps --filter name=pg$i --format '{{.Status}}' | grep > /dev/null '^Up' \
        || fail "kill -9 0 ($rt): ps says $(nook ps -a --filter name=pg$i --format '{{.Status}}')"
    [ "$(nook exec pg$i echo alive)" = alive ] || fail "kill -9 0 ($rt): exec after it"
    nook rm -f pg$i > /dev/null || fail "rm -f pg$i"
done
out=$(nook run --rm bb:1 sh -c 'sleep 0.2; kill -9 0; echo fg-alive; exit 4' 2>&1); rc=$?
[ "$rc" = 4 ] && [ "$out" = fg-alive ] || fail "foreground run with kill -9 0: exit $rc, output '$out'"
ok "kill -9 0 in a container spares its monitor ($runtimes; run -d and foreground)"

# --- 2. kill -9 0 in an exec'd process spares the caller ----------------------
nook run -d --name ex bb:1 sleep 1000 > /dev/null || fail "run ex"
out=$(setsid bash -c '
    sleep 1000 > /dev/null 2>&1 & echo $! > "$0/host-sleep"
    "$1" --root "$0/root" --runroot "$0/run" exec ex sh -c "kill -9 0"
    echo "survived rc=$?"' "$T" "$NOOK" 2>&1)
[[ "$out" == *"survived rc=137"* ]] || fail "exec kill -9 0: the caller's shell died ('$out')"
hp=$(cat "$T/host-sleep")
kill -0 "$hp" 2> /dev/null || fail "exec kill -9 0: the host's sleep died"
kill "$hp"
# exec -d: the process outlives the CLI; the caller's shell waits until the
# process has signalled its group (it is gone), then reports.
out=$(setsid bash -c '
    n() { "$1" --root "$0/root" --runroot "$0/run" "${@:2}"; }
    sleep 1000 > /dev/null 2>&1 & echo $! > "$0/host-sleep2"
    n "$1" exec -d ex sh -c "echo \$\$ > /xpid; sleep 0.5; kill -9 0" || exit 9
    for _ in $(seq 200); do
        p=$(n "$1" exec ex cat /xpid 2> /dev/null)
        [ -n "$p" ] && ! n "$1" exec ex kill -0 "$p" 2> /dev/null && break
        sleep 0.1
    done
    echo survived' "$T" "$NOOK" 2>&1)
[[ "$out" == *survived* ]] || fail "exec -d kill -9 0: the caller's shell died ('$out')"
hp=$(cat "$T/host-sleep2")
kill -0 "$hp" 2> /dev/null || fail "exec -d kill -9 0: the host's sleep died"
kill "$hp"
if command -v runc > /dev/null; then
    nook run -d --runtime runc --name exr bb:1 sleep 1000 > /dev/null || fail "run exr"
    out=$(setsid bash -c '
        sleep 1000 > /dev/null 2>&1 & echo $! > "$0/host-sleep3"
        "$1" --root "$0/root" --runroot "$0/run" exec exr sh -c "kill -9 0"
        echo survived' "$T" "$NOOK" 2>&1)
    [[ "$out" == *survived* ]] || fail "exec (runc) kill -9 0: the caller's shell died ('$out')"
    hp=$(cat "$T/host-sleep3")
    kill -0 "$hp" 2> /dev/null || fail "exec (runc) kill -9 0: the host's sleep died"
    kill "$hp"
    nook rm -f exr > /dev/null
fi
ok "kill -9 0 in exec / exec -d reaches neither the caller's shell nor its other processes"

# --- 14. exec of a directory / a non-executable file: 126 ---------------------
err=$(nook exec ex /etc 2>&1); rc=$?
[ "$rc" = 126 ] || fail "exec /etc: exit $rc, want 126 ($err)"
[[ "$err" == *'"/etc"'*"is a directory"* ]] || fail "exec /etc: message '$err'"
err=$(nook exec ex /etc/passwd 2>&1); rc=$?
[ "$rc" = 126 ] || fail "exec /etc/passwd: exit $rc, want 126 ($err)"
[[ "$err" == *'"/etc/passwd"'*"permission denied"* ]] || fail "exec /etc/passwd: message '$err'"
err=$(nook exec ex /nonexistent 2>&1); rc=$?
[ "$rc" = 127 ] || fail "exec /nonexistent: exit $rc, want 127 ($err)"
err=$(nook run --rm bb:1 /etc 2>&1); rc=$?
[ "$rc" = 126 ] || fail "run /etc: exit $rc, want 126 ($err)"
ok "exec (and run) of a directory or a non-executable file: 126 with docker's words"
nook rm -f ex > /dev/null

# --- 14. rm -f of a running --rm container -----------------------------------
id=$(nook run -d --rm --name rmr bb:1 sleep 1000) || fail "run -d --rm"
nook rm -f rmr > "$T/rm.out" 2> "$T/rm.err"; rc=$?
[ "$rc" = 0 ] || fail "rm -f of a running --rm container: exit $rc ($(cat "$T/rm.err"))"
[ ! -s "$T/rm.err" ] || fail "rm -f of a running --rm container printed: $(cat "$T/rm.err")"
[ "$(cat "$T/rm.out")" = rmr ] || fail "rm -f printed '$(cat "$T/rm.out")', want the name"
! nook inspect rmr > /dev/null 2>&1 || fail "rm -f: --rm container still there"
no_leftovers "$id"
ok "rm -f of a running --rm container: exit 0, silent, nothing left"

# --- 5. a killed monitor: FinishedAt is when the exit was noticed -------------
nook run -d --name mk bb:1 sleep 1000 > /dev/null || fail "run mk"
mp=$(monitor_pid mk) || fail "monitor of mk not found"
kill -9 "$mp"
wait_for 50 sh -c "! kill -0 $mp 2> /dev/null" || fail "monitor $mp did not die"
before=$(date +%s)
sleep 1.1
nook ps -a > /dev/null  # the exit is noticed here
fin=$(state mk FinishedAt)
[ "$(state mk Status)" = exited ] && [ "$(state mk ExitCode)" = 255 ] || fail "mk: $(state mk Status) $(state mk ExitCode)"
fsec=$(date -d "$fin" +%s) || fail "FinishedAt '$fin' is not a time"
[ "$fsec" -ge "$before" ] || fail "FinishedAt $fin is before the exit was noticed"
sleep 1.1
[ "$(state mk FinishedAt)" = "$fin" ] || fail "FinishedAt moved: $fin -> $(state mk FinishedAt)"
st=$(nook ps -a --filter name=mk --format '{{.Status}}')
[[ "$st" == "Exited (255) "* && "$st" != *"Less than a second"* ]] || fail "ps after a killed monitor: '$st'"
ok "a killed monitor's container: FinishedAt is when it was noticed and stays ($st)"
nook rm -f mk > /dev/null

# --- -t gives the container a /dev/console: the pty itself (as runc) ----------
# Before: no /dev/console at all. Both lines are "major:minor" in hex; a pty
# slave's major is 136 (0x88).
out=$(script -qec "$NOOK --root $T/root --runroot $T/run run -t --rm bb:1 \
    stat -L -c %t:%T /dev/console /proc/self/fd/0" /dev/null | tr -d '\r')
con=$(printf '%s\n' "$out" | sed -n 1p); in0=$(printf '%s\n' "$out" | sed -n 2p)
[[ "$con" =~ ^88: ]] && [ "$con" = "$in0" ] || fail "run -t: /dev/console is not the pty: '$out'"
ok "run -t: /dev/console is the container's pty"

# --- 3. parallel foreground runs lose nothing --------------------------------
# 200 runs, 20 at a time, with and without --rm: every CLI prints its line
# and exits with the container's 3 (before: SIGPIPE 141 and 125).
export NOOK T
par() {  # par DIR RUNFLAGS...
    local dir=$1; shift
    mkdir -p "$dir"
    seq 200 | xargs -P 20 -I{} sh -c '
        p=$1; shift
        "$NOOK" --root "$T/root" --runroot "$T/run" run --name "$p"{} "$@" bb:1 sh -c "echo out-{}; exit 3" \
            > "$0/{}.out" 2> "$0/{}.err"
        echo $? > "$0/{}.rc"' "$dir" "$(basename "$dir")-" "$@"
    local bad=0 n
    for n in $(seq 200); do
        if [ "$(cat "$dir/$n.rc")" != 3 ] || [ "$(cat "$dir/$n.out")" != "out-$n" ]; then
            bad=$((bad + 1))
            [ "$bad" -le 3 ] && echo "  run $n: rc $(cat "$dir/$n.rc") out '$(cat "$dir/$n.out")' err '$(cat "$dir/$n.err")'" >&2
        fi
    done
    [ "$bad" = 0 ] || fail "parallel run $*: $bad of 200 lost their output or exit code"
}
par "$T/par" || exit 1
[ "$(nook ps -aq | wc -l)" = 200 ] || fail "parallel run: $(nook ps -aq | wc -l) containers, want 200"
[ "$(nook ps -a --filter status=exited --format '{{.Status}}' | grep -c '^Exited (3)')" = 200 ] \
    || fail "parallel run: not all recorded Exited (3)"
nook ps -aq | xargs -n 50 "$NOOK" --root "$T/root" --runroot "$T/run" rm > /dev/null || fail "rm 200"
ok "200 foreground runs, 20 in parallel: every output and exit code arrives"
par "$T/parrm" --rm || exit 1
[ -z "$(nook ps -aq)" ] || fail "parallel run --rm left $(nook ps -aq | wc -l) containers"
ok "200 foreground runs --rm, 20 in parallel: every output and exit code arrives, nothing left"

echo "PASS: $PASS checks"
