#!/bin/bash
# End-to-end tests of Go templates in inspect -f / ps --format (if, range,
# variables, functions, trim markers, errors), `volume prune` (docker >= 23:
# anonymous only unless -a, label filters, the prompt, volumes in use kept)
# and container sizes (ps -s, {{.Size}}, inspect -s).
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=$(readlink -f "${1:?usage: run.sh NOOK_BINARY}")
. "$(dirname "$0")/../engine/lib.sh"

vols() { nook volume ls -q | sort | tr '\n' ' '; }

# --- templates ---------------------------------------------------------------------
nook run -d --name tpl --label tier=web --label app=shop -v tplvol:/data -v /anon \
    bb:1 sh -c 'sleep 300' > /dev/null || fail "run tpl"
nook run --name done bb:1 true > /dev/null || fail "run done"
TPL_ANON=$(nook inspect -f '{{range .Mounts}}{{if ne .Name "tplvol"}}{{.Name}}{{end}}{{end}}' tpl)
[[ "$TPL_ANON" =~ ^[0-9a-f]{64}$ ]] || fail "anonymous volume of tpl: '$TPL_ANON'"
OUT=$(nook inspect -f '{{range .Mounts}}{{.Destination}}={{.RW}};{{end}}' tpl)
[ "$OUT" = "/data=true;/anon=true;" ] || [ "$OUT" = "/anon=true;/data=true;" ] || fail "range Mounts: $OUT"
OUT=$(nook inspect -f '{{if .State.Running}}up{{else}}down{{end}}' tpl done | tr '\n' ,)
[ "$OUT" = "up,down," ] || fail "if State.Running: $OUT"
[ "$(nook inspect -f '{{join .Config.Cmd ","}}' tpl)" = "sh,-c,sleep 300" ] || fail "join Config.Cmd"
OUT=$(nook inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}' tpl)
[ "$OUT" = "app=shop;tier=web;" ] || fail "range \$k, \$v: $OUT"
OUT=$(nook inspect -f '{{range $i, $e := .Config.Cmd}}{{if $i}},{{end}}{{$i}}:{{upper $e}}{{end}}' tpl)
[ "$OUT" = "0:SH,1:-C,2:SLEEP 300" ] || fail "range \$i, \$e: $OUT"
OUT=$(nook inspect -f '{{range .Config.Env}}{{if eq (index (split . "=") 0) "PATH"}}{{len .}}{{end}}{{end}}' tpl)
[ "$OUT" -gt 5 ] 2>/dev/null || fail "split/index/len over Config.Env: $OUT"
OUT=$(nook inspect -f '{{range .Config.Cmd -}}
   [{{.}}]
{{- end}}' tpl)
[ "$OUT" = "[sh][-c][sleep 300]" ] || fail "trim markers: $OUT"
[ "$(nook inspect -f '{{range .HostConfig.Tmpfs}}x{{else}}none{{end}}' tpl)" = none ] || fail "range else"
ok "inspect -f: range over Mounts/Labels/Cmd with variables, if/else on State.Running, join, split, trim markers"

OUT=$(nook ps -a --format '{{if eq .State "running"}}{{.Names}} is up{{else}}{{.Names}} is {{.State}}{{end}}' | sort | tr '\n' ,)
[ "$OUT" = "done is exited,tpl is up," ] || fail "ps --format if/eq: $OUT"
OUT=$(nook ps --format 'table {{upper .Names}}\t{{truncate .State 3}}')
[ "$(echo "$OUT" | head -1 | tr -s ' ')" = "NAMES STATE" ] || fail "table header changed by functions: $OUT"
[ "$(echo "$OUT" | tail -1 | tr -s ' ')" = "TPL run" ] || fail "upper/truncate in ps: $OUT"
[ "$(nook ps --format '{{title .Names}}|{{pad .Names 1 1}}|{{.Label "tier"}}')" = "Tpl| tpl |web" ] \
    || fail "title/pad/Label: $(nook ps --format '{{title .Names}}|{{pad .Names 1 1}}|{{.Label "tier"}}')"
ok "ps --format: if/eq, docker functions, table headers kept intact"

expect_err "inspect unclosed if" "unexpected EOF" nook inspect -f '{{if .State.Running}}x' tpl
expect_err "inspect unknown function" 'function "nosuch" not defined' nook inspect -f '{{nosuch .Name}}' tpl
expect_err "inspect stray end" "unexpected {{end}}" nook inspect -f 'x{{end}}' tpl
expect_err "inspect bad field" "can't evaluate field X in type string" nook inspect -f '{{.Name.X}}' tpl
expect_err "ps unclosed range" "unexpected EOF" nook ps --format '{{range .Names}}'
expect_err "ps bad template, nothing listed" "unclosed action" nook ps --filter name=nosuch --format '{{.Names'
ok "bad templates: exit 125 with a one-line error naming the problem"

# --- volume prune --------------------------------------------------------------------
# An unused anonymous volume: the container goes, its volume stays (rm without -v).
nook create --name anon -v /x bb:1 true > /dev/null || fail "create anon"
ANON=$(nook inspect -f '{{range .Mounts}}{{.Name}}{{end}}' anon)
[[ "$ANON" =~ ^[0-9a-f]{64}$ ]] || fail "anonymous volume name: '$ANON'"
nook start anon > /dev/null || fail "start anon"  # volumes are made at start
nook wait anon > /dev/null
nook rm anon > /dev/null || fail "rm anon"
head -c 2000 /dev/zero > "$T/root/volumes/$ANON/_data/blob" || fail "anonymous volume $ANON missing"
nook volume create keep1 > /dev/null
nook volume create --label env=test lab1 > /dev/null
nook volume create --label env=prod lab2 > /dev/null
WANT_ALL="$ANON $TPL_ANON keep1 lab1 lab2 tplvol "
[ "$(vols)" = "$(echo $WANT_ALL | tr ' ' '\n' | sort | tr '\n' ' ')" ] || fail "volumes before prune: $(vols)"

expect_err "prune bad filter" "name=x" nook volume prune -f --filter name=x
OUT=$(echo n | nook volume prune) || fail "prune answered n: exit $?"
echo "$OUT" | grep >/dev/null -F "WARNING! This will remove anonymous local volumes not used by at least one container." \
    || fail "prompt text: $OUT"
echo "$OUT" | grep >/dev/null -F "Are you sure you want to continue? [y/N]" || fail "prompt: $OUT"
echo "$OUT" | grep >/dev/null "Deleted" && fail "prune answered n deleted: $OUT"
[ -d "$T/root/volumes/$ANON" ] || fail "n still removed $ANON"

OUT=$(echo y | nook volume prune) || fail "prune answered y"
# The answer is not echoed, so the report starts on the prompt's line (as docker's).
echo "$OUT" | grep >/dev/null "\[y/N\] Deleted Volumes:$" && echo "$OUT" | grep >/dev/null -x "$ANON" \
    || fail "prune (y) did not delete the anonymous volume: $OUT"
echo "$OUT" | grep >/dev/null -x "Total reclaimed space: 2kB" || fail "reclaimed: $OUT"
[ "$(echo "$OUT" | grep -c -E '^[0-9a-z]')" = 1 ] || fail "prune deleted more than $ANON: $OUT"
[ ! -e "$T/root/volumes/$ANON" ] || fail "$ANON still on disk"
for v in keep1 lab1 lab2 tplvol $TPL_ANON; do
    nook volume ls -q | grep >/dev/null -x "$v" || fail "default prune removed $v"
done
ok "volume prune: prompt (n keeps, y removes), only the unused anonymous volume by default"

OUT=$(nook volume prune -f -a --filter label=env=test)
[ "$(echo "$OUT" | sed -n 2p)" = lab1 ] && [ "$(echo "$OUT" | grep -c -x lab2)" = 0 ] || fail "label=env=test: $OUT"
OUT=$(nook volume prune -f -a --filter 'label!=env')
echo "$OUT" | grep >/dev/null -x keep1 && ! echo "$OUT" | grep >/dev/null -x lab2 || fail "label!=env: $OUT"
! echo "$OUT" | grep >/dev/null -x tplvol || fail "label!=env removed the in-use tplvol: $OUT"
[ "$(vols)" = "$(echo lab2 tplvol $TPL_ANON | tr ' ' '\n' | sort | tr '\n' ' ')" ] || fail "after label prunes: $(vols)"
OUT=$(nook volume prune -f -a)
[ "$(echo "$OUT" | sed -n 2p)" = lab2 ] && [ "$(echo "$OUT" | grep -c -E '^[0-9a-z]')" = 1 ] || fail "-a: $OUT"
nook volume ls -q | grep >/dev/null -x tplvol && nook volume ls -q | grep >/dev/null -x "$TPL_ANON" \
    || fail "prune -a removed a volume in use: $(vols)"
ok "volume prune: label=, label!=, -a removes named ones, volumes in use never removed"

# --- sizes -----------------------------------------------------------------------------
SZ=$(nook run -d --name sz bb:1 sh -c 'head -c 1048576 /dev/zero > /big; sleep 300') || fail "run sz"
UPPER=$T/root/image/containers/$SZ/upper
for _ in $(seq 100); do [ "$(stat -c %s "$UPPER/big" 2>/dev/null)" = 1048576 ] && break; sleep 0.1; done
[ "$(stat -c %s "$UPPER/big" 2>/dev/null)" = 1048576 ] || fail "1 MiB file not in the upper dir $UPPER"
IMG=$(nook image inspect -f '{{.Size}}' bb:1)
[ "$IMG" -gt 0 ] 2>/dev/null || fail "image size: $IMG"
read -r RW ROOTFS <<< "$(nook inspect -s -f '{{.SizeRw}} {{.SizeRootFs}}' sz)"
[ "$RW" -ge 1048576 ] && [ "$RW" -lt $((1048576 + 65536)) ] || fail "SizeRw $RW, want about 1 MiB"
[ "$ROOTFS" = $((RW + IMG)) ] || fail "SizeRootFs $ROOTFS, want $RW + $IMG"
[ "$(nook inspect -f '{{.SizeRw}}' sz)" = "<no value>" ] || fail "SizeRw without -s"
WANT="$(python3 -c "
import sys
def h(n):
    u = ['B','kB','MB','GB','TB']; i = 0
    while n >= 1000 and i < 4: n /= 1000; i += 1
    return '%.3g%s' % (n, u[i])
print('%s (virtual %s)' % (h($RW), h($ROOTFS)))")"
case "$WANT" in 1.0[0-9]MB\ \(virtual\ *) ;; *) fail "expected size text: $WANT" ;; esac
[ "$(nook ps -s --filter name=sz --format '{{.Size}}')" = "$WANT" ] \
    || fail "ps -s {{.Size}}: $(nook ps -s --filter name=sz --format '{{.Size}}'), want $WANT"
[ "$(nook ps --filter name=sz --format '{{.Names}} {{.Size}}')" = "sz $WANT" ] || fail "{{.Size}} without -s"
OUT=$(nook ps -s --filter name=sz)
echo "$OUT" | head -1 | grep >/dev/null -E 'NAMES +SIZE$' || fail "ps -s header: $OUT"
echo "$OUT" | tail -1 | tr -s ' ' | grep >/dev/null -F "sz $WANT" || fail "ps -s row: $OUT"
[ "$(nook ps --filter name=tpl --format '{{.Size}}' -s | cut -d' ' -f1)" = 0B ] || fail "tpl wrote nothing"
nook ps -s --format json --filter name=sz | python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
assert j["Size"] == sys.argv[1], j["Size"]' "$WANT" || fail "ps -s --format json Size"
ok "ps -s / {{.Size}}: writable layer ~1.0MB (virtual = + image), inspect -s SizeRw/SizeRootFs"

# --- nothing left ------------------------------------------------------------------------
for c in tpl done sz; do
    ID=$(nook inspect -f '{{.Id}}' "$c")
    nook rm -f -v "$c" > /dev/null || fail "rm $c"
    no_leftovers "$ID"
done

# system prune --volumes: the same rule as volume prune (anonymous only).
nook volume create keepme > /dev/null || fail "volume create keepme"
ID=$(nook create -v /anonsp bb:1 true) || fail "create with an anonymous volume"
ANON=$(nook inspect -f '{{range .Mounts}}{{.Name}}{{end}}' "$ID")
[ -n "$ANON" ] || fail "no anonymous volume name"
nook rm "$ID" > /dev/null
OUT=$(nook system prune -f --volumes)
echo "$OUT" | grep >/dev/null -x "$ANON" || fail "system prune --volumes kept the anonymous volume: $OUT"
nook volume inspect keepme > /dev/null || fail "system prune --volumes removed a named volume"
nook volume rm keepme > /dev/null
ok "system prune --volumes removes unused anonymous volumes, keeps named ones"

nook volume prune -f -a > /dev/null
[ -z "$(nook volume ls -q)" ] || fail "volumes left: $(vols)"
! grep -q " $T" /proc/mounts || fail "mounts left under $T: $(grep " $T" /proc/mounts)"
ok "no containers, volumes or mounts left"
echo "PASS $PASS"
