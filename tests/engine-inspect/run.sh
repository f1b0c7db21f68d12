#!/bin/bash
# End-to-end tests of docker's inspect shape (the key trees of container,
# image and volume inspect against docker_reference.json, every HostConfig
# field with its default, unknown template fields as errors), the order of a
# pull error on a pipe, `update` (cgroup limits of a running container, kept
# in HostConfig across stop/start) and `events` (the engine's event log, in a
# time window and followed).
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=$(readlink -f "${1:?usage: run.sh NOOK_BINARY}")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../engine/lib.sh"

# docker's time argument: unix seconds with nanoseconds.
now() { date +%s.%N; }
T_START=$(now)

# --- inspect: key trees ------------------------------------------------------------
# nook's keys docker does not have, each for a reason:
#   (none today: nook shows docker's keys only)
CONTAINER_EXTRAS=""
IMAGE_EXTRAS="ManifestDigest,ManifestMediaType,Variant"
VOLUME_EXTRAS=""
CID=$(nook run -d bb:1 sleep 1000) || fail "run default container"
nook inspect "$CID" > "$T/c.json" || fail "inspect container"
python3 "$HERE/keytree.py" "$HERE/docker_reference.json" container "$CONTAINER_EXTRAS" \
    < "$T/c.json" || fail "container inspect keys differ from docker's (above)"
ok "container inspect has every key docker's has"

nook import "$T/rootfs.tar.gz" bbenv:1 -c 'CMD ["sh"]' -c 'ENV PATH=/bin' > /dev/null || fail "import bbenv"
nook image inspect bbenv:1 > "$T/i.json" || fail "image inspect"
python3 "$HERE/keytree.py" "$HERE/docker_reference.json" image "$IMAGE_EXTRAS" < "$T/i.json" ||
    fail "image inspect keys differ from docker's (above)"
nook inspect bbenv:1 | python3 "$HERE/keytree.py" "$HERE/docker_reference.json" image \
    "$IMAGE_EXTRAS" || fail "inspect IMAGE keys differ from docker's (above)"
ok "image inspect has every key docker's has"

nook volume create vol1 > /dev/null || fail "volume create"
nook volume inspect vol1 | python3 "$HERE/keytree.py" "$HERE/docker_reference.json" volume \
    "$VOLUME_EXTRAS" || fail "volume inspect keys differ from docker's (above)"
ok "volume inspect has every key docker's has"

# The values docker shows for a default container, through templates.
[ "$(nook inspect -f '{{.HostConfig.Memory}}' "$CID")" = 0 ] || fail "HostConfig.Memory not 0"
[ "$(nook inspect -f '{{.HostConfig.PidsLimit}}' "$CID")" = "<no value>" ] ||
    fail "HostConfig.PidsLimit: $(nook inspect -f '{{.HostConfig.PidsLimit}}' "$CID")"
[ "$(nook inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.CpuShares}} {{.GraphDriver.Name}}' "$CID")" = "no 0 overlay2" ] ||
    fail "defaults: $(nook inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.CpuShares}} {{.GraphDriver.Name}}' "$CID")"
[ "$(nook inspect -f '{{json .NetworkSettings.Networks.none.IPAddress}}' "$CID")" = '""' ] ||
    fail "the none network entry"
# Fields docker's types have but leaves out of the JSON print as Go's zero
# value / <no value>, not an error.
[ "$(nook inspect -f '{{.SizeRw}}|{{.State.Health}}|{{.Config.StopSignal}}|' "$CID")" = "<no value>|<no value>||" ] ||
    fail "omitempty fields: $(nook inspect -f '{{.SizeRw}}|{{.State.Health}}|{{.Config.StopSignal}}|' "$CID" 2>&1)"
# GraphDriver: the container's own overlay.
UPPER=$(nook inspect -f '{{.GraphDriver.Data.UpperDir}}' "$CID")
MERGED=$(nook inspect -f '{{.GraphDriver.Data.MergedDir}}' "$CID")
[ -d "$UPPER" ] && grep -q " $MERGED overlay " /proc/mounts || fail "GraphDriver dirs: $UPPER $MERGED"
ok "HostConfig defaults ({{.HostConfig.Memory}} = 0), GraphDriver, omitempty fields"

# --- inspect: an unknown field is an error, as docker's -------------------------------
err=$(nook inspect -f '{{.Nme}}' "$CID" 2>&1 > /dev/null); rc=$?
[ "$rc" = 125 ] || fail "unknown field: exit $rc, want 125"
[ "$err" = 'template parsing error: template: :1:2: executing "" at <.Nme>: map has no entry for key "Nme"' ] ||
    fail "unknown field: $err"
err=$(nook inspect -f 'x {{.HostConfig.Nme}}' "$CID" 2>&1 > /dev/null); rc=$?
[ "$rc" = 125 ] && [ "$err" = 'template parsing error: template: :1:4: executing "" at <.HostConfig.Nme>: map has no entry for key "Nme"' ] ||
    fail "unknown nested field: exit $rc: $err"
err=$(nook image inspect -f '{{.Nme}}' bbenv:1 2>&1 > /dev/null); rc=$?
[ "$rc" = 125 ] && [[ "$err" == *'map has no entry for key "Nme"'* ]] || fail "image unknown field: $rc $err"
ok "inspect -f with an unknown field: docker's error, exit 125"

# --- a pull error on a pipe comes after what was printed before it ----------------------
out=$(nook pull nosuch.invalid/x 2>&1 | cat); rc=${PIPESTATUS[0]}
[ "$rc" = 125 ] || fail "pull of a missing registry: exit $rc"
[ "$(printf '%s\n' "$out" | head -1)" = "Using default tag: latest" ] || fail "pull: first line: $out"
printf '%s\n' "$out" | tail -1 | grep >/dev/null "nosuch.invalid" || fail "pull: the error is not last: $out"
printf '%s\n' "$out" | grep >/dev/null "Pulling from" && fail "pull: a header for a registry that never answered: $out"
out=$(nook run nosuch.invalid/x 2>&1 | cat); rc=${PIPESTATUS[0]}
[ "$rc" = 125 ] || fail "run of a missing registry: exit $rc"
[ "$(printf '%s\n' "$out" | head -1)" = "Unable to find image 'nosuch.invalid/x:latest' locally" ] ||
    fail "run: first line: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 2 ] || fail "run: want 2 lines: $out"
ok "pull/run of a missing image on a pipe: header, then the error, exit 125"

# --- update ---------------------------------------------------------------------------------
if [ -d /sys/fs/cgroup/memory ]; then
    memfile() { echo "/sys/fs/cgroup/memory/nook/$1/memory.limit_in_bytes"; }
    pidsfile() { echo "/sys/fs/cgroup/pids/nook/$1/pids.max"; }
else
    memfile() { echo "/sys/fs/cgroup/nook/$1/memory.max"; }
    pidsfile() { echo "/sys/fs/cgroup/nook/$1/pids.max"; }
fi
UP=$(nook run -d --name up bb:1 sleep 1000) || fail "run up"
[ "$(nook update --memory 64m --pids-limit 50 --restart on-failure:3 up)" = up ] || fail "update"
[ "$(cat "$(memfile "$UP")")" = 67108864 ] || fail "memory limit in the cgroup: $(cat "$(memfile "$UP")")"
[ "$(cat "$(pidsfile "$UP")")" = 50 ] || fail "pids limit in the cgroup: $(cat "$(pidsfile "$UP")")"
FMT='{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'
[ "$(nook inspect -f "$FMT" up)" = "67108864 50 on-failure:3" ] || fail "inspect after update: $(nook inspect -f "$FMT" up)"
nook stop -t 0 up > /dev/null || fail "stop up"
nook start up > /dev/null || fail "start up"
[ "$(cat "$(memfile "$UP")")" = 67108864 ] || fail "memory limit after stop/start"
[ "$(cat "$(pidsfile "$UP")")" = 50 ] || fail "pids limit after stop/start"
[ "$(nook inspect -f "$FMT" up)" = "67108864 50 on-failure:3" ] || fail "inspect after stop/start"
nook update --pids-limit -1 up > /dev/null || fail "update to unlimited"
[ "$(cat "$(pidsfile "$UP")")" = max ] || fail "pids unlimited: $(cat "$(pidsfile "$UP")")"
expect_err "memory below docker's floor" "6MB" nook update --memory 1k up
expect_err "no flags" "one or more flags" nook update up
err=$(nook update --memory 64m nosuch 2>&1 > /dev/null); rc=$?
[ "$rc" = 1 ] && [[ "$err" == *nosuch* ]] || fail "update of a missing container: $rc $err"
nook rm -f up > /dev/null
no_leftovers "$UP"
ok "update: memory and pids limits in the running container's cgroup, kept across stop/start"

# --- events ---------------------------------------------------------------------------------
# A foreground run: create, attach, start, die, then rm: destroy (docker's order).
T0=$(now)
nook run --name ev bb:1 sh -c 'exit 3' > /dev/null; [ $? = 3 ] || fail "run ev"
EV=$(nook inspect -f '{{.Id}}' ev)
nook rm ev > /dev/null || fail "rm ev"
T1=$(now)
got=$(nook events --since "$T0" --until "$T1" --filter container=ev \
    --format '{{.Type}} {{.Action}}{{with .Actor.Attributes.exitCode}} {{.}}{{end}} {{.Actor.Attributes.name}}')
want=$'container create ev\ncontainer attach ev\ncontainer start ev\ncontainer die 3 ev\ncontainer destroy ev'
[ "$got" = "$want" ] || fail "events of ev: got
$got"
# docker's message shape, and its default line.
nook events --since "$T0" --until "$T1" --filter container=ev --format json | sed -n 1p | python3 -c '
import json, sys
m = json.loads(sys.stdin.readline())
for k in ("Type", "Action", "Actor", "scope", "time", "timeNano"):
    assert k in m, k
assert set(m["Actor"]) == {"ID", "Attributes"}, m
assert m["Actor"]["ID"] == sys.argv[1], m
assert m["Actor"]["Attributes"]["image"] == "bb:1", m
' "$EV" || fail "events --format json shape"
nook events --since "$T0" --until "$T1" --filter event=die | grep >/dev/null \
    "^[0-9-]*T[0-9:]*\.[0-9]\{9\}[Z+-].* container die $EV (exitCode=3, image=bb:1, name=ev)$" ||
    fail "events default line: $(nook events --since "$T0" --until "$T1" --filter event=die)"
[ -z "$(nook events --since "$T0" --until "$T1" --filter type=image)" ] || fail "type filter"
ok "events --since/--until: create, attach, start, die (exit code), destroy in order"

# Follow: started before anything happens, it prints what comes, and stops
# with --until once that time has passed.
T2=$(now)
timeout 60 "$NOOK" --root "$T/root" --runroot "$T/run" events --since "$T2" \
    --filter type=volume --format '{{.Action}} {{.Actor.ID}}' > "$T/follow.out" &
FOLLOWER=$!
nook volume create fv > /dev/null || fail "volume create fv"
nook volume rm fv > /dev/null || fail "volume rm fv"
wait_for 20 grep -q "destroy fv" "$T/follow.out" || fail "follow: $(cat "$T/follow.out")"
kill "$FOLLOWER"; wait "$FOLLOWER" 2>/dev/null
[ "$(cat "$T/follow.out")" = $'create fv\ndestroy fv' ] || fail "follow output: $(cat "$T/follow.out")"
UNTIL=$(date -d '+2 seconds' +%s)
timeout 60 "$NOOK" --root "$T/root" --runroot "$T/run" events --until "$UNTIL" > /dev/null; rc=$?
[ "$rc" = 0 ] || fail "events --until in the future: exit $rc (124: did not stop)"
ok "events follows new events (inotify) and stops at a future --until"

# Every writer appends whole lines: lines from parallel runs never mix.
for i in 1 2 3 4 5 6; do nook volume create "par$i" > /dev/null & done; wait
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)
' "$T/root/engine/events.log" || fail "events.log has a broken line"
ok "events.log: one JSON line per event"

nook rm -f "$CID" > /dev/null
no_leftovers "$CID"
echo "PASS: $PASS checks (since $T_START)"
