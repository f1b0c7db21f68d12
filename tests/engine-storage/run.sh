#!/bin/bash
# End-to-end tests of the engine's storage: -v binds and volumes, --mount,
# --tmpfs, --read-only, --device, --init and the `nook volume` verbs.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=$(readlink -f "${1:?usage: run.sh NOOK_BINARY}")
. "$(dirname "$0")/../engine/lib.sh"

H=$T/host
mkdir -p "$H/bind"
echo host-data > "$H/bind/f"
VOLS=$T/root/volumes

# expect_bad DESC WORD CMD...: exit 125, a one-line error naming WORD, and
# no container left behind.
expect_bad() {
    expect_err "$@"
    [ -z "$(nook ps -aq)" ] || fail "$1: a container was left"
}

# --- bind mounts --------------------------------------------------------------
OUT=$(nook run --rm -v "$H/bind:/mnt" bb:1 sh -c 'cat /mnt/f; echo from-ctr > /mnt/g')
[ "$OUT" = host-data ] || fail "bind: read '$OUT'"
[ "$(cat "$H/bind/g")" = from-ctr ] || fail "bind: write from the container not on the host"
OUT=$(cd "$H" && nook run --rm -v ./bind:/mnt bb:1 cat /mnt/f)
[ "$OUT" = host-data ] || fail "relative bind source: '$OUT'"
ok "-v /host:/ctr is a read-write bind (relative sources too)"

OUT=$(nook run --rm -v "$H/bind:/mnt:ro" bb:1 sh -c 'touch /mnt/x 2>&1; grep " /mnt " /proc/mounts')
echo "$OUT" | grep >/dev/null "Read-only file system" || fail ":ro: write did not fail with EROFS: $OUT"
echo "$OUT" | grep >/dev/null -E " /mnt [^ ]+ ro," || fail ":ro: mount not ro: $OUT"
[ ! -e "$H/bind/x" ] || fail ":ro: file appeared on the host"
ok "-v /host:/ctr:ro: writes fail with EROFS"

expect_bad "missing bind source" "$H/nope" nook run --name miss -v "$H/nope:/mnt" bb:1 true
expect_bad "missing --mount bind source" "$H/nope" nook create --mount "type=bind,src=$H/nope,dst=/m" bb:1
expect_bad "bad volume name" '"a@b"' nook run -v 'a@b:/x' bb:1 true
expect_bad "relative target" "data" nook run -v "$H/bind:data" bb:1 true
expect_bad "bad -v mode" "bogus" nook run -v "$H/bind:/x:bogus" bb:1 true
expect_bad "duplicate mount point" "Duplicate mount point: /x" nook run -v "$H/bind:/x" --tmpfs /x bb:1 true
ok "bad -v/--mount input: exit 125, one-line error naming it, no container"

# --- named volumes ------------------------------------------------------------
nook run --rm -v myvol:/data bb:1 sh -c 'echo persisted > /data/f' || fail "write to myvol"
[ "$(nook run --rm -v myvol:/data:ro bb:1 cat /data/f)" = persisted ] || fail "myvol lost its data"
[ "$(cat "$VOLS/myvol/_data/f")" = persisted ] || fail "myvol not under <root>/volumes/myvol/_data"
ok "a named volume is created on first use and persists across containers"

OUT=$(nook run --rm --hostname hh -v etcvol:/etc bb:1 sh -c 'grep alice /etc/passwd; cat /etc/hostname')
[ "$OUT" = "$(printf 'alice:x:1234:2345::/home/alice:/bin/sh\nhh')" ] || fail "copy-up: '$OUT'"
grep -q alice "$VOLS/etcvol/_data/passwd" || fail "copy-up: passwd not in the volume"
echo local-edit > "$VOLS/etcvol/_data/passwd"
[ "$(nook run --rm -v etcvol:/etc bb:1 cat /etc/passwd)" = local-edit ] || fail "non-empty volume copied over"
nook run --rm --mount type=volume,src=nocp,dst=/etc,volume-nocopy bb:1 true || fail "volume-nocopy run"
[ -d "$VOLS/nocp/_data" ] && [ ! -e "$VOLS/nocp/_data/passwd" ] || fail "volume-nocopy copied anyway"
ok "an empty volume gets the image's content (copy-up) once; volume-nocopy disables it"

ID=$(nook run -d -v /anon bb:1 sh -c 'echo run >> /anon/starts; sleep 600') || fail "run -d anon"
ANON=$(nook volume ls -q --filter label=com.docker.volume.anonymous)
[ "$(echo "$ANON" | grep -c .)" = 1 ] && [ ${#ANON} = 64 ] || fail "anonymous volume: '$ANON'"
nook stop -t 1 "$ID" > /dev/null || fail "stop"
nook start "$ID" > /dev/null || fail "start"
for _ in $(seq 50); do [ "$(grep -c run "$VOLS/$ANON/_data/starts")" = 2 ] && break; sleep 0.1; done
[ "$(grep -c run "$VOLS/$ANON/_data/starts")" = 2 ] || fail "anonymous volume not kept across restart"
[ "$(nook volume ls -q --filter label=com.docker.volume.anonymous)" = "$ANON" ] || fail "restart made a new volume"
nook rm -f "$ID" > /dev/null || fail "rm -f"
if nook rm --help 2>&1 | grep >/dev/null -E -- '(^| )-v|--volumes'; then
    nook rm -v "$ID" > /dev/null 2>&1
    ID=$(nook create -v /anon2 bb:1 true) || fail "create anon2"
    A2=$(nook volume ls -q --filter label=com.docker.volume.anonymous --filter dangling=false)
    nook start "$ID" > /dev/null; nook wait "$ID" > /dev/null
    A2=$(nook volume ls -q --filter label=com.docker.volume.anonymous --filter dangling=false)
    [ -n "$A2" ] || fail "anon2 not made"
    nook rm -v "$ID" > /dev/null || fail "rm -v"
    [ ! -e "$VOLS/$A2" ] || fail "rm -v left the anonymous volume $A2"
    ok "anonymous volume persists across stop/start; rm -v removes it"
else
    ok "anonymous volume persists across stop/start (rm -v not wired yet)"
fi
nook volume rm "$ANON" > /dev/null 2>&1

# --- tmpfs and --mount ----------------------------------------------------------
OUT=$(nook run --rm --tmpfs /scratch:size=2m,mode=1770 bb:1 sh -c 'grep " /scratch " /proc/mounts; stat -c %a /scratch')
echo "$OUT" | grep >/dev/null -E '^tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,.*size=2048k' || fail "--tmpfs: $OUT"
echo "$OUT" | grep >/dev/null -x 1770 || fail "--tmpfs mode: $OUT"
[ "$(nook run --rm --tmpfs /scratch:exec bb:1 grep -c ' /scratch .*noexec' /proc/mounts)" = 0 ] ||
    fail "--tmpfs exec did not override noexec"
ok "--tmpfs: a tmpfs with size/mode honoured, noexec,nosuid,nodev by default"

OUT=$(nook run --rm --mount "type=bind,source=$H/bind,target=/b,readonly" \
      --mount type=tmpfs,destination=/t,tmpfs-size=1048576 \
      --mount type=volume,src=mvol,dst=/v bb:1 \
      sh -c 'grep -E " /(b|t|v) " /proc/mounts; touch /b/z 2>&1; echo ok > /v/f')
echo "$OUT" | grep >/dev/null -E ' /b [^ ]+ ro,' || fail "--mount bind readonly: $OUT"
echo "$OUT" | grep >/dev/null "Read-only file system" || fail "--mount bind readonly writable: $OUT"
echo "$OUT" | grep >/dev/null -E '^tmpfs /t tmpfs .*size=1024k' || fail "--mount tmpfs size: $OUT"
[ "$(cat "$VOLS/mvol/_data/f")" = ok ] || fail "--mount volume: $OUT"
HC=$(nook create --name mc --mount "type=bind,src=$H/bind,dst=/b,ro=true,bind-propagation=rslave" bb:1 true)
J=$(nook inspect mc)
echo "$J" | tr -d ' \n' | grep >/dev/null "\"Mounts\":\[{\"BindOptions\":{\"Propagation\":\"rslave\"},\"ReadOnly\":true,\"Source\":\"$H/bind\",\"Target\":\"/b\",\"Type\":\"bind\"}\]" ||
    fail "HostConfig.Mounts: $J"
nook rm mc > /dev/null
expect_bad "--mount unknown key" "'foo'" nook run --mount type=bind,src=/tmp,dst=/x,foo=bar bb:1 true
expect_bad "--mount bad type" "'nfs'" nook run --mount type=nfs,dst=/x bb:1 true
expect_bad "--mount no target" "target is required" nook run --mount type=tmpfs bb:1 true
expect_bad "--tmpfs bad size" "12q" nook run --tmpfs /x:size=12q bb:1 true
ok "--mount type=bind|tmpfs|volume with options; unknown keys/values are one-line errors"

# --- read-only rootfs -------------------------------------------------------
OUT=$(nook run --rm --read-only --tmpfs /tmp bb:1 sh -c \
      'touch /x 2>&1; touch /tmp/y && echo tmp-ok; touch /dev/shm/z && echo shm-ok; cat /etc/hostname')
echo "$OUT" | grep >/dev/null "touch: /x: Read-only file system" || fail "--read-only: / writable: $OUT"
echo "$OUT" | grep >/dev/null -x tmp-ok && echo "$OUT" | grep >/dev/null -x shm-ok || fail "--read-only: tmpfs not writable: $OUT"
[ "$(echo "$OUT" | tail -1 | wc -c)" = 13 ] || fail "--read-only: /etc/hostname: $OUT"
[ "$(nook run --rm bb:1 sh -c 'touch /x && echo rw')" = rw ] || fail "rootfs read-only without --read-only"
ok "--read-only: / is EROFS; --tmpfs /tmp, /dev/shm and /etc/hostname keep working"

# --- devices -------------------------------------------------------------------
OUT=$(nook run --rm --device /dev/null:/dev/mynull bb:1 sh -c 'stat -c "%F %t:%T" /dev/mynull; echo x > /dev/mynull && echo wrote')
[ "$OUT" = "$(printf 'character special file 1:3\nwrote')" ] || fail "--device /dev/null:/dev/mynull: $OUT"
OUT=$(nook run --rm --device /dev/loop-control:/dev/lc:rw bb:1 sh -c \
      'exec 3< /dev/lc && echo lc-open; mknod /dev/other c 10 236; exec 4< /dev/other' 2>&1)
echo "$OUT" | grep >/dev/null -x lc-open || fail "--device /dev/loop-control not usable: $OUT"
echo "$OUT" | grep >/dev/null "Operation not permitted" || fail "mknod'd device usable: $OUT"
OUT=$(nook run --rm bb:1 sh -c 'mknod /dev/lc c 10 237; exec 3< /dev/lc && echo opened' 2>&1)
echo "$OUT" | grep >/dev/null "Operation not permitted" || fail "device usable without --device: $OUT"
expect_bad "--device missing" "/dev/nonexistent" nook run --device /dev/nonexistent bb:1 true
expect_bad "--device not a device" "/etc/passwd" nook run --device /etc/passwd bb:1 true
expect_bad "--device bad mode" "rwx" nook run --device /dev/null:/dev/n:rwx bb:1 true
ok "--device adds the node and a cgroup allow rule; other nodes stay denied"

# --- --init ------------------------------------------------------------------------
OUT=$(nook run --rm --init bb:1 cat /proc/1/cmdline | tr '\0' ' ')
[ "$OUT" = "/sbin/docker-init -- cat /proc/1/cmdline " ] || fail "--init: pid 1 is '$OUT'"
# An orphan (the inner sleep) is reparented to PID 1, here an exec'd sleep
# that never waits: without --init it stays a zombie, with it is reaped.
ZOMBIE='(sleep 1; grep -l "^State:.*Z" /proc/[0-9]*/status; echo done) & sh -c "sleep 0.2 &"; exec sleep 1.5'
OUT=$(nook run --rm --init bb:1 sh -c "$ZOMBIE")
[ "$OUT" = done ] || fail "--init: zombies left: $OUT"
OUT=$(nook run --rm bb:1 sh -c "$ZOMBIE")
echo "$OUT" | grep >/dev/null '^/proc/[0-9]*/status$' || fail "zombie check cannot fail: no zombie without --init: $OUT"
expect_rc 7 nook run --rm --init bb:1 sh -c 'exit 7'
expect_rc 137 nook run --rm --init bb:1 sh -c 'kill -KILL $$'
ID=$(nook run -d --init bb:1 sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done') || fail "run -d --init"
sleep 0.3
nook stop -t 20 "$ID" > /dev/null
[ "$(nook inspect -f '{{.State.ExitCode}}' "$ID")" = 9 ] || fail "--init did not forward SIGTERM"
nook inspect "$ID" | grep >/dev/null '"Init": true' || fail "HostConfig.Init not true"
nook rm "$ID" > /dev/null
no_leftovers "$ID"
ok "--init: PID 1 is docker-init, orphans are reaped, exit codes and signals pass through"

# --- nook volume ------------------------------------------------------------------
[ "$(nook volume create --label a=b v1)" = v1 ] || fail "volume create v1"
[ "$(nook volume create v1)" = v1 ] || fail "volume create of an existing volume"
R=$(nook volume create) && [ ${#R} = 64 ] || fail "volume create without name: '$R'"
nook volume rm "$R" > /dev/null || fail "rm random"
nook volume ls | head -1 | grep >/dev/null -x 'DRIVER    VOLUME NAME' || fail "volume ls header: $(nook volume ls)"
nook volume ls | grep >/dev/null -x 'local     v1' || fail "volume ls row: $(nook volume ls)"
[ "$(nook volume ls -q --filter name=v1)" = v1 ] || fail "ls --filter name"
[ "$(nook volume ls -q --filter label=a=b)" = v1 ] || fail "ls --filter label"
J=$(nook volume inspect v1)
echo "$J" | tr -d ' \n' | grep >/dev/null "^\[{\"CreatedAt\":\"[0-9T:-]*Z\",\"Driver\":\"local\",\"Labels\":{\"a\":\"b\"},\"Mountpoint\":\"$VOLS/v1/_data\",\"Name\":\"v1\",\"Options\":{},\"Scope\":\"local\"}\]$" ||
    fail "volume inspect: $J"
expect_bad "volume create bad name" "a b" nook volume create "a b"
[ "$(nook volume inspect nosuchvol 2> "$T/err")" = "[]" ] || fail "inspect of a missing volume"
grep -q "no such volume" "$T/err" || fail "inspect missing: $(cat "$T/err")"
expect_rc 1 nook volume inspect nosuchvol 2> /dev/null > /dev/null
UID_=$(nook create --name user -v v1:/d bb:1 true) || fail "create user"
expect_rc 125 nook volume rm v1 2> "$T/err"
grep -q "volume is in use - \[$UID_\]" "$T/err" && [ "$(wc -l < "$T/err")" = 1 ] || fail "in-use: $(cat "$T/err")"
[ -d "$VOLS/v1/_data" ] || fail "in-use volume removed"
echo "$(nook volume ls -q --filter dangling=true)" | grep >/dev/null -x v1 && fail "in-use volume dangling"
J=$(nook inspect user)
echo "$J" | tr -d ' \n' | grep >/dev/null "\"Binds\":\[\"v1:/d\"\]" || fail "HostConfig.Binds: $J"
ok "volume create/ls/inspect in docker's formats; rm refuses a volume in use"

mkdir -p "$VOLS/v1/_data" && head -c 3000 /dev/zero > "$VOLS/v1/_data/blob"
nook volume create v2 > /dev/null
OUT=$(nook volume prune -f -a)
echo "$OUT" | grep >/dev/null -x v2 && echo "$OUT" | grep >/dev/null -x "Deleted Volumes:" || fail "prune: $OUT"
echo "$OUT" | grep >/dev/null -x v1 && fail "prune removed the in-use v1"
echo "$OUT" | grep >/dev/null "^Total reclaimed space: [0-9.]*k\?B$" || fail "prune total: $OUT"
nook rm user > /dev/null
OUT=$(nook volume prune -f -a)
echo "$OUT" | grep >/dev/null -x v1 && echo "$OUT" | grep >/dev/null -x "Total reclaimed space: 3kB" || fail "prune v1: $OUT"
[ -z "$(nook volume ls -q)" ] || fail "volumes left after prune: $(nook volume ls -q)"
[ "$(nook volume prune -f -a)" = "Total reclaimed space: 0B" ] || fail "empty prune"
ok "volume rm of an unused volume; prune removes unused volumes, prints reclaimed space"

# docker makes a container's volumes with it: listed before any start, and
# rm -v takes the anonymous one again.
id=$(nook create -v early:/data -v /scratch bb:1 true) || fail "create with volumes"
OUT=$(nook volume ls -q)
echo "$OUT" | grep >/dev/null -x early || fail "named volume not made at create: $OUT"
[ "$(echo "$OUT" | grep -c '^[0-9a-f]\{64\}$')" = 1 ] || fail "anonymous volume not made at create: $OUT"
nook rm -v "$id" > /dev/null || fail "rm -v"
[ "$(nook volume ls -q)" = early ] || fail "after rm -v: $(nook volume ls -q)"
nook volume rm early > /dev/null || fail "volume rm early"
ok "create makes the named and anonymous volumes; rm -v removes the anonymous one"

# --- nothing left ----------------------------------------------------------------
for id in $(nook ps -aq --no-trunc); do nook rm -f "$id" > /dev/null; done
! grep -q " $T" /proc/mounts || fail "mounts left under $T: $(grep " $T" /proc/mounts)"
ok "no mounts left behind"
echo "PASS $PASS"
