#!/bin/bash
# End-to-end tests of a container's filesystem changes as docker shows them:
# `nook diff` (A/C/D), `nook commit` (a new layer with .wh. whiteouts and
# opaque markers, -c/-m/-a, --pause) and `nook export`; `nook images` with
# Go templates, filters, --digests, --no-trunc, -q and `image ls`; a layer
# carrying overlayfs' own xattrs still readable in a container.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=$(readlink -f "${1:?usage: run.sh NOOK_BINARY}")
. "$(dirname "$0")/../engine/lib.sh"

# --- diff ---------------------------------------------------------------------------
mkdir -p "$T/rootfs/data/sub" "$T/rootfs/opq"
echo old > "$T/rootfs/data/old"
echo keep > "$T/rootfs/data/sub/keep"
echo lower > "$T/rootfs/opq/lower"
tar -C "$T/rootfs" -czf "$T/rootfs2.tar.gz" .
nook import "$T/rootfs2.tar.gz" base:1 -c 'CMD ["/bin/sh"]' > /dev/null || fail "import base"
nook run --name chg base:1 sh -c \
    'echo new > /data/new; echo changed > /data/old; rm /data/sub/keep; rm -r /opq; mkdir /opq; echo mine > /opq/mine; rm /bin/ls' \
    > /dev/null || fail "run chg"
nook diff chg > "$T/diff.out" || fail "diff chg"
for line in "C /data" "A /data/new" "C /data/old" "C /data/sub" "D /data/sub/keep" \
            "C /opq" "D /opq/lower" "A /opq/mine" "C /bin" "D /bin/ls"; do
    grep -qx "$line" "$T/diff.out" || fail "diff lacks '$line': $(cat "$T/diff.out")"
done
sort -c -k2 "$T/diff.out" 2>/dev/null || true
[ "$(nook container diff chg | md5sum)" = "$(md5sum < "$T/diff.out")" ] || fail "container diff differs"
expect_err "diff of a missing container" nosuch nook diff nosuch
ok "diff shows A/C/D as docker (whiteouts, opaque dir)"

# --- commit -------------------------------------------------------------------------
ID=$(nook commit -m "my change" -a "Ann <ann@x>" -c 'ENV FOO=bar' -c 'LABEL team=core' \
        -c 'EXPOSE 8080' -c 'WORKDIR /data' chg snap:1) || fail "commit"
[[ $ID == sha256:* ]] || fail "commit printed '$ID'"
[ "$(nook image inspect -f '{{.Id}}' snap:1)" = "$ID" ] || fail "snap:1 is not $ID"
[ "$(nook image inspect -f '{{len .RootFS.Layers}}' snap:1)" = 2 ] || fail "commit: not one more layer"
[ "$(nook image inspect -f '{{.Author}}' snap:1)" = "Ann <ann@x>" ] || fail "author"
nook image inspect -f '{{json .Config.Env}}' snap:1 | grep -q '"FOO=bar"' || fail "ENV change"
[ "$(nook image inspect -f '{{index .Config.Labels "team"}}' snap:1)" = core ] || fail "LABEL change"
nook image inspect -f '{{json .Config.ExposedPorts}}' snap:1 | grep -q '8080/tcp' || fail "EXPOSE change"
nook history snap:1 | grep -q "my change" || fail "commit message not in history"
OUT=$(nook run --rm snap:1 sh -c 'pwd; cat /data/new /data/old; ls /data/sub; ls /opq; ls /bin/ls 2>&1; echo $FOO')
[ "$OUT" = "$(printf '/data\nnew\nchanged\nmine\nls: /bin/ls: No such file or directory\nbar')" ] ||
    fail "committed image content: $OUT"
ok "commit: the changes as a layer (whiteouts, opaque dir), -m -a -c"

nook run -d --name live bb:1 sh -c 'echo x > /live; exec sleep 300' > /dev/null || fail "run live"
live_seen() { nook diff live | grep >/dev/null -x 'A /live'; }
wait_for 5 live_seen || fail "live change not seen"
nook commit live live:1 > /dev/null || fail "commit of a running container"
[ "$(nook inspect -f '{{.State.Status}} {{.State.Paused}}' live)" = "running false" ] ||
    fail "commit left the container paused"
nook commit --pause=false live live:2 > /dev/null || fail "commit --pause=false"
[ "$(nook run --rm live:1 cat /live)" = x ] || fail "live:1 content"
LIVE_ID=$(nook inspect -f '{{.Id}}' live)
nook rm -f live > /dev/null
no_leftovers "$LIVE_ID"
ok "commit of a running container (paused meanwhile)"

# A failed commit leaves nothing behind.
state() { (cd "$T/root/image" && find blobs/sha256 snapshots tmp -mindepth 1 -maxdepth 1 | sort; md5sum images.json); }
BEFORE=$(state)
expect_err "commit with a bad change" BOGUS nook commit -c 'BOGUS x' chg bad:1
expect_err "commit with a bad name" "Bad:Name" nook commit chg 'Bad:Name'
[ "$(state)" = "$BEFORE" ] || fail "a failed commit changed the store"
ok "a failed commit leaves the store as it was"

# --- export -------------------------------------------------------------------------
nook export chg > "$T/chg.tar" || fail "export to stdout"
tar -tf "$T/chg.tar" | sed 's|^\./||' > "$T/chg.list"
for f in data/new data/old opq/mine bin/busybox; do
    grep -qx "$f" "$T/chg.list" || fail "export lacks $f"
done
for f in data/sub/keep opq/lower bin/ls; do
    ! grep -qx "$f" "$T/chg.list" || fail "export has deleted $f"
done
[ "$(tar -xOf "$T/chg.tar" data/old)" = changed ] || fail "export content"
nook export -o "$T/chg2.tar" chg || fail "export -o"
cmp -s <(tar -tf "$T/chg.tar" | sort) <(tar -tf "$T/chg2.tar" | sort) || fail "export -o differs"
! grep -q " $T/run/containers/" /proc/mounts || fail "export left the rootfs mounted"
expect_err "export of a missing container" nosuch nook export -o "$T/none.tar" nosuch
[ ! -e "$T/none.tar" ] || fail "failed export left a file"
ok "export: the merged rootfs as a tar (stdout and -o)"

# --- images --format / --filter -----------------------------------------------------
nook tag snap:1 other/snap:2
nook import "$T/rootfs2.tar.gz" -c 'LABEL x=1' > /dev/null || fail "import dangling"
OUT=$(nook images --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')
[ "$OUT" = "<none>:<none> base:1 bb:1 live:1 live:2 other/snap:2 snap:1 " ] || fail "images --format: $OUT"
[ "$(nook image ls --format '{{.ID}}' snap)" = "$(nook image inspect -f '{{.Id}}' snap:1 | cut -c8-19)" ] ||
    fail "image ls / ID"
[ "$(nook images --no-trunc --format '{{.ID}}' snap:1)" = "$ID" ] || fail "--no-trunc ID"
nook images --format 'table {{.Repository}}\t{{.Size}}' | head -1 | grep -q '^REPOSITORY *SIZE$' ||
    fail "table header: $(nook images --format 'table {{.Repository}}\t{{.Size}}' | head -1)"
nook images --format json snap | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert len(rows) == 1, rows
for k in ("ID", "Repository", "Tag", "Digest", "CreatedSince", "CreatedAt", "Size"):
    assert k in rows[0], k
assert rows[0]["Repository"] == "snap" and rows[0]["Tag"] == "1", rows
' || fail "images --format json"
nook images --format '{{.CreatedAt}}|{{.CreatedSince}}|{{.Digest}}' snap |
    grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4} [A-Z]+\|.+ ago\|<none>$' ||
    fail "CreatedAt/CreatedSince/Digest: $(nook images --format '{{.CreatedAt}}|{{.CreatedSince}}|{{.Digest}}' snap)"
nook images --digests | head -1 | grep -q 'DIGEST' || fail "--digests header"
[ "$(nook images -f dangling=true --format '{{.Tag}}')" = "<none>" ] || fail "dangling=true"
! nook images -f dangling=false --format '{{.Tag}}' | grep -q none || fail "dangling=false"
[ "$(nook images -f label=x=1 -q | wc -l)" = 1 ] || fail "label=x=1"
[ "$(nook images -f label=team --format '{{.Repository}}' | sort | tr '\n' ' ')" = "other/snap snap " ] ||
    fail "label=team: $(nook images -f label=team --format '{{.Repository}}')"
[ "$(nook images -f 'reference=*/snap' --format '{{.Repository}}:{{.Tag}}')" = "other/snap:2" ] ||
    fail "reference=*/snap"
[ "$(nook images -f 'reference=snap:*' --format '{{.Repository}}:{{.Tag}}')" = "snap:1" ] ||
    fail "reference=snap:*"
[ "$(nook images -f 'reference=li?e' --format '{{.Tag}}' | sort | tr '\n' ' ')" = "1 2 " ] ||
    fail "reference=li?e"
# before/since go by creation time: images made in different seconds.
sleep 1.1
nook import "$T/rootfs2.tar.gz" late:1 > /dev/null
SINCE=$(nook images -f since=snap:1 --format '{{.Repository}}')
echo "$SINCE" | grep -qx late || fail "since=snap:1 lacks late: $SINCE"
! echo "$SINCE" | grep -qxE 'snap|bb|base' || fail "since=snap:1 has older images: $SINCE"
nook images -f before=late:1 --format '{{.Repository}}' | grep -qx snap || fail "before=late:1"
! nook images -f before=late:1 --format '{{.Repository}}' | grep -qx late || fail "before includes itself"
[ "$(nook images -q snap:1)" = "$(nook images -q other/snap:2)" ] || fail "-q"
[ "$(nook images -q | sort | uniq -d)" = "" ] || fail "-q repeats an ID"
expect_err "unknown filter" "bogus" nook images -f bogus=1
expect_err "bad dangling" "dangling=maybe" nook images -f dangling=maybe
expect_err "before a missing image" "nosuch" nook images -f before=nosuch
expect_err "bad template" "template" nook images --format '{{.ID'
ok "images --format (templates, table, json), --filter, --digests, --no-trunc, -q, image ls"

# --- overlay xattrs in a layer ------------------------------------------------------
python3 - "$T/rootfs" "$T/xattr.tar" <<'PY'
import io, sys, tarfile
src, out = sys.argv[1:3]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    t.add(src, arcname=".", recursive=True)
    def add(name, data=None, xattrs=None):
        ti = tarfile.TarInfo(name)
        if data is None:
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
        else:
            ti.size = len(data)
        ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in (xattrs or {}).items()}
        t.addfile(ti, io.BytesIO(data) if data is not None else None)
    add("ovl", None, {"trusted.overlay.opaque": "y", "trusted.overlay.redirect": "/elsewhere"})
    add("ovl/meta", b"meta-data\n", {"trusted.overlay.metacopy": "\x00\x04\x00\x00"})
    add("ovl/plain", b"plain-data\n", {"trusted.overlay.origin": "junk", "user.keep": "1"})
PY
nook import "$T/xattr.tar" xattr:1 > /dev/null || fail "import of a tar with overlay xattrs"
OUT=$(nook run --rm xattr:1 sh -c 'cat /ovl/meta /ovl/plain' 2>&1) ||
    fail "files with overlay xattrs unreadable: $OUT"
[ "$OUT" = "$(printf 'meta-data\nplain-data')" ] || fail "overlay xattr files read as: $OUT"
ok "a layer's trusted.overlay.* xattrs are dropped: its files read in a container"

echo "all $PASS engine image checks passed"
