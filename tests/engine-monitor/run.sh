#!/bin/bash
# End-to-end tests of the container monitor and its I/O: -t through a real
# pseudo-terminal (ptyrun.py), detach and attach, start -ai, exec -it/-d,
# stop timeouts and stop signals, restart policies, log rotation, OOM kills,
# and the CLI or the monitor dying under a running container.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../engine/lib.sh"

pty() { python3 "$HERE/ptyrun.py" "$1" "$NOOK" "$T/root" "$T/run" "${@:2}"; }
state() { nook inspect -f "{{.State.$2}}" "$1"; }
is_status() { [ "$(state "$1" Status)" = "$2" ]; }
gone() { [ -z "$(nook ps -aq --filter "name=^$1\$" 2>/dev/null)" ] && ! nook inspect "$1" > /dev/null 2>&1; }
bad_flag() {  # bad_flag NAME FLAGS...: exit 125, one-line error, no container
    local name=$1; shift
    local err
    err=$(nook run -d --name "$name" "$@" bb:1 true 2>&1 > /dev/null); local rc=$?
    [ "$rc" = 125 ] || fail "run $* exited $rc, want 125"
    [ "$(echo "$err" | wc -l)" = 1 ] || fail "run $*: error is not one line: $err"
    ! nook inspect "$name" > /dev/null 2>&1 || fail "run $*: container $name left"
}

# --- ttys -------------------------------------------------------------------
pty it || fail "run -it"
[ -z "$(nook ps -aq)" ] || fail "run -it --rm left a container"
ok "run -it: a tty inside, stty size follows a resize, typed input echoed, exit code"

pty detach d1 || fail "detach"
is_status d1 running || fail "detached container not running"
[[ "$(nook logs d1)" == *before-detach* ]] || fail "tty output not logged as stdout"
pty attach d1 || fail "attach"
wait_for 5 is_status d1 exited || fail "attach: container not exited"
[ "$(state d1 ExitCode)" = 3 ] || fail "exit code after attach"
ok "ctrl-p ctrl-q detaches, attach reconnects, the exit code comes back"

nook create -it --name s1 bb:1 sh > /dev/null || fail "create -it"
pty start_ai s1 || fail "start -ai"
ok "create -it + start -ai"

nook run -d --name e1 bb:1 sleep 1000 > /dev/null || fail "run -d"
pty exec_it e1 || fail "exec -it"
nook exec -d e1 sh -c 'sleep 0.3; echo bg > /x' || fail "exec -d"
[ ! -e "$T/none" ] && [ "$(nook exec e1 cat /x 2>/dev/null)" != bg ] || fail "exec -d waited"
wait_for 5 sh -c "[ \"\$(\"$NOOK\" --root $T/root --runroot $T/run exec e1 cat /x 2>/dev/null)\" = bg ]" \
    || fail "exec -d did not run"
[ "$(echo hi | nook exec e1 cat)" = "" ] || fail "exec without -i got stdin"
[ "$(echo hi | nook exec -i e1 cat)" = hi ] || fail "exec -i lost stdin"
ok "exec -it (pty), exec -d returns at once, exec -i passes stdin"

# --- stop, kill, signals ----------------------------------------------------
nook run -d --name st bb:1 sh -c 'trap "" TERM; echo ready; while true; do sleep 0.1; done' > /dev/null
wait_for 5 sh -c "\"$NOOK\" --root $T/root --runroot $T/run logs st | grep ready > /dev/null" || fail "st ready"
S=$(date +%s%N); nook stop -t 2 st > /dev/null || fail "stop -t 2"; E=$(( ($(date +%s%N) - S) / 1000000 ))
[ "$E" -ge 1900 ] && [ "$E" -lt 5000 ] || fail "stop -t 2 took $E ms"
[ "$(state st ExitCode)" = 137 ] || fail "stop of a TERM-ignoring process: exit $(state st ExitCode)"
ok "stop -t 2: SIGKILL after ~2 s ($E ms), exit 137"

nook run -d --name st2 --stop-timeout 1 bb:1 sh -c 'trap "" TERM; while true; do sleep 0.1; done' > /dev/null
sleep 0.3
S=$(date +%s%N); nook stop st2 > /dev/null; E=$(( ($(date +%s%N) - S) / 1000000 ))
[ "$E" -ge 900 ] && [ "$E" -lt 4000 ] || fail "--stop-timeout 1: stop took $E ms"
[ "$(nook inspect -f '{{.Config.StopTimeout}}' st2)" = 1 ] || fail "Config.StopTimeout"
ok "--stop-timeout 1 is the default of stop ($E ms)"

nook run -d --name ss --stop-signal USR1 bb:1 sh -c 'trap "exit 42" USR1; while true; do sleep 0.1; done' > /dev/null
sleep 0.3
S=$(date +%s%N); nook stop ss > /dev/null; E=$(( ($(date +%s%N) - S) / 1000000 ))
[ "$(state ss ExitCode)" = 42 ] || fail "--stop-signal USR1: exit $(state ss ExitCode)"
[ "$E" -lt 2000 ] || fail "stop with --stop-signal took $E ms"
[ "$(nook inspect -f '{{.Config.StopSignal}}' ss)" = USR1 ] || fail "Config.StopSignal"
nook run -d --name ks bb:1 sh -c 'trap "exit 9" USR2; while true; do sleep 0.1; done' > /dev/null
sleep 0.3
nook kill -s USR2 ks > /dev/null || fail "kill -s USR2"
[ "$(nook wait ks)" = 9 ] || fail "kill -s USR2: wait did not print 9"
ok "--stop-signal USR1 is what stop sends; kill -s USR2; wait returns the code"

bad_flag zz-bad1 --restart bogus
bad_flag zz-bad2 --restart always:3
bad_flag zz-bad3 --restart on-failure:x
bad_flag zz-bad4 --restart always --rm
bad_flag zz-bad5 --stop-signal NOPE
bad_flag zz-bad6 --log-opt max-size=lots
bad_flag zz-bad7 --log-driver syslog
bad_flag zz-bad8 --log-opt max-file=3
ok "bad --restart/--stop-signal/--log-* values: one-line error, 125, nothing created"

# --- restart policies -------------------------------------------------------
nook run -d --name rf --restart on-failure:2 bb:1 sh -c 'echo run; exit 3' > /dev/null
wait_for 10 sh -c "[ \"\$(\"$NOOK\" --root $T/root --runroot $T/run inspect -f '{{.State.Status}} {{.RestartCount}}' rf)\" = 'exited 2' ]" \
    || fail "on-failure:2: $(nook inspect -f '{{.State.Status}} {{.RestartCount}}' rf)"
[ "$(nook logs rf | grep -c run)" = 3 ] || fail "on-failure:2 did not run 3 times"
[ "$(state rf ExitCode)" = 3 ] || fail "on-failure exit code"
[ "$(nook inspect -f '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' rf)" = on-failure:2 ] \
    || fail "HostConfig.RestartPolicy"
ok "--restart on-failure:2: RestartCount 2, three runs, then exited"

nook run -d --name ra --restart always bb:1 sh -c 'echo run; sleep 0.2' > /dev/null
wait_for 10 sh -c "[ \$(\"$NOOK\" --root $T/root --runroot $T/run inspect -f '{{.RestartCount}}' ra) -ge 2 ]" \
    || fail "always: RestartCount $(nook inspect -f '{{.RestartCount}}' ra)"
nook stop ra > /dev/null || fail "stop ra"
C=$(nook inspect -f '{{.RestartCount}}' ra)
sleep 1.5
[ "$(state ra Status)" = exited ] || fail "always: $(state ra Status) after stop"
[ "$(nook inspect -f '{{.RestartCount}}' ra)" = "$C" ] || fail "always: restarted after stop"
nook run -d --name rk --restart always bb:1 sleep 1000 > /dev/null
nook kill rk > /dev/null; sleep 1
[ "$(state rk Status)" = exited ] || fail "always: kill by the user was undone"
ok "--restart always restarts (with 0 exit) until stop; kill is not undone"

nook run -d --name rr --restart always bb:1 sleep 1000 > /dev/null
nook rm -f rr > /dev/null || fail "rm -f of an always container"
sleep 0.5
! nook inspect rr > /dev/null 2>&1 || fail "rm -f: container still there"
[ -z "$(pgrep -f "nook-monitor ${rr:-x}")" ] || true
ok "rm -f of an always container removes it"

nook run -d --name rs bb:1 sh -c 'sleep 1000' > /dev/null
P1=$(nook inspect -f '{{.State.Pid}}' rs)
nook restart -t 1 rs > /dev/null || fail "restart"
P2=$(nook inspect -f '{{.State.Pid}}' rs)
is_status rs running && [ "$P1" != "$P2" ] || fail "restart: pid $P1 -> $P2, $(state rs Status)"
ok "nook restart: a new process"

# --- logs -------------------------------------------------------------------
nook run --name lr --log-opt max-size=10k --log-opt max-file=3 bb:1 \
    sh -c 'i=0; while [ $i -lt 3000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done' > /dev/null
LR=$(nook inspect -f '{{.Id}}' lr)
D="$T/root/containers/$LR"
N=$(ls "$D" | grep -c json.log)
[ "$N" = 3 ] || fail "rotation: $N files: $(ls "$D")"
for f in "$D/$LR-json.log" "$D/$LR-json.log.1" "$D/$LR-json.log.2"; do
    [ -e "$f" ] || fail "rotation: $f missing"
    s=$(stat -c %s "$f"); [ "$s" -le 10240 ] || fail "rotation: $f is $s bytes"
done
[ "$(stat -c %s "$D/$LR-json.log.1")" -ge 9000 ] || fail "rotation: .1 not full"
[[ "$(tail -1 "$D/$LR-json.log")" == *line-2999-* ]] || fail "rotation: newest lines not in the current file"
A=$(head -1 "$D/$LR-json.log.2" | sed 's/.*line-\([0-9]*\)-.*/\1/')
B=$(head -1 "$D/$LR-json.log.1" | sed 's/.*line-\([0-9]*\)-.*/\1/')
[ "$A" -lt "$B" ] || fail "rotation: .2 ($A) not older than .1 ($B)"
[ "$(nook inspect -f '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}}' lr)" = "json-file 10k" ] \
    || fail "HostConfig.LogConfig"
nook run --name ln --log-driver none bb:1 echo quiet > /dev/null
LN=$(nook inspect -f '{{.Id}}' ln)
! grep -qs quiet "$T/root/containers/$LN/$LN-json.log" || fail "--log-driver none wrote a log"
ok "--log-opt max-size=10k,max-file=3: 3 files of <= 10k, .2 oldest; --log-driver none"

# --- OOM --------------------------------------------------------------------
if nook run --rm -m 32m bb:1 true > /dev/null 2>&1; then
    expect_rc 137 nook run --name oom -m 32m bb:1 sh -c 'tail /dev/zero'
    [ "$(state oom OOMKilled)" = true ] || fail "OOMKilled is $(state oom OOMKilled)"
    nook run --name nooom bb:1 true
    [ "$(state nooom OOMKilled)" = false ] || fail "OOMKilled set without an OOM kill"
    ok "run -m 32m (tail /dev/zero): exit 137, State.OOMKilled true"
else
    echo "skip - OOMKilled: run -m not supported by this build"
fi

# --- reliability ------------------------------------------------------------
"$NOOK" --root "$T/root" --runroot "$T/run" run --name fg bb:1 sh -c 'echo ready; sleep 1; echo done' > "$T/fg.out" &
CLI=$!
wait_for 5 grep -q ready "$T/fg.out" || fail "fg ready"
kill -9 "$CLI"; wait "$CLI" 2>/dev/null
[ "$(nook wait fg)" = 0 ] || fail "after kill -9 of the CLI the container did not finish"
[[ "$(nook logs fg)" == *done* ]] || fail "after kill -9 of the CLI: output lost from the log"
ok "kill -9 of a foreground run's CLI: the container runs on, exits 0, logs kept"

nook run -d --name mk bb:1 sleep 1000 > /dev/null
MK=$(nook inspect -f '{{.Id}}' mk)
MPID=$(pgrep -xf "nook-monitor ${MK:0:12}")
[ -n "$MPID" ] || fail "no monitor process for mk"
kill -9 "$MPID"
wait_for 5 is_status mk exited || fail "kill -9 of the monitor not noticed: $(state mk Status)"
[ -n "$(state mk Error)" ] || fail "no State.Error after the monitor died"
ok "kill -9 of a monitor: the container is shown exited with an error"

for c in d1 s1 e1 st st2 ss ks rf ra rk rs lr ln oom nooom fg mk; do
    id=$(nook inspect -f '{{.Id}}' "$c" 2>/dev/null) || continue
    nook rm -f "$c" > /dev/null || fail "rm -f $c"
    no_leftovers "$id"
done
ok "everything removed without leftovers"
echo "PASS $PASS"
