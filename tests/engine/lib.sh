# Shared by the engine's end-to-end scripts (tests/engine*/): sourced after
# setting NOOK to the nook binary. Gives a private --root/--runroot in $T
# (removed with every container on exit), nook(), fail, ok, expect_rc,
# wait_for, expect_err, no_leftovers ID, and a busybox image "bb:1" (Cmd /bin/sh, users root and
# alice 1234:2345, group staff 50).
# Pipelines into grep use `grep >/dev/null PATTERN`, not `grep -q`: -q exits at
# the first match and, under pipefail, the writer's SIGPIPE fails the check.
T=$(mktemp -d /tmp/nook-engine-test.XXXXXX)
PASS=0
nook() { "$NOOK" --root "$T/root" --runroot "$T/run" "$@"; }

cleanup() {
    for id in $(nook ps -aq --no-trunc 2>/dev/null); do nook rm -f "$id" > /dev/null 2>&1; done
    # Anything still mounted under the temp dir is a bug, but never leave it.
    grep -o " $T[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { PASS=$((PASS + 1)); echo "ok $PASS - $*"; }
# expect_rc WANT CMD...: run CMD, check its exit code.
expect_rc() {
    local want=$1; shift
    "$@"; local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want"
}
# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
wait_for() {
    local n=$(($1 * 10)); shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
    return 1
}
# expect_err DESC WORD CMD...: exit 125 with a one-line error naming WORD.
expect_err() {
    local desc=$1 word=$2; shift 2
    local err rc
    err=$("$@" 2>&1 > /dev/null); rc=$?
    [ "$rc" = 125 ] || fail "$desc: exit $rc, want 125 ($err)"
    [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "$desc: error is not one line: $err"
    printf '%s' "$err" | grep >/dev/null -F -- "$word" || fail "$desc: error does not name '$word': $err"
}
no_leftovers() {  # ID: nothing of the container on the host
    local id=$1
    ! grep -q "$id" /proc/mounts || fail "$id: rootfs still mounted"
    for c in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do
        [ ! -e "$c/nook/$id" ] || fail "$id: cgroup $c/nook/$id left"
    done
    [ ! -e "$T/run/runtime/$id" ] || fail "$id: runtime state left"
    [ ! -e "$T/run/containers/$id" ] || fail "$id: bundle left"
    [ ! -e "$T/root/containers/$id" ] || fail "$id: log dir left"
}

# --- a busybox image --------------------------------------------------------
mkdir -p "$T/rootfs/bin" "$T/rootfs/etc"
cp /bin/busybox "$T/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$T/rootfs/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1234:2345::/home/alice:/bin/sh\n' > "$T/rootfs/etc/passwd"
printf 'root:x:0:\nstaff:x:50:\n' > "$T/rootfs/etc/group"
tar -C "$T/rootfs" -czf "$T/rootfs.tar.gz" .
nook import "$T/rootfs.tar.gz" bb:1 -c 'CMD ["/bin/sh"]' > /dev/null || fail "import"

