#!/bin/bash
# Integration tests for nook's images against Debian's docker-registry on
# 127.0.0.1 (ephemeral port, temp storage). Needs root (mounts, chown).
# Usage: run.sh /path/to/nook
# Everything it starts (registry, token proxy) is stopped by pid, every mount
# unmounted and the temp dir removed on exit.
set -euo pipefail

NOOK=$(readlink -f "${1:?usage: run.sh NOOK_BINARY}")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/nook-image-it.XXXXXX)
PIDS=()
MOUNTS=()
PASS=0

cleanup() {
    set +e
    for m in "${MOUNTS[@]}"; do umount -l "$m" 2>/dev/null; done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { PASS=$((PASS + 1)); echo "ok $PASS - $*"; }
nook() { local root=$1; shift; "$NOOK" --root "$T/$root" --runroot "$T/run-$root" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {
    for _ in $(seq 1 100); do
        if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass
PY
        sleep 0.1
    done
    fail "nothing answers at $1"
}
mount_and_check() {  # root image container: mounts, echoes the mountpoint
    local mp="$T/mnt-$3"
    mkdir -p "$mp"
    nook "$1" image mount "$2" "$3" "$mp" > /dev/null
    MOUNTS+=("$mp")
    echo "$mp"
}
unmount_c() { nook "$1" image unmount "$2" "$T/mnt-$2"; }
# Everything a failed operation could leave: blobs, snapshots, temp and
# partial files, and the image index.
store_state() {
    (cd "$T/$1/image" && find blobs/sha256 snapshots tmp -mindepth 1 -maxdepth 1 | sort
     md5sum images.json 2> /dev/null; true)
}
# expect_untouched ROOT DESC CMD...: CMD fails and the store is as it was.
expect_untouched() {
    local root=$1 desc=$2; shift 2
    local before
    before=$(store_state "$root")
    if "$@" > "$T/failed.log" 2>&1; then fail "$desc succeeded"; fi
    grep -q '^nook: ' "$T/failed.log" || fail "$desc: no error line: $(cat "$T/failed.log")"
    local after
    after=$(store_state "$root")
    [ "$after" = "$before" ] || fail "$desc left things in the store:
$(diff <(echo "$before") <(echo "$after"))"
}

command -v docker-registry > /dev/null || fail "docker-registry not installed (apt-get install docker-registry)"

# --- a local registry -------------------------------------------------------
PORT=$(free_port)
REG=127.0.0.1:$PORT
mkdir -p "$T/registry"
cat > "$T/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $T/registry
  delete:
    enabled: true
http:
  addr: $REG
YML
docker-registry serve "$T/registry.yml" > "$T/registry.log" 2>&1 &
PIDS+=($!)
wait_http "http://$REG/v2/"
ok "registry listening on $REG"

# --- a busybox rootfs imported and pushed -----------------------------------
mkdir -p "$T/rootfs/bin" "$T/rootfs/etc"
cp /bin/busybox "$T/rootfs/bin/busybox"
for a in sh ls cat echo; do ln -s busybox "$T/rootfs/bin/$a"; done
echo "nook-image-test" > "$T/rootfs/etc/marker"
tar -C "$T/rootfs" -czf "$T/rootfs.tar.gz" .
ID=$(nook A import "$T/rootfs.tar.gz" bb:1 -c 'CMD ["/bin/sh"]')
[[ $ID == sha256:* ]] || fail "import printed '$ID'"
nook A images | grep -q '^bb .*1' || fail "imported image not listed"
MP=$(mount_and_check A bb:1 ca)
cmp "$MP/bin/busybox" /bin/busybox || fail "imported busybox differs"
[ "$(readlink "$MP/bin/sh")" = busybox ] || fail "symlink lost"
unmount_c A ca
ok "import of a rootfs tar"

OUT=$(nook A push --chunk-size 300000 bb:1 "$REG/test/busybox:1")
DIGEST=$(echo "$OUT" | sed -n 's/^digest: //p')
[[ $DIGEST == sha256:* ]] || fail "push printed no digest: $OUT"
ok "push (chunked) to $REG/test/busybox:1"
nook A push bb:1 "$REG/test/mono:1" > /dev/null
ok "push (monolithic)"
# Cross-repo mount: the blobs are in test/busybox already.
OUT=$(nook A push bb:1 "$REG/other/busybox:1" 2>&1) || fail "push with mount: $OUT"
echo "$OUT" | grep -q "Mounted from" || fail "no cross-repo mount: $OUT"
ok "push uses cross-repository mount"

if command -v skopeo > /dev/null; then
    skopeo inspect --tls-verify=false "docker://$REG/test/busybox:1" > "$T/skopeo.json"
    grep -q '"Architecture": "amd64"' "$T/skopeo.json" || fail "skopeo sees no amd64 image"
    ok "skopeo reads what nook pushed"
fi

# --- pull by tag and by digest into fresh stores ----------------------------
nook B pull "$REG/test/busybox:1" > "$T/pull.log" || { cat "$T/pull.log"; fail "pull by tag"; }
grep -q "Digest: $DIGEST" "$T/pull.log" || fail "pull reported another digest"
[ "$(nook B image inspect -f '{{.Id}}' "$REG/test/busybox:1")" = "$ID" ] || fail "pulled id differs"
MP=$(mount_and_check B "$REG/test/busybox:1" cb)
cmp "$MP/bin/busybox" /bin/busybox || fail "pulled busybox differs"
[ "$(cat "$MP/etc/marker")" = nook-image-test ] || fail "pulled marker differs"
echo changed > "$MP/etc/marker"   # goes to the container's upper dir only
unmount_c B cb
MP=$(mount_and_check B "$REG/test/busybox:1" cb2)
[ "$(cat "$MP/etc/marker")" = nook-image-test ] || fail "a container write leaked into the layer"
unmount_c B cb2
mkdir -p "$T/mnt-copy"
nook B image mount --copy "$REG/test/busybox:1" copy "$T/mnt-copy" > /dev/null
MOUNTS+=("$T/mnt-copy")
cmp "$T/mnt-copy/bin/busybox" /bin/busybox || fail "copy-fallback rootfs differs"
nook B image unmount copy "$T/mnt-copy"
ok "pull by tag, rootfs verified (overlay and copy fallback)"

nook C pull -q "$REG/test/busybox@$DIGEST" > /dev/null
[ "$(nook C image inspect -f '{{.Id}}' "$REG/test/busybox@$DIGEST")" = "$ID" ] || fail "pull by digest"
nook C images --format json | grep -q "\"Digest\":\"$DIGEST\"" || fail "digest not recorded"
ok "pull by digest"

if command -v skopeo > /dev/null; then
    nook A save --format oci-dir -o "$T/layout" bb:1
    skopeo copy -q --dest-tls-verify=false "oci:$T/layout" "docker://$REG/interop/bb:oci" 2>&1
    nook C pull -q "$REG/interop/bb:oci" > /dev/null
    MP=$(mount_and_check C "$REG/interop/bb:oci" cc)
    cmp "$MP/bin/busybox" /bin/busybox || fail "skopeo-pushed image differs"
    unmount_c C cc
    ok "pull of an image pushed by skopeo"
fi

# --- multi-platform index ---------------------------------------------------
python3 "$HERE/registry_tool.py" multi "$REG" test/busybox 1 multi > "$T/index.digest"
nook D pull -q "$REG/test/busybox:multi" > /dev/null
[ "$(nook D image inspect -f '{{.Architecture}}' "$REG/test/busybox:multi")" = amd64 ] || fail "index: not amd64"
MP=$(mount_and_check D "$REG/test/busybox:multi" cd1)
[ -x "$MP/bin/busybox" ] && [ ! -e "$MP/arch" ] || fail "index: wrong rootfs"
unmount_c D cd1
nook E pull -q --platform linux/arm64 "$REG/test/busybox:multi" > /dev/null
MP=$(mount_and_check E "$REG/test/busybox:multi" ce)
[ "$(cat "$MP/arch")" = arm64 ] || fail "--platform linux/arm64 did not pick arm64"
unmount_c E ce
ok "multi-platform index picks amd64 (and --platform arm64)"

# --- token auth through a proxy ---------------------------------------------
PPORT=$(free_port)
python3 "$HERE/token_proxy.py" "$PPORT" "$PORT" nook s3cret "$T/proxy.port" &
PIDS+=($!)
wait_http "http://127.0.0.1:$PPORT/v2/"
AUTH="$T/auth/config.json"
if nook F pull --authfile "$AUTH" "127.0.0.1:$PPORT/test/busybox:1" > "$T/noauth.log" 2>&1; then
    fail "pull without credentials succeeded"
fi
grep -q "401" "$T/noauth.log" || fail "no 401 reported: $(cat "$T/noauth.log")"
if nook F login --authfile "$AUTH" -u nook -p wrong "127.0.0.1:$PPORT" > /dev/null 2>&1; then
    fail "login with a wrong password succeeded"
fi
echo s3cret | nook F login --authfile "$AUTH" -u nook --password-stdin "127.0.0.1:$PPORT" | grep -q "Login Succeeded"
grep -q "\"127.0.0.1:$PPORT\"" "$AUTH" || fail "credentials not stored"
grep -q "$(printf nook:s3cret | base64)" "$AUTH" || fail "credentials not in docker format"
nook F pull -q --authfile "$AUTH" "127.0.0.1:$PPORT/test/busybox:1" > /dev/null
[ "$(nook F image inspect -f '{{.Id}}' "127.0.0.1:$PPORT/test/busybox:1")" = "$ID" ] || fail "token pull id"
nook F logout --authfile "$AUTH" "127.0.0.1:$PPORT" | grep -q Removing
! grep -q "\"127.0.0.1:$PPORT\"" "$AUTH" || fail "logout kept credentials"
ok "Bearer token auth, login and logout"

# --- save / load round trip ---------------------------------------------------
nook A save -o "$T/bb.tar" bb:1
nook G load -i "$T/bb.tar" | grep -q "Loaded image: bb:1" || fail "load output"
[ "$(nook G image inspect -f '{{.Id}}' bb:1)" = "$ID" ] || fail "load: different id"
[ "$(nook G image inspect -f '{{.ManifestDigest}}' bb:1)" = "$(nook A image inspect -f '{{.ManifestDigest}}' bb:1)" ] ||
    fail "load: different manifest digest"
[ "$(nook G image inspect -f '{{json .RootFS}}' bb:1)" = "$(nook A image inspect -f '{{json .RootFS}}' bb:1)" ] ||
    fail "load: different layers"
# A legacy docker-archive (manifest.json + <id>.json + <dir>/layer.tar).
mkdir -p "$T/legacy/l1"
cp "$T/A/image/blobs/sha256/${ID#sha256:}" "$T/legacy/cfg.json"
gzip -dc "$T/rootfs.tar.gz" > "$T/legacy/l1/layer.tar"
echo '[{"Config":"cfg.json","RepoTags":["legacy:1"],"Layers":["l1/layer.tar"]}]' > "$T/legacy/manifest.json"
tar -C "$T/legacy" -cf "$T/legacy.tar" manifest.json cfg.json l1
nook G load -i "$T/legacy.tar" > /dev/null
[ "$(nook G image inspect -f '{{.Id}}' legacy:1)" = "$ID" ] || fail "docker-archive load id"
ok "save then load round-trips to the same digests; docker-archive loads"

# --- concurrent pulls of the same image ---------------------------------------
nook H pull -q "$REG/test/busybox:1" > "$T/c1.log" 2>&1 &
P1=$!
nook H pull -q "$REG/test/busybox:1" > "$T/c2.log" 2>&1 &
P2=$!
wait $P1 || fail "concurrent pull 1: $(cat "$T/c1.log")"
wait $P2 || fail "concurrent pull 2: $(cat "$T/c2.log")"
[ "$(nook H images -q | wc -l)" = 1 ] || fail "concurrent pulls made several images"
[ "$(ls "$T/H/image/snapshots" | wc -l)" = 1 ] || fail "layer unpacked twice"
MP=$(mount_and_check H "$REG/test/busybox:1" ch)
cmp "$MP/bin/busybox" /bin/busybox || fail "concurrent pull rootfs"
unmount_c H ch
ok "two concurrent pulls of the same image"

# --- rmi / prune --------------------------------------------------------------
nook B rmi "$REG/test/busybox:1" | grep -q Deleted || fail "rmi"
[ -z "$(ls "$T/B/image/snapshots")" ] || fail "rmi left snapshots"
[ -z "$(ls "$T/B/image/blobs/sha256")" ] || fail "rmi left blobs"
ok "rmi removes the image and its unused layers"

# --- failed import / load / pull leave the store as it was ---------------------
SIZE=$(stat -c %s "$T/rootfs.tar.gz")
head -c $((SIZE / 2)) "$T/rootfs.tar.gz" > "$T/trunc.tar.gz"
expect_untouched A "import of a truncated tar" nook A import "$T/trunc.tar.gz" trunc:1
head -c 20000 /dev/urandom > "$T/garbage.tar"
expect_untouched A "import of garbage" nook A import "$T/garbage.tar" garbage:1
# Overlay xattrs in a layer are dropped: the file reads in the image's rootfs.
python3 - "$T/ovl.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for name, data, xattrs in [
            ("d", None, {"trusted.overlay.opaque": "y", "trusted.overlay.redirect": "/x"}),
            ("d/meta", b"meta\n", {"trusted.overlay.metacopy": "\x00\x04\x00\x00"}),
            ("plain", b"plain\n", {"trusted.overlay.origin": "junk"})]:
        ti = tarfile.TarInfo(name)
        if data is None:
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
        else:
            ti.size = len(data)
        ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
        t.addfile(ti, io.BytesIO(data) if data is not None else None)
PY
nook A import "$T/ovl.tar" ovl:1 > /dev/null
MP=$(mount_and_check A ovl:1 covl)
[ "$(cat "$MP/d/meta" "$MP/plain" 2>&1)" = "$(printf 'meta\nplain')" ] ||
    fail "a layer's overlay xattrs made files unreadable: $(cat "$MP/d/meta" "$MP/plain" 2>&1)"
unmount_c A covl
ok "failed imports leave nothing; overlay xattrs in a layer are dropped"

SIZE=$(stat -c %s "$T/bb.tar")
head -c $((SIZE / 2)) "$T/bb.tar" > "$T/trunc.tar"
expect_untouched G "load of a truncated archive" nook G load -i "$T/trunc.tar"
# Complete archive, but the manifest names a layer it does not hold.
mkdir -p "$T/missing"
cp "$T/legacy/cfg.json" "$T/missing/cfg.json"
echo '[{"Config":"cfg.json","RepoTags":["missing:1"],"Layers":["nope/layer.tar"]}]' > "$T/missing/manifest.json"
tar -C "$T/missing" -cf "$T/missing.tar" manifest.json cfg.json
expect_untouched G "load of an archive without its layer" nook G load -i "$T/missing.tar"
# Two images; the second one's layer is not a tar: neither is added.
mkdir -p "$T/two/l1" "$T/two/l2"
cp "$T/legacy/l1/layer.tar" "$T/two/l1/layer.tar"
head -c 5000 /dev/urandom > "$T/two/l2/layer.tar"
python3 - "$T/legacy/cfg.json" "$T/two" <<'PY'
import hashlib, json, sys
cfg = json.load(open(sys.argv[1]))
cfg["config"]["Labels"] = {"first": "1"}
open(sys.argv[2] + "/c1.json", "w").write(json.dumps(cfg))
bad = open(sys.argv[2] + "/l2/layer.tar", "rb").read()
cfg["rootfs"]["diff_ids"] = ["sha256:" + hashlib.sha256(bad).hexdigest()]
open(sys.argv[2] + "/c2.json", "w").write(json.dumps(cfg))
json.dump([{"Config": "c1.json", "RepoTags": ["two:1"], "Layers": ["l1/layer.tar"]},
           {"Config": "c2.json", "RepoTags": ["two:2"], "Layers": ["l2/layer.tar"]}],
          open(sys.argv[2] + "/manifest.json", "w"))
PY
tar -C "$T/two" -cf "$T/two.tar" manifest.json c1.json c2.json l1 l2
expect_untouched G "load with a broken second image" nook G load -i "$T/two.tar"
! nook G images | grep -q '^two' || fail "a failed load added an image"
ok "failed loads (truncated, missing layer, broken second image) leave nothing"

# A pull whose layer blob the registry no longer has (404 mid-pull): the
# config and a partial download were written before the failure.
mkdir -p "$T/rootfs3"
echo other > "$T/rootfs3/other"
tar -C "$T/rootfs3" -czf "$T/rootfs3.tar.gz" .
nook A import "$T/rootfs3.tar.gz" other:1 > /dev/null
nook A push other:1 "$REG/test/other:1" > /dev/null
OLAYER=$(nook A image inspect -f '{{.ManifestDigest}}' other:1 | sed 's/sha256://')
OLAYER=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' \
             "$T/A/image/blobs/sha256/$OLAYER")
OHEX=${OLAYER#sha256:}
rm -f "$T/registry/docker/registry/v2/blobs/sha256/${OHEX:0:2}/$OHEX/data"
expect_untouched G "pull of an image with a missing blob" nook G pull "$REG/test/other:1"
ok "a pull that fails mid-way (missing blob) leaves nothing, partial files included"

# --- a corrupted blob in the registry is rejected -----------------------------
LAYER=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["layers"][0]["digest"])' \
            "$T/A/image/blobs/sha256/$(nook A image inspect -f '{{.ManifestDigest}}' bb:1 | sed 's/sha256://')")
HEX=${LAYER#sha256:}
DATA="$T/registry/docker/registry/v2/blobs/sha256/${HEX:0:2}/$HEX/data"
[ -f "$DATA" ] || fail "cannot find the layer in registry storage"
python3 - "$DATA" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(bytes(b))
PY
nook I import "$T/rootfs3.tar.gz" other:1 > /dev/null   # the store is not empty
BEFORE=$(store_state I)
if nook I pull "$REG/test/busybox:1" > "$T/corrupt.log" 2>&1; then fail "corrupted blob accepted"; fi
[ "$(store_state I)" = "$BEFORE" ] || fail "a corrupt pull changed the store:
$(diff <(echo "$BEFORE") <(store_state I))"
grep -qiE "digest mismatch|corrupt" "$T/corrupt.log" || fail "unclear error: $(cat "$T/corrupt.log")"
sed 's/^/    # /' "$T/corrupt.log"
[ "$(nook I images -q | wc -l)" = 1 ] || fail "a corrupt pull left an image"
[ "$(ls "$T/I/image/snapshots" | wc -l)" = 1 ] || fail "a corrupt pull left a snapshot"
[ -z "$(ls "$T/I/image/tmp")" ] || fail "a corrupt pull left temp files: $(ls "$T/I/image/tmp")"
ok "a corrupted blob is rejected and nothing partial stays"

echo "all $PASS image integration checks passed"
