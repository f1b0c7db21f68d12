#!/bin/bash
# End-to-end tests of the nook engine: run/ps/logs/stop/kill/rm/exec/inspect/
# wait against a busybox image imported into private --root/--runroot dirs.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
. "$(dirname "$0")/lib.sh"

# --- foreground runs and exit codes -----------------------------------------
OUT=$(nook run --rm bb:1 echo hi) || fail "run --rm echo hi exited $?"
[ "$OUT" = hi ] || fail "run printed '$OUT'"
[ -z "$(nook ps -aq)" ] || fail "--rm container still listed"
ok "run --rm IMAGE echo hi prints hi, exits 0, leaves nothing"

expect_rc 3 nook run --rm bb:1 sh -c 'exit 3'
ok "exit code 3 propagates"

OUT=$(nook run --rm bb:1 sh -c 'echo to-out; echo to-err >&2' 2> "$T/err")
[ "$OUT" = to-out ] && [ "$(cat "$T/err")" = to-err ] || fail "streams mixed: '$OUT' / '$(cat "$T/err")'"
ok "stdout and stderr relayed to the right streams"

OUT=$(nook run --rm -e FOO=bar -w /work -u 1234 --hostname hh bb:1 \
      sh -c 'echo $FOO $(pwd) $(id -u):$(id -g) $(hostname) $(cat /etc/hostname)')
[ "$OUT" = "bar /work 1234:2345 hh hh" ] || fail "flags: '$OUT'"
[ "$(nook run --rm -u alice:staff bb:1 sh -c 'echo $(id -u):$(id -g)')" = 1234:50 ] || fail "user names"
OUT=$(nook run --rm --entrypoint /bin/echo bb:1 a b)
[ "$OUT" = "a b" ] || fail "--entrypoint: '$OUT'"
ok "-e -w -u (uid and names) --hostname --entrypoint"

CAPS=$(nook run --rm bb:1 sh -c 'grep CapEff /proc/self/status')
[ "$(echo "$CAPS" | awk '{print $2}')" = 00000000a80425fb ] || fail "caps: $CAPS"
IFS= read -r PID1 < <(nook run --rm bb:1 sh -c 'echo $$')
[ "$PID1" = 1 ] || fail "main process is pid $PID1 in its namespace"
NET=$(nook run --rm bb:1 ip -o addr show lo)
echo "$NET" | grep >/dev/null 'inet 127.0.0.1/8' || fail "lo not up: $NET"
[ "$(nook run --rm bb:1 ls /sys/class/net)" = lo ] || fail "interfaces besides lo"
SIGS=$(nook run --rm bb:1 grep -E '^Sig(Ign|Blk)' /proc/self/status | awk '{print $2}' | sort -u)
[ "$SIGS" = 0000000000000000 ] || fail "container starts with ignored/blocked signals: $SIGS"
ok "docker's default capabilities; the main process is PID 1; network none has lo up"

expect_rc 127 nook run --name nf bb:1 no-such-command 2> /dev/null
[ "$(nook inspect -f '{{.State.Status}}' nf)" = created ] || fail "failed start not 'created'"
nook rm nf > /dev/null || fail "rm nf"
expect_rc 127 nook run --rm bb:1 no-such-command 2> /dev/null
[ -z "$(nook ps -aq)" ] || fail "--rm container kept after a failed start"
ok "command not found exits 127"

# Not through the nook() function: $! must be the CLI, not a subshell.
"$NOOK" --root "$T/root" --runroot "$T/run" run --rm bb:1 sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.1; done' \
    > "$T/sig.out" &
RUNPID=$!
for _ in $(seq 50); do grep -q ready "$T/sig.out" && break; sleep 0.1; done
kill -TERM "$RUNPID"
wait "$RUNPID"; RC=$?
[ "$RC" = 7 ] && grep -q got-term "$T/sig.out" || fail "SIGTERM to run not forwarded (rc $RC)"
ok "a foreground run forwards SIGTERM to the container"

[ "$(printf 'a\nb\n' | nook run -i --rm bb:1 wc -l)" = 2 ] || fail "run -i: stdin not passed"
[ -z "$(echo hello | nook run --rm bb:1 cat)" ] || fail "stdin passed without -i"
ok "run -i passes stdin; without -i the container's stdin is empty"

# --- detached: logs, ps, exec, stop -----------------------------------------
ID=$(nook run -d --name web bb:1 sh -c 'echo started; trap "echo bye; exit 0" TERM; while true; do sleep 0.1; done')
[[ $ID =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$ID'"
for _ in $(seq 50); do nook logs web | grep >/dev/null started && break; sleep 0.1; done
[ "$(nook logs web)" = started ] || fail "logs: '$(nook logs web)'"
grep -q '^{"log":"started\\n","stream":"stdout","time":"[0-9T:.-]*Z"}$' "$T/root/containers/$ID/$ID-json.log" \
    || fail "log file not in json-file format: $(cat "$T/root/containers/$ID/$ID-json.log")"
nook ps | grep >/dev/null "^${ID:0:12} .*bb:1 .*Up .* web$" || fail "ps: $(nook ps)"
nook ps | head -1 | grep >/dev/null '^CONTAINER ID *IMAGE *COMMAND *CREATED *STATUS *PORTS *NAMES$' || fail "ps header"
pgrep -f "^nook-monitor ${ID:0:12}" > /dev/null || fail "no nook-monitor process"
ok "run -d prints the id; logs; ps shows it Up; monitor named nook-monitor"

OUT=$(nook exec web cat /proc/1/cmdline | tr '\0' ' ')
[[ $OUT == "sh -c echo started;"* ]] || fail "exec sees pid 1 as '$OUT'"
expect_rc 5 nook exec web sh -c 'exit 5'
[ "$(nook exec -e X=1 -w /bin web sh -c 'echo $X $(pwd)')" = "1 /bin" ] || fail "exec -e -w"
SIGS=$(nook exec web grep -E '^Sig(Ign|Blk)' /proc/self/status | awk '{print $2}' | sort -u)
[ "$SIGS" = 0000000000000000 ] || fail "exec'd process starts with ignored/blocked signals: $SIGS"
ok "exec sees PID 1 = the main process; exit code, -e, -w; clean signal state"

# CVE-2019-5736: the exec CLI forks the process that joins the container, so
# it must run from a binary nobody can write through /proc/PID/exe: a
# read-only mount (or a sealed memfd), never the file on disk.
"$NOOK" --root "$T/root" --runroot "$T/run" exec web sleep 2 &
EXECPID=$!
sleep 0.5
python3 - "$EXECPID" <<'PY' || fail "nook exec runs from a writable binary"
import os, sys
exe = f"/proc/{sys.argv[1]}/exe"
ro = os.statvfs(exe).f_flag & os.ST_RDONLY
memfd = os.readlink(exe).startswith("/memfd:")
sys.exit(0 if ro or memfd else 1)
PY
wait "$EXECPID" || fail "exec sleep 2"
ok "nook exec runs from a protected (read-only) copy of its binary"

expect_rc 125 nook run --name web bb:1 true 2> "$T/err"
grep -q 'already in use' "$T/err" || fail "name conflict message: $(cat "$T/err")"
[ "$(nook ps -aq | wc -l)" = 1 ] || fail "name conflict left a container"
ok "name conflict exits 125 and leaves nothing"

nook stop web > /dev/null || fail "stop"
nook ps -a | grep >/dev/null "Exited (0) .* web$" || fail "after stop: $(nook ps -a)"
[ -z "$(nook ps -q)" ] || fail "stopped container in ps without -a"
[ "$(nook logs --tail 1 web)" = bye ] || fail "logs --tail 1: '$(nook logs --tail 1 web)'"
[ "$(nook wait web)" = 0 ] || fail "wait on an exited container"
J=$(nook inspect web)
echo "$J" | grep >/dev/null '"Status": "exited"' && echo "$J" | grep >/dev/null '"Name": "/web"' &&
    echo "$J" | grep >/dev/null '"Running": false' || fail "inspect: $J"
expect_rc 125 nook exec web true 2> /dev/null
ok "stop -> Exited (0); logs --tail; wait; inspect; exec into stopped exits 125"

nook start web > /dev/null || fail "start again"
nook ps | grep >/dev/null "Up .* web$" || fail "restart: $(nook ps -a)"
S=$(date +%s%N)
ID2=$(nook run -d bb:1 sleep 7313)
nook stop -t 1 "${ID2:0:6}" > /dev/null || fail "stop by prefix"
E=$(( ($(date +%s%N) - S) / 1000000 ))
[ "$(nook inspect -f '{{.State.ExitCode}}' "$ID2")" = 137 ] || fail "SIGTERM-ignoring pid 1 not killed"
[ "$E" -ge 900 ] || fail "stop -t 1 took only ${E}ms"
nook rm "${ID2:0:6}" > /dev/null || fail "rm by prefix"
no_leftovers "$ID2"
ok "start again; stop -t 1 of a SIGTERM-ignoring process -> 137; rm by id prefix"

# --- rm -f, kill, wait, monitor death ----------------------------------------
ID3=$(nook run -d bb:1 sleep 7314)
expect_rc 125 nook rm "$ID3" 2> /dev/null
nook rm -f "$ID3" > /dev/null || fail "rm -f"
no_leftovers "$ID3"
! pgrep -f "sleep 7314" > /dev/null || fail "rm -f left the process"
! pgrep -f "nook-monitor ${ID3:0:12}" > /dev/null || fail "rm -f left the monitor"
ok "rm of a running container refused; rm -f removes it, leaving nothing"

ID4=$(nook run -d bb:1 sleep 7315)
( sleep 0.3; nook kill -s TERM "$ID4" > /dev/null; nook kill "$ID4" > /dev/null ) &
[ "$(nook wait "$ID4")" = 137 ] || fail "wait after kill"
wait
nook rm "$ID4" > /dev/null
ok "kill; wait prints 137"

ID5=$(nook run -d bb:1 sleep 7316)
MON=$(pgrep -f "^nook-monitor ${ID5:0:12}")
kill -9 "$MON"
for _ in $(seq 50); do [ "$(nook inspect -f '{{.State.Status}}' "$ID5")" = exited ] && break; sleep 0.1; done
[ "$(nook inspect -f '{{.State.Status}}' "$ID5")" = exited ] || fail "monitor death not noticed"
! pgrep -f "sleep 7316" > /dev/null || fail "container outlived its dead monitor"
nook rm "$ID5" > /dev/null
no_leftovers "$ID5"
ok "kill -9 of the monitor: container shown exited and cleaned up"

ID6=$(nook run -d -i bb:1 sh)
sleep 0.3
nook ps | grep >/dev/null "^${ID6:0:12} .*Up " || fail "run -d -i sh did not stay up"
nook rm -f "$ID6" > /dev/null
ID7=$(nook run -d --rm bb:1 sleep 0.2)
for _ in $(seq 50); do [ "$(nook ps -aq | wc -l)" = 1 ] && break; sleep 0.1; done  # web only
[ "$(nook ps -aq | wc -l)" = 1 ] || fail "run -d --rm not removed after exit: $(nook ps -a)"
no_leftovers "$ID7"
ok "run -d -i keeps stdin open; run -d --rm removes the container when it exits"

# --- errors ---------------------------------------------------------------------
expect_rc 125 nook run --rm no-such-image true 2> /dev/null
expect_rc 125 nook logs no-such-container 2> /dev/null
[ "$(nook ps -aq | wc -l)" = 1 ] || fail "errors left containers: $(nook ps -a)"
ok "unknown image / container exit 125, nothing left"

nook rm -f web > /dev/null
[ -z "$(nook ps -aq)" ] || fail "containers left"
! grep -q " $T" /proc/mounts || fail "mounts left under $T"
echo "all $PASS engine tests passed"
