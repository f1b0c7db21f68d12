#!/bin/bash
# --userns auto end to end: each container in its own user namespace with a
# private range of host ids, on the image's shared layers seen through
# idmapped mounts. Checked from inside (root, the map, writes, a denied
# mknod, host files as nobody) and from the host (the processes' real uids,
# the writable layer's owners on disk, the shared layers untouched, disjoint
# ranges, nothing left), with the built-in runtime and with runc.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../engine/lib.sh"

base_of() { nook inspect -f '{{index .HostConfig.IDMappings.UidMap 0}}' "$1" | cut -d: -f2; }
host_uid() { awk '/^Uid:/ {print $2}' "/proc/$1/status"; }
layers_untouched() {
    local bad
    bad=$(find "$T/root/image/snapshots" ! -uid 0 -print -quit 2>/dev/null)
    [ -z "$bad" ] || fail "a shared layer file changed owner: $bad"
}

# The runtime sets the rootfs up from inside the user namespace: the path
# to --runroot must be searchable (mktemp made $T 0700).
out=$(nook run --rm --userns auto bb:1 true 2>&1); rc=$?
[ "$rc" = 125 ] && [[ "$out" == *"$T"*"chmod o+x"* ]] || fail "0700 above --runroot: $rc $out"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "not one line: $out"
[ -z "$(nook ps -aq)" ] || fail "refused --userns run left a container"
! grep -q "$T/run/containers" /proc/mounts || fail "refused --userns run left a mount"
ok "a closed directory above --runroot: one line naming it, 125, nothing left"
chmod 711 "$T"

for rt in nook runc; do
    id=$(nook run -d --runtime "$rt" --userns auto bb:1 sh -c 'echo data > /made; echo more >> /etc/passwd; sleep 1000') ||
        fail "$rt: run --userns auto"
    base=$(base_of "$id")
    [ -n "$base" ] || fail "$rt: no range recorded"
    out=$(nook exec "$id" sh -c 'id -u; cat /proc/self/uid_map')
    [ "$(echo $out)" = "0 0 $base 65536" ] || fail "$rt: inside: $out"
    pid=$(nook inspect -f '{{.State.Pid}}' "$id")
    [ "$(host_uid "$pid")" = "$base" ] || fail "$rt: init runs as host uid $(host_uid "$pid"), want $base"
    ok "$rt: root inside is host uid $base outside (uid_map 0 $base 65536)"

    upper=$(dirname "$(find "$T/root/image/containers" -path "*/upper/made" | head -1)")
    [ -n "$upper" ] || fail "$rt: no writable layer"
    [ "$(stat -c %u:%g "$upper/made")" = "$base:$base" ] || fail "$rt: new file on disk: $(stat -c %u:%g "$upper/made")"
    [ "$(stat -c %u "$upper/etc/passwd")" = "$base" ] || fail "$rt: copied-up file on disk: $(stat -c %u "$upper/etc/passwd")"
    layers_untouched
    out=$(nook exec "$id" stat -c %u /etc/passwd /bin/busybox /)
    [ "$(echo $out)" = "0 0 0" ] || fail "$rt: rootfs not owned by the container's root: $out"
    ok "$rt: the rootfs is root's inside; writes land on disk as $base; shared layers untouched"

    out=$(nook exec "$id" sh -c 'mknod /dev/x c 1 3 2>&1; echo rc=$?; stat -c %u /etc/hostname')
    [[ "$out" == *"rc=1"* ]] || fail "$rt: mknod allowed in a user namespace: $out"
    [[ "$out" == *65534 ]] || fail "$rt: a host root file does not show as nobody: $out"
    nook exec -d -u 1234 "$id" sleep 1000 || fail "$rt: exec -d -u 1234"
    found=""
    for _ in $(seq 50); do
        for p in $(cat "/sys/fs/cgroup/pids/nook/$id/cgroup.procs"); do
            [ "$(host_uid "$p")" = "$((base + 1234))" ] && found=$p
        done
        [ -n "$found" ] && break
        sleep 0.1
    done
    [ -n "$found" ] || fail "$rt: exec -u 1234 is not host uid $((base + 1234))"
    ok "$rt: mknod denied, host files are nobody's, exec -u 1234 is host uid $((base + 1234))"

    id2=$(nook run -d --runtime "$rt" --userns auto:size=5000 bb:1 sleep 1000) || fail "$rt: second"
    base2=$(base_of "$id2")
    [ "$(nook inspect -f '{{index .HostConfig.IDMappings.UidMap 0}}' "$id2")" = "0:$base2:5000" ] || fail "$rt: size"
    [ "$base2" -ge $((base + 65536)) ] || [ $((base2 + 5000)) -le "$base" ] || fail "$rt: ranges overlap: $base $base2"
    ok "$rt: a second container gets a disjoint range ($base2, 5000 ids)"

    nook exec "$id" sh -c 'echo keep > /kept' || fail "$rt: write before stop"
    nook stop -t 1 "$id" > /dev/null || fail "$rt: stop"
    nook start "$id" > /dev/null || fail "$rt: start again"
    [ "$(base_of "$id")" = "$base" ] || fail "$rt: range changed on restart"
    out=$(nook exec "$id" sh -c 'cat /kept; echo again >> /kept && echo appended')
    [ "$out" = "$(printf 'keep\nappended')" ] || fail "$rt: after restart: $out"
    ok "$rt: stop and start keep the range and the data"

    nook rm -f "$id" "$id2" > /dev/null || fail "$rt: rm -f"
    no_leftovers "$id"
    no_leftovers "$id2"
    ! grep -q idmapped /proc/mounts || fail "$rt: an idmapped layer mount was left"
    [ -z "$(find "$T/root/image/containers" -name idmapped)" ] || fail "$rt: idmapped stage dir left"
    ok "$rt: rm -f leaves no mounts, cgroups, state or stage dirs"
done

# A new volume belongs to the container's root; a host bind keeps its owner.
mkdir -p "$T/hostdir"
out=$(nook run --rm --userns auto -v uvol:/data -v "$T/hostdir:/host" bb:1 \
    sh -c 'echo v > /data/f && stat -c %u /data /host; touch /host/x 2>&1 || echo denied')
[[ "$out" == "0"*"65534"*denied ]] || fail "volume / bind ownership inside: $out"
mp=$(nook volume inspect -f '{{.Mountpoint}}' uvol) && [ -f "$mp/f" ] || fail "volume inspect -f: '$mp'"
[ "$(stat -c %u "$mp/f")" != 0 ] || fail "volume file on disk is host root's"
nook volume rm uvol > /dev/null
ok "a new volume is the container root's (written as its host uid); a host bind is nobody's"

# The lowest free range is reused once its container is gone.
a=$(nook create --userns auto bb:1 true) && b=$(nook create --userns auto bb:1 true) || fail "create"
base_a=$(base_of "$a")
nook rm "$a" > /dev/null
c=$(nook create --userns auto bb:1 true) || fail "create c"
[ "$(base_of "$c")" = "$base_a" ] || fail "freed range not reused: $(base_of "$c") vs $base_a"
nook rm "$b" "$c" > /dev/null
ok "a freed range is the next one given"

# Without --userns nothing changes: no user namespace, mknod allowed (CAP_MKNOD).
out=$(nook run --rm bb:1 sh -c 'cat /proc/self/uid_map; mknod /dev/x c 1 3 && echo made')
[[ "$out" == *"0          0 4294967295"* && "$out" == *made* ]] || fail "default: $out"
ok "default (--userns host): the host's user namespace"
echo "all $PASS engine userns checks passed"
