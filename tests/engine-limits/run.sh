#!/bin/bash
# End-to-end tests of nook's resource, security and network-mode flags:
# each flag checked where it shows (host cgroup files, /proc inside the
# container, `nook inspect`), and every bad value refused with exit 125, a
# one-line error naming the flag and value, and no container left.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
. "$(dirname "$0")/../engine/lib.sh"

# inspect_field ID PYTHON-EXPR: a value from `nook inspect ID` (j is its object).
inspect_field() {
    nook inspect "$1" | python3 -c "import json,sys; j=json.load(sys.stdin); j=j[0] if isinstance(j,list) else j; print($2)"
}
# cg CTRL ID FILE: a cgroup v1 file of the container.
cg() { cat "/sys/fs/cgroup/$1/nook/$2/$3"; }
# refused FLAG-TEXT VALUE ARGS...: run with ARGS must exit 125 with one line
# naming the flag and the value, leaving no container.
refused() {
    local flag=$1 value=$2; shift 2
    local err
    err=$(nook run --rm "$@" bb:1 true 2>&1 >/dev/null); local rc=$?
    [ "$rc" = 125 ] || fail "'$*' exited $rc, want 125 ($err)"
    [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'$*': error is not one line: $err"
    [[ $err == *"$flag"* && $err == *"$value"* ]] || fail "'$*': error does not name $flag and $value: $err"
    [ -z "$(nook ps -aq)" ] || fail "'$*' left a container"
}

# --- bad values --------------------------------------------------------------
refused --memory 12zz -m 12zz
refused --memory 1k --memory 1k
refused --memory-swap 10m --memory-swap 10m
refused --memory-swap 20m -m 32m --memory-swap 20m
refused --memory-swappiness 101 --memory-swappiness 101
refused --memory-reservation 64m -m 32m --memory-reservation 64m
refused --cpus abc --cpus abc
refused --cpus 99 --cpus 99
refused --cpu-period 10 --cpu-period 10
refused --cpu-quota 5 --cpu-quota 5
refused --cpuset-cpus 7 --cpuset-cpus 7
refused --cpuset-cpus 1-x --cpuset-cpus 1-x
refused --pids-limit lots --pids-limit lots
refused --ulimit foo=1 --ulimit foo=1
refused --ulimit nofile=2:1 --ulimit nofile=2:1
refused --oom-score-adj 1001 --oom-score-adj 1001
refused --shm-size 0 --shm-size 0
refused --sysctl kernel.domainname=x --sysctl kernel.domainname=x
refused --sysctl net.ipv4.ip_forward=1 --network host --sysctl net.ipv4.ip_forward=1
refused --cap-add FOO --cap-add FOO
refused --cap-drop CAP_NOPE --cap-drop CAP_NOPE
refused --security-opt apparmor=docker-default --security-opt apparmor=docker-default
refused --security-opt label=type:x --security-opt label=type:x
refused --security-opt seccomp=/no/such.json --security-opt seccomp=/no/such.json
refused --security-opt bogus --security-opt bogus
refused --userns keep-id --userns keep-id
refused --userns auto:size=0 --userns auto:size=0
refused privileged "--userns host" --userns auto --privileged
refused NetworkMode "--userns auto" --userns auto --network host
refused bridge bridge --network bridge
refused mynet mynet --network mynet
refused --add-host a:b --add-host a:b
refused --dns x.y --dns x.y
refused --pull sometimes --pull sometimes
refused --uts host --uts host --hostname hh
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"]}]}' > "$T/noaction.json"
refused --security-opt seccomp=$T/noaction.json --security-opt "seccomp=$T/noaction.json"
ok "bad values: exit 125, one line naming flag and value, nothing created"

ERR=$(nook run --rm --pull never bb:2 true 2>&1); RC=$?
[ "$RC" = 125 ] && [[ $ERR == *"no such image"*"bb:2"* ]] || fail "--pull never, missing image: rc $RC: $ERR"
[ "$(nook run --rm --pull never bb:1 echo ok)" = ok ] || fail "--pull never with a stored image"
[ "$(nook run --rm --pull missing bb:1 echo ok)" = ok ] || fail "--pull missing with a stored image"
ok "--pull never: a missing image exits 125 (no such image); stored images run"

# --- memory, cpu, pids in the host's cgroups ----------------------------------
ID=$(nook run -d -m 64m --memory-swap 128m --memory-reservation 32m --memory-swappiness 10 \
     --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 --pids-limit 50 bb:1 sleep 30) || fail "run -d limits"
[ "$(cg memory "$ID" memory.limit_in_bytes)" = 67108864 ] || fail "memory.limit_in_bytes $(cg memory "$ID" memory.limit_in_bytes)"
[ "$(cg memory "$ID" memory.memsw.limit_in_bytes)" = 134217728 ] || fail "memsw $(cg memory "$ID" memory.memsw.limit_in_bytes)"
[ "$(cg memory "$ID" memory.soft_limit_in_bytes)" = 33554432 ] || fail "soft limit $(cg memory "$ID" memory.soft_limit_in_bytes)"
[ "$(cg memory "$ID" memory.swappiness)" = 10 ] || fail "swappiness $(cg memory "$ID" memory.swappiness)"
[ "$(cg cpu "$ID" cpu.cfs_quota_us)" = 50000 ] && [ "$(cg cpu "$ID" cpu.cfs_period_us)" = 100000 ] \
    || fail "cfs quota/period $(cg cpu "$ID" cpu.cfs_quota_us)/$(cg cpu "$ID" cpu.cfs_period_us)"
[ "$(cg cpu "$ID" cpu.shares)" = 512 ] || fail "cpu.shares $(cg cpu "$ID" cpu.shares)"
[ "$(cg cpuset "$ID" cpuset.cpus)" = 0 ] || fail "cpuset.cpus $(cg cpuset "$ID" cpuset.cpus)"
[ "$(cg pids "$ID" pids.max)" = 50 ] || fail "pids.max $(cg pids "$ID" pids.max)"
[ "$(inspect_field "$ID" "j['HostConfig']['Memory'], j['HostConfig']['MemorySwap'], j['HostConfig']['NanoCpus'], j['HostConfig']['PidsLimit']")" \
  = "67108864 134217728 500000000 50" ] || fail "inspect HostConfig: $(inspect_field "$ID" "j['HostConfig']")"
nook rm -f "$ID" > /dev/null
no_leftovers "$ID"
ok "--memory, --memory-swap, --memory-reservation, --memory-swappiness, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit in the cgroups and inspect"

ID=$(nook run -d -m 1.5g --cpu-period 50000 --cpu-quota 25000 bb:1 sleep 30) || fail "run -d cpu period"
[ "$(cg cpu "$ID" cpu.cfs_quota_us)" = 25000 ] && [ "$(cg cpu "$ID" cpu.cfs_period_us)" = 50000 ] || fail "cpu-period/quota"
[ "$(cg memory "$ID" memory.limit_in_bytes)" = 1610612736 ] || fail "-m 1.5g: $(cg memory "$ID" memory.limit_in_bytes)"
[ "$(cg memory "$ID" memory.memsw.limit_in_bytes)" = 3221225472 ] || fail "default swap is not 2x memory"
nook rm -f "$ID" > /dev/null
ok "--cpu-period/--cpu-quota; -m 1.5g; swap defaults to as much again as memory"

# The loop runs in a subshell: ash exits when a fork fails. pid 1 then
# becomes a sleep by exec, so the count stays at the limit.
ID=$(nook run -d --pids-limit 10 bb:1 sh -c '(for i in $(seq 30); do sleep 30 & done) 2>/dev/null; exec sleep 30')
for _ in $(seq 50); do [ "$(awk '/^max/ {print $2}' "/sys/fs/cgroup/pids/nook/$ID/pids.events")" -gt 0 ] && break; sleep 0.1; done
sleep 0.3
OUT=$(wc -l < "/sys/fs/cgroup/pids/nook/$ID/cgroup.procs")
[ "$(cg pids "$ID" pids.current)" -le 10 ] && [ "$OUT" -le 10 ] && [ "$OUT" -ge 5 ] || fail "--pids-limit 10: $OUT processes, pids.current $(cg pids "$ID" pids.current)"
[ "$(awk '/^max/ {print $2}' "/sys/fs/cgroup/pids/nook/$ID/pids.events")" -gt 0 ] || fail "no fork refused"
nook rm -f "$ID" > /dev/null
no_leftovers "$ID"
ok "--pids-limit 10 stops a fork loop of 30 ($OUT processes, pids.events max > 0)"

expect_rc 137 nook run --name oom -m 16m --memory-swap 16m bb:1 tail /dev/zero
OOM=$(nook inspect -f '{{.State.OOMKilled}}' oom 2>/dev/null)
[ "$OOM" = true ] && oomnote="OOMKilled true" || oomnote="OOMKilled '$OOM' (monitor not recording yet)"
nook rm oom > /dev/null
ok "a container over its memory limit is killed: exit 137; $oomnote"

# --- process limits ------------------------------------------------------------
OUT=$(nook run --rm --ulimit nofile=512:1024 --ulimit core=0 --oom-score-adj 500 bb:1 \
      sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(ulimit -c) $(cat /proc/self/oom_score_adj)')
[ "$OUT" = "512 1024 0 500" ] || fail "--ulimit/--oom-score-adj: $OUT"
ok "--ulimit nofile=512:1024, core=0 and --oom-score-adj 500 seen inside"

grep -q ' /dev/shm .*size=65536k' <(nook run --rm bb:1 cat /proc/mounts) || fail "default /dev/shm not 64m"
grep -q ' /dev/shm .*size=32768k' <(nook run --rm --shm-size 32m bb:1 cat /proc/mounts) || fail "--shm-size 32m"
ok "/dev/shm is 64m by default, --shm-size 32m makes it 32m"

OUT=$(nook run --rm --sysctl kernel.shmmax=123456789 --sysctl net.ipv4.ip_forward=1 bb:1 \
      cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward | tr '\n' ' ')
[ "$OUT" = "123456789 1 " ] || fail "--sysctl: $OUT"
[ "$(cat /proc/sys/kernel/shmmax)" != 123456789 ] || fail "--sysctl changed the host"
ok "--sysctl kernel.shmmax and net.* set in the container only"

OUT=$(nook run --rm -u alice --group-add staff --group-add 777 bb:1 id -G)
[ "$OUT" = "2345 50 777" ] || fail "--group-add: $OUT"
ok "--group-add by name and number"

# --- capabilities --------------------------------------------------------------
capeff() { nook run --rm "$@" bb:1 sh -c 'grep CapEff /proc/self/status' | awk '{print $2}'; }
[ "$(capeff --cap-add NET_ADMIN)" = 00000000a80435fb ] || fail "--cap-add NET_ADMIN: $(capeff --cap-add NET_ADMIN)"
[ "$(capeff --cap-add cap_net_admin --cap-drop CHOWN)" = 00000000a80435fa ] || fail "--cap-drop CHOWN"
[ "$(capeff --cap-drop ALL)" = 0000000000000000 ] || fail "--cap-drop ALL"
[ "$(capeff --cap-drop ALL --cap-add KILL)" = 0000000000000020 ] || fail "--cap-drop ALL --cap-add KILL"
HOSTBND=$(awk '/CapBnd/ {print $2}' /proc/self/status)
[ "$(capeff --cap-add ALL)" = "$HOSTBND" ] || fail "--cap-add ALL: $(capeff --cap-add ALL) vs $HOSTBND"
expect_rc 1 nook run --rm --cap-drop CHOWN bb:1 chown 1 /tmp 2> /dev/null
ok "--cap-add/--cap-drop (names with and without CAP_, ALL) in CapEff; a dropped cap is enforced"

OUT=$(nook run --rm --privileged bb:1 sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status | awk "{print \$2}" | tr "\n" " "; grep " /sys " /proc/mounts | cut -d" " -f4 | cut -d, -f1; ls /dev | wc -l; head -c1 /proc/timer_list | wc -c')
set -- $OUT
[ "$1" = "$HOSTBND" ] && [ "$2" = 0 ] && [ "$3" = rw ] || fail "--privileged: caps/seccomp/sys: $OUT"
[ "$4" -gt 20 ] && [ "$5" = 1 ] || fail "--privileged: host devices / unmasked /proc/timer_list: $OUT"
[ "$(nook run --rm bb:1 sh -c 'head -c1 /proc/timer_list | wc -c')" = 0 ] || fail "/proc/timer_list not masked by default"
ok "--privileged: all caps, no seccomp, /sys rw, host devices, nothing masked"

# --- seccomp and no-new-privileges ----------------------------------------------
[ "$(nook run --rm bb:1 awk '/^Seccomp:/ {print $2}' /proc/self/status)" = 2 ] || fail "no default seccomp filter"
ERR=$(nook run --rm bb:1 unshare -U true 2>&1); RC=$?
[ "$RC" != 0 ] && [[ $ERR == *"Operation not permitted"* ]] || fail "default profile allows unshare -U (rc $RC: $ERR)"
expect_rc 0 nook run --rm --security-opt seccomp=unconfined bb:1 unshare -U true
[ "$(nook run --rm --security-opt seccomp=unconfined bb:1 awk '/^Seccomp:/ {print $2}' /proc/self/status)" = 0 ] \
    || fail "seccomp=unconfined still filtered"
expect_rc 0 nook run --rm --cap-add SYS_ADMIN bb:1 unshare -U true
ok "default seccomp profile: unshare -U is EPERM; allowed with seccomp=unconfined or CAP_SYS_ADMIN"

# Ordinary programs still work under it (clone3 answers ENOSYS, so libc falls back to clone).
expect_rc 0 nook run --rm bb:1 sh -c 'sleep 0 & wait; echo x | grep >/dev/null x && ps > /dev/null && mkdir /d && rmdir /d'
ok "default profile: fork, exec, pipes, ps, mkdir work"

cat > "$T/nomkdir.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
ERR=$(nook run --rm --security-opt "seccomp=$T/nomkdir.json" bb:1 mkdir /x 2>&1); RC=$?
[ "$RC" != 0 ] && [[ $ERR == *"Operation not permitted"* ]] || fail "custom profile: mkdir rc $RC: $ERR"
expect_rc 0 nook run --rm --security-opt "seccomp=$T/nomkdir.json" bb:1 touch /x
ok "a custom profile (docker's format) denying mkdir makes mkdir fail, touch works"

[ "$(nook run --rm --security-opt no-new-privileges bb:1 awk '/^NoNewPrivs/ {print $2}' /proc/self/status)" = 1 ] \
    || fail "no-new-privileges not set"
[ "$(nook run --rm --security-opt no-new-privileges:false bb:1 awk '/^NoNewPrivs/ {print $2}' /proc/self/status)" = 0 ] \
    || fail "no-new-privileges:false set it"
expect_rc 0 nook run --rm --security-opt label=disable --security-opt apparmor=unconfined --userns host bb:1 true
ok "no-new-privileges[:false] in NoNewPrivs; label=disable, apparmor=unconfined, --userns host accepted"

# --- network mode, namespaces, /etc files ----------------------------------------
[ "$(nook run --rm --network host bb:1 ls /sys/class/net | sort)" = "$(ls /sys/class/net | sort)" ] \
    || fail "--network host does not see the host's interfaces"
[ "$(nook run --rm --network host bb:1 readlink /proc/self/ns/net)" = "$(readlink /proc/self/ns/net)" ] \
    || fail "--network host: another netns"
[ "$(nook run --rm --network host bb:1 hostname)" = "$(hostname)" ] || fail "--network host: hostname"
[ "$(nook run --rm --network host --hostname hh bb:1 hostname)" = hh ] || fail "--network host --hostname"
nook run --rm --network host bb:1 cat /etc/hosts | diff - /etc/hosts > /dev/null || fail "--network host: /etc/hosts"
ok "--network host: the host's interfaces, netns, hostname (unless --hostname) and /etc/hosts"

for ns in ipc pid uts; do
    [ "$(nook run --rm --$ns host bb:1 readlink /proc/self/ns/$ns)" = "$(readlink /proc/self/ns/$ns)" ] \
        || fail "--$ns host: not the host's namespace"
    [ "$(nook run --rm bb:1 readlink /proc/self/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ] \
        || fail "default: $ns namespace is the host's"
done
ok "--ipc/--pid/--uts host join the host's namespaces; default ones are private"

OUT=$(nook run --rm --add-host foo:1.2.3.4 --add-host bar=::1 --dns 9.9.9.9 --dns 1.1.1.1 \
      --dns-search example.com --dns-option ndots:2 bb:1 sh -c 'cat /etc/hosts /etc/resolv.conf')
echo "$OUT" | grep >/dev/null "^1.2.3.4	foo$" && echo "$OUT" | grep >/dev/null "^::1	bar$" || fail "--add-host: $OUT"
[ "$(echo "$OUT" | grep -c '^nameserver')" = 2 ] && echo "$OUT" | grep >/dev/null '^nameserver 9.9.9.9$' \
    && echo "$OUT" | grep >/dev/null '^search example.com$' && echo "$OUT" | grep >/dev/null '^options ndots:2$' \
    || fail "--dns/--dns-search/--dns-option: $OUT"
ok "--add-host, --dns, --dns-search, --dns-option in /etc/hosts and resolv.conf"

A=$(nook run -d --name neta bb:1 sleep 30) || fail "run neta"
[ "$(nook run --rm --network container:neta bb:1 readlink /proc/self/ns/net)" = "$(nook exec neta readlink /proc/self/ns/net)" ] \
    || fail "--network container:neta: another netns"
[ "$(inspect_field neta "j['HostConfig']['NetworkMode']")" = none ] || fail "NetworkMode of neta"
nook rm -f neta > /dev/null
refused "--network" container:neta --network container:neta
ok "--network container:NAME joins its network namespace; a missing NAME is refused"

# --- labels, env files -------------------------------------------------------------
printf '# labels\nfrom.file=1\nover=file\n\nbare\n' > "$T/labels"
ID=$(nook create --label-file "$T/labels" -l over=flag --label a=b bb:1) || fail "create --label"
[ "$(inspect_field "$ID" "sorted(j['Config']['Labels'].items())")" = \
  "[('a', 'b'), ('bare', ''), ('from.file', '1'), ('over', 'flag')]" ] || fail "labels: $(inspect_field "$ID" "j['Config']['Labels']")"
nook rm "$ID" > /dev/null
ok "--label and --label-file in Config.Labels (flags win over the file)"

printf '# env\nA=1\nB=from file\nFROM_OUR_ENV\nUNSET_VAR_XYZ\nC=file\n' > "$T/env"
OUT=$(FROM_OUR_ENV=ours nook run --rm -e C=flag --env-file "$T/env" bb:1 \
      sh -c 'echo "$A|$B|$FROM_OUR_ENV|${UNSET_VAR_XYZ-unset}|$C"')
[ "$OUT" = "1|from file|ours|unset|flag" ] || fail "--env-file: $OUT"
printf 'BAD NAME=1\n' > "$T/badenv"
refused --env-file "$T/badenv" --env-file "$T/badenv"
ok "--env-file: KEY=V, bare KEY from our env, comments; -e wins; bad names refused"

[ -z "$(nook ps -aq)" ] || fail "containers left: $(nook ps -a)"
echo "engine-limits: $PASS checks passed"
