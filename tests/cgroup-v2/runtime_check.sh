#!/bin/sh
# Runtime-level cgroup v2 checks, run INSIDE the qemu guest (busybox sh, pure
# cgroup2 at /sys/fs/cgroup) against the static nook-runtime: the same
# properties tests/integration/cgroup_test.cpp checks on the hybrid host.
#
# Prints one `NOOK-RT-PASS name` or `NOOK-RT-FAIL name: why` per check and
# finally `NOOK-RT-STATUS=<number of failures>`, which run.sh parses.
# usage: runtime_check.sh [NOOK_RUNTIME]   (default: nook-runtime in PATH)

RUNTIME=${1:-nook-runtime}
ROOT=/tmp/nook-rt-state
B=/tmp/nook-rt-bundle
CG=/sys/fs/cgroup
fails=0
n=0

pass() { echo "NOOK-RT-PASS $1"; }
fail() { echo "NOOK-RT-FAIL $1: $2"; fails=$((fails + 1)); }
# expect NAME WANT GOT
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi; }
rt() { "$RUNTIME" --root "$ROOT" "$@"; }
# waitfor TENTHS CMD...: polls CMD every 0.1 s (guest time is slow: generous).
waitfor() {
    t=$1; shift
    while [ "$t" -gt 0 ]; do "$@" && return 0; sleep 0.1; t=$((t - 1)); done
    return 1
}
newid() { n=$((n + 1)); id=v2c$n; }
pid_of() { rt state "$1" | tr -d ' \n' | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'; }
status_of() { rt state "$1" 2>/dev/null | tr -d ' \n' | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'; }
cgdir_of() { echo "$CG$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }
# A number out of the one-line JSON of `events --stats`: jnum JSON SECTION KEY
# gives the first "KEY":N after "SECTION".
jnum() { echo "$1" | tr -d ' \n' | sed -n "s/.*\"$2\":{[^}]*\"$3\":\([0-9]*\).*/\1/p"; }

# config RESOURCES_JSON ARGS_JSON: writes $B/config.json.
config() {
    cat > "$B/config.json" <<EOF
{"ociVersion":"1.0.2",
 "process":{"terminal":false,"user":{"uid":0,"gid":0},"args":$2,"env":["PATH=/bin"],"cwd":"/",
  "capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]},
  "noNewPrivileges":true},
 "root":{"path":"rootfs"},
 "hostname":"nook-v2",
 "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
  {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=755"]}],
 "linux":{"resources":$1,
  "namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"}]}}
EOF
}
DENY='"devices":[{"allow":false,"access":"rwm"}]'
# Doubles a string up to 64 MiB (exit 3 if never killed: the guest has 512 MiB).
HOG='x=0123456789abcdef; i=0; while [ $i -lt 22 ]; do x=$x$x; i=$((i+1)); done; exit 3'

# start RESOURCES ARGS: create + start a container with id $id; returns non-zero on failure.
start() {
    newid
    config "$1" "$2"
    rt create -b "$B" "$id" </dev/null >"$B/out" 2>"$B/err" || { cat "$B/err"; return 1; }
    rt start "$id" || return 1
    pid=$(pid_of "$id")
    dir=$(cgdir_of "$pid")
}
# gone NAME DIR: delete -f the container and check its cgroup went with it.
gone() {
    rt delete -f "$id" >/dev/null 2>&1
    if [ -d "$2" ]; then fail "$1" "$2 left after delete"; else pass "$1"; fi
}

rm -rf "$B" "$ROOT"
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp" "$ROOT"
cp /bin/busybox "$B/rootfs/bin/busybox"
for a in sh sleep echo mv cat head true; do ln -s busybox "$B/rootfs/bin/$a"; done

# --- memory: the limit OOM-kills init (exit 137) ---
newid
config "{\"memory\":{\"limit\":16777216},$DENY}" "[\"sh\",\"-c\",\"$HOG\"]"
timeout 120 "$RUNTIME" --root "$ROOT" run -b "$B" "$id" </dev/null >/dev/null 2>&1
expect memory-oom-exit-137 137 $?
[ -d "$CG/nook/$id" ] && fail memory-oom-run-cleanup "$CG/nook/$id left" || pass memory-oom-run-cleanup

# --- memory: an OOM-killed child is counted in memory.events and stats ---
if start "{\"memory\":{\"limit\":16777216},$DENY}" \
    "[\"sh\",\"-c\",\"sh -c '$HOG'; echo \$? > /hog; exec sleep 600\"]"; then
    waitfor 600 test -s "$B/rootfs/hog"
    expect memory-oom-child-137 137 "$(cat "$B/rootfs/hog" 2>/dev/null)"
    expect memory-max 16777216 "$(cat "$dir/memory.max")"
    oomk=$(sed -n 's/^oom_kill //p' "$dir/memory.events")
    [ "${oomk:-0}" -ge 1 ] && pass memory-events-oom-kill || fail memory-events-oom-kill "oom_kill=$oomk"
    s=$(rt events --stats "$id")
    expect stats-memory-limit 16777216 "$(jnum "$s" usage limit)"
    gone memory-delete "$dir"
else fail memory-oom-child-start "create/start failed"; fi

# --- pids: a fork bomb stops at the limit (sh + 7 sleeps = 8) ---
newid
config "{\"pids\":{\"limit\":8},$DENY}" \
    '["sh","-c","i=0; while [ $i -lt 40 ]; do sleep 60 & echo started=$!; i=$((i+1)); done"]'
timeout 120 "$RUNTIME" --root "$ROOT" run -b "$B" "$id" </dev/null >"$B/pids.out" 2>/dev/null
expect pids-forks-allowed 7 "$(grep -c '^started=' "$B/pids.out")"

# --- cpu: a 20% quota caps a busy loop (from cpu.stat, not wall time) ---
if start "{\"cpu\":{\"quota\":20000,\"period\":100000},$DENY}" '["sh","-c","while :; do :; done"]'; then
    expect cpu-max "20000 100000" "$(cat "$dir/cpu.max")"
    sleep 0.5
    u0=$(sed -n 's/^usage_usec //p' "$dir/cpu.stat"); t0=$(sed -n 's/^\([0-9]*\)\.\([0-9]\{2\}\).*/\1\2/p' /proc/uptime)
    sleep 3
    u1=$(sed -n 's/^usage_usec //p' "$dir/cpu.stat"); t1=$(sed -n 's/^\([0-9]*\)\.\([0-9]\{2\}\).*/\1\2/p' /proc/uptime)
    # usage in usec, uptime in 1/100 s: percent = du / (dt * 10000) * 100
    pct=$(( (u1 - u0) / ((t1 - t0) * 100) ))
    [ "$pct" -lt 50 ] && [ "$pct" -gt 2 ] && pass "cpu-quota-caps ($pct%)" || fail cpu-quota-caps "loop used $pct% of a CPU"
    gone cpu-delete "$dir"
else fail cpu-start "create/start failed"; fi

# --- freezer: pause stops a counter, resume restarts it ---
if start "{$DENY}" \
    '["sh","-c","i=0; while :; do i=$((i+1)); echo $i > /cnt.new; mv /cnt.new /cnt; sleep 0.1; done"]'; then
    waitfor 300 test -s "$B/rootfs/cnt"
    rt pause "$id"
    expect pause-state paused "$(status_of "$id")"
    expect pause-cgroup-freeze 1 "$(cat "$dir/cgroup.freeze")"
    waitfor 50 grep -q '^frozen 1' "$dir/cgroup.events"
    c0=$(cat "$B/rootfs/cnt"); sleep 1.5; c1=$(cat "$B/rootfs/cnt")
    expect pause-counter-stops "$c0" "$c1"
    rt resume "$id"
    expect resume-state running "$(status_of "$id")"
    advanced() { [ "$(cat "$B/rootfs/cnt")" -gt "$((c1 + 1))" ]; }
    waitfor 300 advanced && pass resume-counter-advances || fail resume-counter-advances "stuck at $c1"
    gone freezer-delete "$dir"
else fail freezer-start "create/start failed"; fi

# --- update: memory and pids limits of a running container change ---
if start "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":20},$DENY}" '["sleep","600"]'; then
    expect update-before-memory 67108864 "$(cat "$dir/memory.max")"
    rt update --memory 100663296 --pids-limit 42 "$id"
    expect update-memory 100663296 "$(cat "$dir/memory.max")"
    expect update-pids 42 "$(cat "$dir/pids.max")"
    echo '{"cpu":{"quota":30000,"period":100000}}' > "$B/res.json"
    rt update -r "$B/res.json" "$id"
    expect update-r-cpu "30000 100000" "$(cat "$dir/cpu.max")"
    # --- events --stats: one JSON object with sane numbers ---
    s=$(rt events --stats "$id")
    echo "$s" | tr -d ' \n' | grep -q '"type":"stats"' && pass stats-type || fail stats-type "$s"
    expect stats-pids-current 1 "$(jnum "$s" pids current)"
    expect stats-pids-limit 42 "$(jnum "$s" pids limit)"
    mu=$(jnum "$s" usage usage)
    [ "${mu:-0}" -gt 0 ] && pass stats-memory-usage || fail stats-memory-usage "usage=$mu in $s"
    # --- kill -9 of init, then a plain delete removes the cgroup ---
    kill -9 "$pid"
    stopped() { [ "$(status_of "$id")" = stopped ]; }
    waitfor 100 stopped
    rt delete "$id"
    [ -d "$dir" ] && fail kill9-delete "$dir left" || pass kill9-delete
else fail update-start "create/start failed"; fi

# --- devices: an sda-like node not in the allow list gives EPERM (eBPF program) ---
mknod "$B/rootfs/sdx" b 8 0
# In the container: "OPENED" or "ERR: <head's error>", so a runtime failure cannot pass.
TRY_SDX='if head -c 1 /sdx >/dev/null 2>/tmp/e; then echo OPENED; else echo \"ERR: $(cat /tmp/e)\"; fi'
newid
config "{$DENY}" "[\"sh\",\"-c\",\"$TRY_SDX; cat /dev/null && echo null-ok\"]"
out=$(timeout 60 "$RUNTIME" --root "$ROOT" run -b "$B" "$id" </dev/null 2>&1)
echo "$out" | grep -q "^ERR: .*Operation not permitted" && pass device-denied-eperm || fail device-denied-eperm "$out"
echo "$out" | grep -q "^null-ok" && pass device-null-allowed || fail device-null-allowed "$out"
newid
config "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"r\"}]}" \
    "[\"sh\",\"-c\",\"$TRY_SDX\"]"
out=$(timeout 60 "$RUNTIME" --root "$ROOT" run -b "$B" "$id" </dev/null 2>&1)
# No disk 8:0 in the guest: past the cgroup, open fails with ENXIO.
echo "$out" | grep -q "^OPENED\|^ERR: .*No such device" && pass device-allowed || fail device-allowed "$out"
rm -f "$B/rootfs/sdx"

# --- a value the kernel rejects: clear error naming file and value, nothing left ---
newid
config "{\"cpu\":{\"quota\":500,\"period\":100000},$DENY}" '["sleep","600"]'
err=$(rt create -b "$B" "$id" </dev/null 2>&1 >/dev/null)
rc=$?
[ $rc -ne 0 ] && pass bad-value-fails || fail bad-value-fails "create succeeded"
case "$err" in *cpu.max*500*|*500*cpu.max*) pass bad-value-names-file-and-value ;;
    *) fail bad-value-names-file-and-value "$err" ;; esac
[ -d "$CG/nook/$id" ] && fail bad-value-no-cgroup "$CG/nook/$id left" || pass bad-value-no-cgroup
[ -z "$(rt state "$id" 2>/dev/null)" ] && pass bad-value-no-state || fail bad-value-no-state "state left"

left=$(find "$CG/nook" -mindepth 1 -type d 2>/dev/null)
[ -z "$left" ] && pass no-cgroups-left || fail no-cgroups-left "$left"
echo "NOOK-RT-STATUS=$fails"
