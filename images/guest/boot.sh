#!/usr/bin/env bash
# Boots one reuselab guest in the foreground; it runs until the host closes the control socket (the
# guest then powers off) or QEMU is killed.
#
#   images/guest/boot.sh [--print] KERNEL_DIR SOCKDIR [NPORTS]
#
# KERNEL_DIR is a kernel folder the lab prepared (lab/backend/vm/kernel-source.ts: vmlinuz, release,
# manifest, modules/); the initramfs is built in it if need be.
# SOCKDIR receives ctl.sock (the agent's control port, virtserialport "reuselab.ctl"), p0.sock ..
# p<NPORTS-1>.sock (ports "reuselab.p0".. for probes; NPORTS defaults to 16) and console.log (ttyS0).
# QEMU listens on the sockets without waiting for them; see PROTOCOL.md for when to connect. The guest
# has no network device at all: nothing in it can reach outside.
#
# --print prints QEMU's command line, one argument per line, instead of running it (after fetching the
# kernel and building the initramfs), for a host that starts QEMU itself.
#
# REUSELAB_ACCEL=kvm|tcg forces the accelerator; by default KVM is used when /dev/kvm can run a guest
# (checked once per host kernel, remembered in the cache), else TCG. REUSELAB_BOOT=bzimage boots the
# bzImage instead of the kernel's ELF vmlinux (PVH entry, the default); REUSELAB_APPEND adds to the
# kernel command line.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lab/bootstrap/system-path.sh"

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)
readonly CACHE=${REUSELAB_CACHE:-$REPO/.cache}

say() { printf 'boot: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

PRINT=false
if [ "${1:-}" = --print ]; then PRINT=true; shift; fi
[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: $0 [--print] KERNEL_DIR SOCKDIR [NPORTS]"
readonly KDIR=$1 SOCKDIR=$2 NPORTS=${3:-16}
[[ $NPORTS =~ ^[0-9]+$ ]] && [ "$NPORTS" -le 200 ] || die "NPORTS must be a number up to 200, not '$NPORTS'"
command -v qemu-system-x86_64 >/dev/null ||
  die "qemu-system-x86_64 is missing; run 'bash lab/bootstrap/bootstrap.sh vm' (Debian: apt-get install qemu-system-x86)"

[ -s "$KDIR/vmlinuz" ] || die "$KDIR has no vmlinuz: is it a kernel folder?"
INITRD=$("$HERE/build-initramfs.sh" "$KDIR")
mkdir -p "$SOCKDIR"

# KVM only if it really runs a guest: on some hosts /dev/kvm is there but QEMU fails at once ("failed
# to set MSR", "KVM internal error"). The answer is the same for every guest of this host kernel.
kvm_works() {
  [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
  local mark=$CACHE/kvm.$(uname -r)
  if [ ! -f "$mark" ]; then
    mkdir -p "$CACHE"
    # With no root file system the kernel panics at once, and panic=-1 with -no-reboot ends QEMU with
    # status 0. A failing KVM ends with an error status, or in the timeout.
    if timeout 20 qemu-system-x86_64 -accel kvm -cpu host -m 128 -nodefaults -display none -no-reboot \
         -kernel "$KDIR/vmlinuz" -append "panic=-1 quiet" -serial none >/dev/null 2>&1; then
      echo yes >"$mark"
    else
      echo no >"$mark"
    fi
  fi
  [ "$(cat "$mark")" = yes ]
}

# TCG: cx16=off because QEMU 7.2's emulated CMPXCHG16B corrupts 6.12's SLUB (about one boot in three
# dies with a slab oops in kmem_cache_alloc or list_add); without the instruction the kernel falls back
# to a lock and boots every time. Nothing socket-related depends on it.
TCG=(-accel tcg -cpu max,cx16=off)
case "${REUSELAB_ACCEL:-auto}" in
  kvm) ACCEL=(-accel kvm -cpu host) ;;
  tcg) ACCEL=("${TCG[@]}") ;;
  auto) if kvm_works; then ACCEL=(-accel kvm -cpu host); else ACCEL=("${TCG[@]}"); fi ;;
  *) die "REUSELAB_ACCEL must be kvm, tcg or auto, not '$REUSELAB_ACCEL'" ;;
esac

# The ELF vmlinux boots through its PVH entry point, skipping the bzImage's decompression (0.2 s for
# LZ4 kernels, 0.7 s for 6.12's zstd under TCG). It is extracted once; if that fails, the bzImage it is.
KERNEL=$KDIR/vmlinuz
case "${REUSELAB_BOOT:-pvh}" in
  pvh)
    if [ -s "$KDIR/vmlinux" ] || python3 "$HERE/extract-vmlinux.py" "$KDIR/vmlinuz" "$KDIR/vmlinux"; then
      KERNEL=$KDIR/vmlinux
    else
      say "booting the bzImage: no vmlinux could be extracted from it (see above)"
    fi ;;
  bzimage) ;;
  *) die "REUSELAB_BOOT must be pvh or bzimage, not '$REUSELAB_BOOT'" ;;
esac

# Ports are spread over several virtio-serial-pci devices, PER_BUS on each (the control port is the
# first of the first). A device announces its ports, and that the host is connected to each, on a
# control queue of 32 buffers, and QEMU drops what does not fit while the booting guest catches up:
# with 17 ports on one device the last three never learnt that the host had connected, so their probes
# read EOF at once. The announcements take up to ~3 buffers a port; 8 ports leave room to spare.
# max_ports is the ports plus port 0, which QEMU keeps for a console; fewer ports, fewer virtqueues.
PER_BUS=8
bus() { PORTS+=(-device "virtio-serial-pci,id=vs$1,max_ports=$((PER_BUS + 1))"); }
PORTS=()
bus 0
PORTS+=(-chardev "socket,id=ctl,path=$SOCKDIR/ctl.sock,server=on,wait=off"
  -device "virtserialport,bus=vs0.0,chardev=ctl,name=reuselab.ctl")
for ((i = 0, n = 1; i < NPORTS; i++, n++)); do
  if [ $((n % PER_BUS)) -eq 0 ]; then bus $((n / PER_BUS)); fi
  PORTS+=(-chardev "socket,id=p$i,path=$SOCKDIR/p$i.sock,server=on,wait=off"
    -device "virtserialport,bus=vs$((n / PER_BUS)).0,chardev=p$i,name=reuselab.p$i")
done

# -nodefaults: no VGA, no default NIC, no monitor on stdio (what -nographic would add); the guest gets
# exactly the devices listed. -nic none says it once more: no network device, by construction.
# cryptomgr.notests skips the kernel's crypto self-tests at boot (0.2 s under TCG): they test the
# crypto code, which no case is about. no_timer_check: on a busy host TCG runs the guest so slowly that
# the kernel's check of the IO-APIC timer (a few ticks within a busy loop) fails, and 7.2 then panics
# in setup_IO_APIC ("IO-APIC + timer doesn't work!"); QEMU's timer is fine, the check is what fails.
QEMU=("$(command -v qemu-system-x86_64)" "${ACCEL[@]}" -machine pc -m 512 -smp 1
  -nodefaults -no-user-config -display none -nic none -no-reboot
  -kernel "$KERNEL" -initrd "$INITRD"
  -append "console=ttyS0 mitigations=off quiet panic=-1 cryptomgr.notests no_timer_check${REUSELAB_APPEND:+ $REUSELAB_APPEND}"
  -serial "file:$SOCKDIR/console.log"
  "${PORTS[@]}")

if $PRINT; then printf '%s\n' "${QEMU[@]}"; exit 0; fi
exec "${QEMU[@]}"
