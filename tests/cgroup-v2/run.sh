#!/bin/sh
# The cgroup v2 lane: boot Debian's kernel under qemu (TCG; nested KVM hangs
# on the build machine) with an initramfs holding busybox and the static
# cgroup test binary, mount cgroup2 as the only hierarchy, run the tests, and
# exit with their status (the guest prints it on the serial console). When a
# static nook-runtime is given, the guest then also runs runtime_check.sh:
# busybox bundles under nook-runtime with limits checked in cgroupfs.
#
# usage: run.sh CGROUPS_TEST_BINARY [NOOK_RUNTIME_BINARY]
#   GTEST_FILTER in the environment is passed to the guest.
#   NOOK_CG_SKIP_UNIT=1 skips the unit binary (runtime checks only).
#   Exits 77 (ctest "skipped") when qemu, a kernel or busybox is missing,
#   except under CI (CI set), where that is a failure: `make test` installs
#   them, so their absence means a broken install step.
set -eu
missing=77
[ -n "${CI:-}" ] && missing=1

test_bin=${1:?usage: run.sh CGROUPS_TEST_BINARY [NOOK_RUNTIME_BINARY]}
runtime_bin=${2:-}
timeout_s=${NOOK_CG_TIMEOUT:-300}

kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
busybox=$(command -v busybox || echo /bin/busybox)
for need in qemu-system-x86_64 cpio; do
    command -v "$need" >/dev/null || { echo "cgroup-v2 lane: $need not installed (make deps)"; exit $missing; }
done
[ -n "$kernel" ] || { echo "cgroup-v2 lane: no /boot/vmlinuz-* (install linux-image-amd64)"; exit $missing; }
[ -x "$busybox" ] || { echo "cgroup-v2 lane: busybox-static not installed"; exit $missing; }
if ! file -L "$test_bin" 2>/dev/null | grep -q 'statically linked' && ldd "$test_bin" >/dev/null 2>&1; then
    echo "cgroup-v2 lane: $test_bin is not statically linked"; exit 1
fi

work=$(mktemp -d /tmp/nook-cgv2-XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$test_bin" "$root/cgroups_test"
if [ -n "$runtime_bin" ]; then
    [ -x "$runtime_bin" ] || { echo "cgroup-v2 lane: $runtime_bin is not executable"; exit 1; }
    if ! file -L "$runtime_bin" 2>/dev/null | grep -q 'statically linked' && ldd "$runtime_bin" >/dev/null 2>&1; then
        echo "cgroup-v2 lane: $runtime_bin is not statically linked"; exit 1
    fi
    cp "$runtime_bin" "$root/bin/nook-runtime"
    cp "$(dirname "$0")/runtime_check.sh" "$root/runtime_check.sh"
fi

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
# pivot_root cannot move the initramfs root, so containers could not start
# from it: first move everything onto a tmpfs and make that the root.
if [ ! -e /.on-tmpfs ]; then
    /bin/busybox mkdir /newroot
    /bin/busybox mount -t tmpfs -o mode=755 root /newroot
    for f in /*; do [ "$f" = /newroot ] || /bin/busybox cp -a "$f" /newroot/; done
    /bin/busybox touch /newroot/.on-tmpfs
    exec /bin/busybox switch_root /newroot /init
fi
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "nook-cgv2: kernel $(uname -r), controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
cd /tmp
if [ "${NOOK_CG_SKIP_UNIT:-0}" = 1 ]; then echo "NOOK-CG-STATUS=0 (unit tests skipped)"; else
    /cgroups_test --gtest_color=no
    echo "NOOK-CG-STATUS=$?"
fi
if [ -x /bin/nook-runtime ]; then
    echo "NOOK-RT-BEGIN"
    sh /runtime_check.sh /bin/nook-runtime
fi
sync
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.gz"

append="console=ttyS0 panic=-1 quiet"
[ -n "${GTEST_FILTER:-}" ] && append="$append GTEST_FILTER=$GTEST_FILTER"
[ "${NOOK_CG_SKIP_UNIT:-0}" = 1 ] && append="$append NOOK_CG_SKIP_UNIT=1"
log=$work/console.log
set +e
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$work/initramfs.gz" -append "$append" </dev/null 2>&1 | tr -d '\r' | tee "$log"
set -e
status=$(sed -n 's/^NOOK-CG-STATUS=\([0-9]*\).*$/\1/p' "$log" | tail -n 1)
if [ -z "$status" ]; then
    echo "cgroup-v2 lane: no status from the guest (timeout ${timeout_s}s or crash)"
    exit 1
fi
echo "cgroup-v2 lane: guest unit tests exited with $status"
if [ -n "$runtime_bin" ]; then
    rt_fails=$(sed -n 's/^NOOK-RT-STATUS=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
    if [ -z "$rt_fails" ]; then
        echo "cgroup-v2 lane: the runtime checks did not finish (timeout ${timeout_s}s or crash)"
        exit 1
    fi
    echo "cgroup-v2 lane: runtime checks: $(grep -c '^NOOK-RT-PASS' "$log") passed, $rt_fails failed"
    grep '^NOOK-RT-FAIL' "$log" || true
    [ "$rt_fails" -eq 0 ] || [ "$status" -ne 0 ] || status=1
fi
exit "$status"
