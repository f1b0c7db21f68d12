#!/bin/bash
# End-to-end tests of the engine verbs and state: ps formats and filters,
# inspect, logs selection, pause/unpause, top, stats, cp, port, rename,
# container prune, system info/df/prune, version, `nook container`, many
# parallel runs, reboot recovery and per-container locks.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
. "$(dirname "$0")/../engine/lib.sh"

# wait_or_fail DESC CMD...: poll CMD for up to 10 s, else fail naming DESC.
wait_or_fail() {
    local what=$1; shift
    for _ in $(seq 100); do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; done
    fail "timed out waiting for $what"
}
count_rows() { nook ps -aq | wc -l; }
state_is() { [ "$(nook inspect -f '{{.State.Status}}' "$1")" = "$2" ]; }
logs_have() { nook logs "$1" 2>&1 | grep >/dev/null "$2"; }

# --- ps: formats and filters -------------------------------------------------
A=$(nook run -d --label tier=web --name alpha bb:1 sleep 1000) || fail "run alpha"
B=$(nook run -d --name beta bb:1 sh -c 'exit 3') || fail "run beta"
wait_or_fail "beta exited" state_is beta exited
C=$(nook create --name gamma bb:1 true) || fail "create gamma"

[ "$(nook ps -q)" = "${A:0:12}" ] || fail "ps -q: '$(nook ps -q)'"
[ "$(nook ps -aq | wc -l)" = 3 ] || fail "ps -aq should list 3"
OUT=$(nook ps -a --format '{{.Names}} {{.State}}' | sort | tr '\n' ,)
[ "$OUT" = "alpha running,beta exited,gamma created," ] || fail "ps --format: $OUT"
OUT=$(nook ps --format 'table {{.ID}}\t{{.Names}}')
echo "$OUT" | sed -n 1p | grep >/dev/null '^CONTAINER ID   NAMES$' || fail "table header: $OUT"
echo "$OUT" | grep >/dev/null "^${A:0:12}   alpha$" || fail "table row: $OUT"
nook ps -a --no-trunc --format '{{.ID}}' | grep >/dev/null -x "$A" || fail "--no-trunc id"
nook ps -a --format json | python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin]
assert {r["Names"] for r in rows}=={"alpha","beta","gamma"}, rows
assert all(set(["ID","Image","Command","Status","State","Labels"])<=set(r) for r in rows)
' || fail "ps --format json"
nook ps -a --format '{{.Status}}' --filter name=beta | grep -Eq '^Exited \(3\) (Less than a second|[0-9]+ seconds?) ago$' \
    || fail "exited status text: $(nook ps -a --format '{{.Status}}' --filter name=beta)"
nook ps --format '{{.Status}}' | grep -Eq '^Up ' || fail "running status text"
[ "$(nook ps -a --filter name=gamma --format '{{.Status}}')" = Created ] || fail "Created"
ok "ps -q, -a, --no-trunc, --format template/table/json, status texts"

f() { nook ps -a --format '{{.Names}}' "$@" | sort | tr '\n' ,; }
[ "$(f --filter status=exited)" = "beta," ] || fail "status=exited: $(f --filter status=exited)"
[ "$(f --filter status=exited --filter status=created)" = "beta,gamma," ] || fail "status OR"
[ "$(f --filter name=alp)" = "alpha," ] || fail "name="
[ "$(f --filter id=${B:0:8})" = "beta," ] || fail "id="
[ "$(f --filter label=tier)" = "alpha," ] || fail "label=k"
[ "$(f --filter label=tier=web)" = "alpha," ] || fail "label=k=v"
[ "$(f --filter label=tier=db)" = "" ] || fail "label=k=v mismatch"
[ "$(f --filter exited=3)" = "beta," ] || fail "exited=3"
[ "$(f --filter exited=0)" = "" ] || fail "exited=0"
[ "$(f --filter ancestor=bb:1)" = "alpha,beta,gamma," ] || fail "ancestor"
[ "$(f --filter ancestor=bb:1 --filter status=running)" = "alpha," ] || fail "AND of keys"
[ "$(nook ps --format '{{.Names}}' --filter status=exited)" = beta ] || fail "status filter implies -a"
[ "$(nook ps -a --format '{{.Label "tier"}}' --filter name=alpha)" = web ] || fail '{{.Label "k"}}'
[ "$(nook ps -l --format '{{.Names}}')" = gamma ] || fail "ps -l"
[ "$(nook ps -n 2 -q | wc -l)" = 2 ] || fail "ps -n 2"
expect_rc 125 nook ps --filter bogus=1 2> "$T/err"
grep -q "invalid filter 'bogus'" "$T/err" || fail "bad filter message: $(cat "$T/err")"
expect_rc 125 nook ps --filter status=sleepy 2> /dev/null
ok "ps --filter status/name/id/label/exited/ancestor (OR within a key, AND across), -l, -n"

# --- inspect -----------------------------------------------------------------
[ "$(nook inspect -f '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}' beta)" = "exited false 3" ] \
    || fail "inspect -f: $(nook inspect -f '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}' beta)"
[ "$(nook inspect -f '{{json .Config.Labels}}' alpha)" = '{"tier":"web"}' ] || fail "json function"
[ "$(nook inspect -f '{{.Name}}' alpha beta | tr '\n' ,)" = "/alpha,/beta," ] || fail "several names"
PID=$(nook inspect -f '{{.State.Pid}}' alpha)
[ "$PID" -gt 0 ] && [ -d /proc/$PID ] || fail "State.Pid $PID"
nook inspect alpha | python3 -c '
import json,sys
c=json.load(sys.stdin)[0]
s=c["State"]
for k in ["Status","Running","Paused","Restarting","OOMKilled","Dead","Pid","ExitCode","Error","StartedAt","FinishedAt"]:
    assert k in s, k
assert c["RestartCount"]==0 and isinstance(c["Mounts"],list) and "HostConfig" in c
' || fail "inspect State fields"
expect_rc 1 nook inspect nosuch > /dev/null 2> "$T/err"
grep -q "No such object: nosuch" "$T/err" || fail "No such object: $(cat "$T/err")"
expect_rc 1 nook inspect alpha nosuch > "$T/out" 2> /dev/null
grep -q '"/alpha"' "$T/out" || fail "found objects still printed"
[ "$(nook inspect --type image -f '{{.Id}}' bb:1 | cut -c1-7)" = sha256: ] || fail "--type image"
expect_rc 1 nook inspect --type container bb:1 > /dev/null 2>&1
ok "inspect: State fields, -f with nested fields and json, several names, No such object (exit 1), --type"

# Ambiguous id prefixes.
P=""
for x in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
    n=$(nook ps -aq --no-trunc | grep -c "^$x")
    [ "$n" -ge 2 ] && P=$x && break
done
if [ -n "$P" ]; then
    expect_rc 125 nook inspect --type container -f . "$P" 2> "$T/err" || true
fi
[ "$(nook inspect -f '{{.Name}}' "${A:0:6}")" = /alpha ] || fail "unique prefix"
ok "id prefixes resolve (unique) "

# --- logs ----------------------------------------------------------------------
L=$(nook run -d --name logger bb:1 sh -c 'echo one; sleep 2; echo two; echo err >&2; sleep 1000')
wait_or_fail "second log line" logs_have logger err
[ "$(nook logs logger 2>/dev/null | tr '\n' ,)" = "one,two," ] || fail "logs stdout"
[ "$(nook logs logger 2>&1 >/dev/null)" = "err" ] || fail "logs stderr stream"
[ "$(nook logs --tail 1 logger 2>&1)" = "err" ] || fail "--tail 1"
[ "$(nook logs --tail 0 logger 2>&1)" = "" ] || fail "--tail 0"
nook logs -t logger 2>/dev/null | sed -n 1p | grep -Eq '^20[0-9-]+T[0-9:.]+Z one$' || fail "-t"
T1=$(nook logs -t logger 2>/dev/null | awk '/ two$/ {print $1}')
[ "$(nook logs --since "$T1" logger 2>/dev/null | tr '\n' ,)" = "two," ] || fail "--since RFC3339"
[ "$(nook logs --until "$T1" logger 2>/dev/null | tr '\n' ,)" = "one,two," ] || fail "--until RFC3339"
[ "$(nook logs --since 1m logger 2>/dev/null | wc -l)" = 2 ] || fail "--since 1m"
[ "$(nook logs --until 1h logger 2>&1 | wc -l)" = 0 ] || fail "--until 1h (relative)"
[ "$(nook logs --since $(( $(date +%s) + 100 )) logger 2>&1 | wc -l)" = 0 ] || fail "--since unix"
expect_rc 125 nook logs --since yesterday logger 2> "$T/err"
grep -q "yesterday" "$T/err" || fail "bad --since message"
# Rotated files (written by the monitor as <id>-json.log.N, higher = older).
LID=$(nook inspect -f '{{.Id}}' logger)
LOG=$(nook inspect -f '{{.LogPath}}' logger)
echo '{"log":"rotated\n","stream":"stdout","time":"2020-01-01T00:00:00.000000001Z"}' > "$LOG.1"
[ "$(nook logs logger 2>/dev/null | sed -n 1p)" = rotated ] || fail "rotated file read first"
[ "$(nook logs --since 2021-01-01T00:00:00Z logger 2>/dev/null | sed -n 1p)" = one ] || fail "since skips rotated"
rm -f "$LOG.1"
F=$(nook run -d bb:1 sh -c 'sleep 1; echo late; exit 0')
timeout 20 "$NOOK" --root "$T/root" --runroot "$T/run" logs -f "$F" > "$T/follow" || fail "logs -f did not end"
[ "$(cat "$T/follow")" = late ] || fail "logs -f output: $(cat "$T/follow")"
ok "logs: streams, --tail, -t, --since/--until (RFC3339, unix, relative), rotated files, -f ends with the container"

# --- pause / unpause -------------------------------------------------------------
# The counter is renamed into place: a freeze between truncate and write
# would otherwise leave /n empty for the whole pause.
P=$(nook run -d --name ticker bb:1 sh -c 'i=0; while true; do i=$((i+1)); echo $i > /n.tmp; mv /n.tmp /n; sleep 0.05; done')
sleep 0.5
nook pause ticker > /dev/null || fail "pause"
FREEZER=/sys/fs/cgroup/freezer/nook/$P/freezer.state
[ -e "$FREEZER" ] && [ "$(cat "$FREEZER")" = FROZEN ] || fail "freezer state: $(cat "$FREEZER" 2>&1)"
[ "$(nook inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' ticker)" = "paused true true" ] \
    || fail "inspect paused: $(nook inspect -f '{{.State.Status}} {{.State.Paused}}' ticker)"
nook ps --format '{{.Status}}' --filter name=ticker | grep -Eq '^Up .* \(Paused\)$' || fail "ps (Paused)"
[ "$(nook ps --filter status=paused --format '{{.Names}}')" = ticker ] || fail "status=paused filter"
ROOTFS="/proc/$(nook inspect -f '{{.State.Pid}}' ticker)/root"
N1=$(cat "$ROOTFS/n"); sleep 0.6; N2=$(cat "$ROOTFS/n")
[ "$N1" = "$N2" ] || fail "paused container made progress: $N1 -> $N2"
expect_rc 1 nook pause ticker 2> "$T/err"
grep -q "already paused" "$T/err" || fail "double pause message"
nook unpause ticker > /dev/null || fail "unpause"
sleep 0.6; N3=$(cat "$ROOTFS/n")
[ "$N3" -gt "$N2" ] || fail "unpaused container did not resume: $N2 -> $N3"
[ "$(cat "$FREEZER")" = THAWED ] || fail "freezer after unpause"
expect_rc 1 nook unpause ticker 2> /dev/null
expect_rc 1 nook pause beta 2> /dev/null
nook pause ticker > /dev/null
nook rm -f ticker > /dev/null || fail "rm -f of a paused container"
no_leftovers "$P"
ok "pause freezes (FROZEN, no progress, paused in ps/inspect), unpause resumes, rm -f of a paused one"

# --- top / stats ------------------------------------------------------------------
OUT=$(nook top alpha)
echo "$OUT" | sed -n 1p | grep -Eq '^UID +PID +PPID +C +STIME +TTY +TIME +CMD' || fail "top header: $OUT"
echo "$OUT" | grep >/dev/null "sleep 1000" || fail "top rows: $OUT"
[ "$(echo "$OUT" | wc -l)" = 2 ] || fail "top shows other processes: $OUT"
nook top alpha -eo pid,comm | grep -Eq "^ *$PID sleep$" || fail "top with ps options"
expect_rc 125 nook top beta 2> /dev/null
M=$(nook run -d --name hog bb:1 sh -c 'dd if=/dev/zero bs=1M count=64 | cat > /dev/shm/x; sleep 1000')
shm_full() { [ "$(nook exec hog stat -c %s /dev/shm/x 2>/dev/null || echo 0)" = 67108864 ]; }
wait_or_fail "64 MiB written" shm_full
OUT=$(nook stats --no-stream hog)
echo "$OUT" | sed -n 1p | grep >/dev/null "CONTAINER ID   NAME .*CPU %.*MEM USAGE / LIMIT.*MEM %.*NET I/O.*BLOCK I/O.*PIDS" || fail "stats header: $OUT"
MEM=$(nook stats --no-stream --format '{{.MemUsage}}' hog)
echo "$MEM" | grep -Eq '^[0-9.]+MiB / ' || fail "stats mem: $MEM"
V=${MEM%%MiB*}
[ "${V%.*}" -ge 60 ] || fail "hog uses $MEM, want >= 60MiB"
NP=$(( $(nook top hog | wc -l) - 1 ))
[ "$(nook stats --no-stream --format '{{.NetIO}} {{.PIDs}}' hog)" = "0B / 0B $NP" ] || fail "net/pids: $(nook stats --no-stream --format '{{.NetIO}} {{.PIDs}}' hog), want $NP pids"
nook stats --no-stream --format json | python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin]
assert {"alpha","hog","logger"} <= {r["Name"] for r in rows}, rows' || fail "stats json"
nook rm -f hog > /dev/null
ok "top lists the container's processes (ps options too); stats --no-stream shows memory use"

# --- cp ---------------------------------------------------------------------------
mkdir -p "$T/h/dir/sub"; echo hello > "$T/h/file"; echo deep > "$T/h/dir/sub/f"
nook exec alpha mkdir -p /tmp /srv
nook cp "$T/h/file" alpha:/tmp/ || fail "cp file into dir"
[ "$(nook exec alpha cat /tmp/file)" = hello ] || fail "copied file content"
nook cp "$T/h/file" alpha:/tmp/renamed || fail "cp file to new name"
[ "$(nook exec alpha cat /tmp/renamed)" = hello ] || fail "renamed file"
nook cp "$T/h/dir" alpha:/tmp/d2 || fail "cp dir"
[ "$(nook exec alpha cat /tmp/d2/sub/f)" = deep ] || fail "dir to new name"
[ "$(nook exec alpha stat -c %u /tmp/d2/sub/f)" = 0 ] || fail "owner root without -a"
chown 1234:2345 "$T/h/file"
nook cp -a "$T/h/file" alpha:/tmp/owned || fail "cp -a"
[ "$(nook exec alpha stat -c %u:%g /tmp/owned)" = 1234:2345 ] || fail "-a keeps owner"
nook exec alpha sh -c 'mkdir -p /tmp/out && echo inside > /tmp/out/x && ln -s /etc /tmp/out/etclink && ln -s ../../../../../../ /tmp/esc'
nook cp alpha:/tmp/out "$T/got" || fail "cp dir out"
[ "$(cat "$T/got/x")" = inside ] && [ -L "$T/got/etclink" ] || fail "dir out content"
nook cp alpha:/tmp/out/x - | tar -tf - | grep >/dev/null -x x || fail "cp to - (tar stream)"
tar -C "$T/h" -cf - file | nook cp - alpha:/srv/ || fail "cp - into container"
[ "$(nook exec alpha cat /srv/file)" = hello ] || fail "tar stream extracted"
# Symlink escapes stay inside the container.
nook cp "$T/h/file" alpha:/tmp/esc/escaped || fail "cp through escaping symlink"
[ ! -e /escaped ] || { rm -f /escaped; fail "cp escaped the container root"; }
[ "$(nook exec alpha cat /escaped)" = hello ] || fail "escaped file not at the container's root"
nook cp -L alpha:/tmp/out/etclink "$T/etc-copy" || fail "cp -L"
[ -f "$T/etc-copy/passwd" ] && grep -q alice "$T/etc-copy/passwd" || fail "-L followed the link inside the container"
expect_rc 125 nook cp alpha:/nonexistent "$T/x" 2> /dev/null
# Stopped container.
nook cp "$T/h/file" gamma:/file-in-stopped || fail "cp into a stopped container"
nook cp gamma:/file-in-stopped "$T/back" || fail "cp out of a stopped container"
[ "$(cat "$T/back")" = hello ] || fail "stopped roundtrip"
G=$(nook inspect -f '{{.Id}}' gamma)
! grep -q "$G" /proc/mounts || fail "stopped container's rootfs left mounted by cp"
ok "cp both ways (files, dirs, renames, -a, tar streams, -L), symlink escapes stay inside, stopped containers"

# --- port / rename / container group ------------------------------------------------
[ -z "$(nook port alpha)" ] || fail "port prints nothing"
expect_rc 125 nook port nosuch 2> /dev/null
nook rename gamma delta || fail "rename"
[ "$(nook inspect -f '{{.Name}}' delta)" = /delta ] || fail "renamed"
expect_rc 125 nook rename delta alpha 2> "$T/err"
grep -q 'already in use' "$T/err" || fail "rename conflict message"
expect_rc 125 nook rename delta 'bad name!' 2> /dev/null
expect_rc 125 nook rename nosuch x1 2> /dev/null
[ "$(nook container ls -q)" = "$(nook ps -q)" ] || fail "container ls"
[ "$(nook container inspect -f '{{.Name}}' alpha)" = /alpha ] || fail "container inspect"
expect_rc 1 nook container inspect bb:1 > /dev/null 2>&1
nook container top alpha | grep >/dev/null "sleep 1000" || fail "container top"
VC=$(nook run -d -v /data --name withvol bb:1 sleep 1000) || fail "run -v /data"
VOL=$(nook inspect -f '{{range .Mounts}}{{.Name}}{{end}}' withvol 2>/dev/null)
[ -n "$VOL" ] || VOL=$(nook inspect -f '{{json .Mounts}}' withvol | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Name"])')
nook volume ls -q | grep >/dev/null -x "$VOL" || fail "anonymous volume $VOL not listed"
nook rm -f -v withvol > /dev/null || fail "rm -f -v"
! nook volume ls -q | grep >/dev/null -x "$VOL" || fail "rm -v left the anonymous volume"
ok "port, rename (+ conflict, bad name), container ls/inspect/top, rm -v removes anonymous volumes"

# --- prune / system ------------------------------------------------------------------
nook run -d --label keep=1 --name keep bb:1 true > /dev/null
wait_or_fail "keep exited" state_is keep exited
OUT=$(nook container prune -f --filter label!=keep)
echo "$OUT" | grep >/dev/null "^Deleted Containers:$" || fail "prune output: $OUT"
echo "$OUT" | grep >/dev/null "^Total reclaimed space: " || fail "prune total: $OUT"
echo "$OUT" | grep >/dev/null "$B" || fail "beta not pruned"
nook inspect keep > /dev/null 2>&1 || fail "label!= filter did not protect keep"
nook inspect alpha > /dev/null 2>&1 || fail "prune removed a running container"
OUT=$(nook container prune -f --filter until=1h)
echo "$OUT" | grep >/dev/null keep && fail "until=1h removed a new container"
nook container prune -f > /dev/null
! nook inspect keep > /dev/null 2>&1 || fail "keep not pruned"
INFO=$(nook system info)
for k in "Containers: " "Running: " "Paused: " "Stopped: " "Images: 1" "Storage Driver: overlay" \
         "Cgroup Driver: cgroupfs" "Cgroup Version: 1" "Kernel Version: $(uname -r)" "CPUs: $(nproc)" \
         "Docker Root Dir: $T/root"; do
    echo "$INFO" | grep >/dev/null "$k" || fail "info lacks '$k'"
done
RUNNING=$(nook ps -q | wc -l)
[ "$(nook system info --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ContainersRunning"])')" = "$RUNNING" ] \
    || fail "info json running count"
[ "$(nook info --format '{{.Images}}')" = 1 ] || fail "info template"
DF=$(nook system df)
echo "$DF" | sed -n 1p | grep -Eq '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE' || fail "df header: $DF"
echo "$DF" | grep -Eq '^Images +1 +1 ' || fail "df images row: $DF"
echo "$DF" | grep -Eq "^Containers +$(count_rows) " || fail "df containers row: $DF"
nook system df -v | grep >/dev/null "Containers space usage" || fail "df -v"
nook rm -f "$L" "$A" > /dev/null
OUT=$(nook system prune -f -a)
echo "$OUT" | grep >/dev/null "Total reclaimed space" || fail "system prune output"
[ "$(count_rows)" = 0 ] || fail "system prune left containers"
[ -z "$(nook images -q)" ] || fail "system prune -a left images"
nook import "$T/rootfs.tar.gz" bb:1 -c 'CMD ["/bin/sh"]' > /dev/null || fail "re-import"
ok "container prune (filters), system info (text/json/template), df (-v), system prune -a"

V=$(nook version)
echo "$V" | grep >/dev/null "API Version:.*1.43" && echo "$V" | grep >/dev/null "OS/Arch:.*linux/" || fail "version: $V"
[ "$(nook version --format '{{.Client.ApiVersion}}')" = 1.43 ] || fail "version template"
nook version --format json | python3 -c 'import json,sys; assert json.load(sys.stdin)["Client"]["Version"]' || fail "version json"
ok "version (text, json, template)"

# --- 50 parallel runs, then parallel rm -f -----------------------------------------
for i in $(seq 50); do nook run -d --name par$i bb:1 sleep 1000 > /dev/null 2> "$T/par$i.err" & done
wait
[ "$(count_rows)" = 50 ] || fail "50 parallel runs: $(count_rows) rows; $(cat "$T"/par*.err | head -3)"
[ "$(nook ps --format '{{.Names}} {{.State}}' | grep -c '^par[0-9]* running$')" = 50 ] || fail "not all running"
[ "$(nook ps -a --format '{{.Names}}' | sort -u | wc -l)" = 50 ] || fail "duplicate rows"
for i in $(seq 50); do nook rm -f par$i > /dev/null 2> "$T/rm$i.err" & done
wait
[ "$(count_rows)" = 0 ] || fail "parallel rm -f left $(count_rows)"
! grep -q "$T/run/containers" /proc/mounts || fail "mounts left after parallel rm"
ok "50 parallel run -d: 50 consistent rows; parallel rm -f leaves nothing"

# --- simulated reboot ----------------------------------------------------------------
R=$(nook run -d --name victim bb:1 sleep 1000)
MON=$(pgrep -f "^nook-monitor ${R:0:12}") || fail "no monitor"
CPID=$(nook inspect -f '{{.State.Pid}}' victim)
kill -9 "$MON" "$CPID"
sleep 0.2
# The runroot is a tmpfs in real life: gone after a reboot (its mounts too).
umount -l "$T/run/containers/$R/rootfs" 2>/dev/null
rm -rf "$T/run"
[ "$(nook ps -a --format '{{.Status}}' --filter name=victim | cut -c1-12)" = "Exited (255)" ] \
    || fail "after reboot: $(nook ps -a --filter name=victim)"
[ -n "$(nook inspect -f '{{.State.Error}}' victim)" ] || fail "no error text"
! grep -q "$R" /proc/mounts || fail "stale mount"
for c in /sys/fs/cgroup/pids /sys/fs/cgroup/memory; do [ ! -e "$c/nook/$R" ] || fail "stale cgroup $c"; done
nook start victim > /dev/null || fail "restart after reboot"
[ "$(nook inspect -f '{{.State.Status}}' victim)" = running ] || fail "not running after start"
# A monitor killed while the overlay stays mounted: reconcile unmounts it.
MON=$(pgrep -f "^nook-monitor ${R:0:12}")
kill -9 "$MON"
sleep 0.3
[ "$(nook inspect -f '{{.State.Status}} {{.State.ExitCode}}' victim)" = "exited 255" ] || fail "killed monitor"
! grep -q "$R" /proc/mounts || fail "stale mount after monitor kill"
nook rm victim > /dev/null || fail "rm after recovery"
no_leftovers "$R"
ok "reboot recovery: dead monitor + wiped runroot -> Exited (255) with an error, no stale mount or cgroup"

# --- locks: concurrent start / rm -f ----------------------------------------------
for round in 1 2 3 4 5; do
    X=$(nook create --name race$round bb:1 sleep 1000)
    nook start race$round > /dev/null 2>&1 &
    nook rm -f race$round > /dev/null 2>&1 &
    nook start race$round > /dev/null 2>&1 &
    wait
    nook rm -f race$round > /dev/null 2>&1
    [ "$(count_rows)" = 0 ] || fail "round $round: rows left"
    no_leftovers "$X"
    pgrep -f "nook-monitor ${X:0:12}" > /dev/null && fail "round $round: monitor left"
done
# Two renames to one name: exactly one wins.
nook create --name one bb:1 true > /dev/null; nook create --name two bb:1 true > /dev/null
nook rename one same 2> /dev/null & nook rename two same 2> /dev/null & wait
[ "$(nook ps -a --format '{{.Names}}' | grep -c '^same$')" = 1 ] || fail "rename race"
ok "concurrent start/rm -f never leave state behind; concurrent renames: one wins"

for id in $(nook ps -aq); do nook rm -f "$id" > /dev/null; done
[ -z "$(ls "$T/root/engine/locks" 2>/dev/null)" ] || fail "lock files left: $(ls "$T/root/engine/locks")"
echo "all $PASS engine-verbs checks passed"
