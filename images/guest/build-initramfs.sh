#!/usr/bin/env bash
# Builds the guest's initramfs for one kernel folder (what images/kernels/fetch-kernel.sh or the lab's
# lab/backend/vm/kernel-source.ts made: vmlinuz, release, manifest, modules/) and prints its path:
#
#   images/guest/build-initramfs.sh KDIR   ->  KDIR/initramfs.cpio.gz
#
# It holds /init, /etc/fstab, the static probe at /probe, the host programs of tools.list
# (with their shared libraries) in /bin, and the modules of modules.list plus their dependencies,
# decompressed, in /lib/modules/<release> with a modules.dep; /etc/modules lists them in load order.
# KDIR/modules may be missing or a link to the user's lib/modules/<release> folder: a kernel with every
# module of modules.list built in needs none.
# The archive is rebuilt only when an input changed: a hash of every file that goes into it, and of
# this script, is kept beside it in initramfs.inputs.
set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)
readonly PROBE=$REPO/images/probe/build/probe
# shellcheck source=lab/bootstrap/system-path.sh
source "$REPO/lab/bootstrap/system-path.sh" # modprobe, depmod, modinfo, ip, sysctl: the system's

say() { printf 'build-initramfs: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ $# -eq 1 ] || die "usage: $0 KERNEL_DIR   (a folder with vmlinuz, release, manifest and modules/)"
readonly KDIR=$1 OUT=$1/initramfs.cpio.gz
[ -s "$KDIR/release" ] && [ -s "$KDIR/manifest" ] || die "$KDIR is not a kernel folder (it needs release and manifest)"
ID=$(cat "$KDIR/release")
readonly ID
command -v depmod >/dev/null || die "depmod is missing; run 'bash lab/bootstrap/bootstrap.sh vm' (Debian: apt-get install kmod)"
command -v python3 >/dev/null || die "python3 is missing (it writes the cpio archive); install python3"

# The probe is built by its own Makefile; make is quick when it is up to date.
if ! make -s -C "$REPO/images/probe" >&2; then
  die "the probe did not build; run 'bash lab/bootstrap/bootstrap.sh toolchain' and 'make -C images/probe'"
fi

list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"; }

# --- what goes in: "archive path<TAB>host file" lines -------------------------------------------------
FILES=()
add() { FILES+=("$1	$2"); }

add init "$HERE/init"
add etc/fstab "$HERE/fstab"
add probe "$PROBE"

declare -A LIBS=()
for tool in $(list "$HERE/tools.list"); do
  path=$(command -v "$tool" || true)
  [ -n "$path" ] && [ -x "$path" ] || die "'$tool' (tools.list) is not on this host; install it (e.g. 'apt-get install iproute2 util-linux kmod procps')"
  add "bin/$tool" "$(readlink -f "$path")"
  # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)":
  # each library goes where the program will look for it, as a real file.
  deps=$(ldd "$path" 2>&1 || true)
  [[ $deps != *"not found"* ]] || die "$path needs a library this host lacks: $deps"
  while read -r lib; do LIBS[$lib]=1; done < <(sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' <<<"$deps")
done
for lib in "${!LIBS[@]}"; do add "${lib#/}" "$(readlink -f "$lib")"; done

# Modules: Debian packages ship no modules.dep, so dependencies come from each module's own modinfo.
declare -A MODFILE=() LOADED=()
while read -r f; do
  m=${f##*/}; m=${m%%.ko*}; MODFILE[${m//-/_}]=$f
done < <(if [ -d "$KDIR/modules/" ]; then find -L "$KDIR/modules/" -name '*.ko*'; fi)
ORDER=()
# Not "sed | grep -q": under pipefail, grep -q leaving at the first match can kill sed with SIGPIPE and
# fail the pipeline (it did, now and then, under load: "no module 'virtio_console'" on 6.12).
builtin_module() { grep -q "/$1\.ko$" <(sed 's/-/_/g' "$KDIR/modules/modules.builtin" 2>/dev/null); }
want() { # depth first, so that a module comes after everything it depends on
  local m=${1//-/_} dep
  [ -z "${LOADED[$m]:-}" ] || return 0
  LOADED[$m]=1
  if [ -z "${MODFILE[$m]:-}" ]; then
    builtin_module "$m" && return 0
    die "kernel $ID has no module '$m', neither built in nor in its modules folder ($KDIR/modules; modules.list)"
  fi
  for dep in $(modinfo -F depends "${MODFILE[$m]}" | tr ',' ' '); do want "$dep"; done
  ORDER+=("$m")
}
mapfile -t WANTED < <(list "$HERE/modules.list")
for m in "${WANTED[@]}"; do
  if [[ $m == *'?' ]]; then # optional: a kernel that has it neither as a module nor built in goes without
    m=${m%'?'} && m=${m//-/_}
    [ -n "${MODFILE[$m]:-}" ] || builtin_module "$m" || continue
  fi
  want "$m"
done

# --- rebuild only when an input changed ----------------------------------------------------------------
HASH=$( {
  sha256sum "${BASH_SOURCE[0]}" "$HERE/mkcpio.py" "$KDIR/manifest" | cut -d' ' -f1
  printf '%s\n' "${ORDER[@]}"
  # A modules folder of the user's may change under the same manifest: its modules count too.
  for m in "${ORDER[@]}"; do sha256sum "${MODFILE[$m]}" | cut -d' ' -f1; done
  for entry in "${FILES[@]}"; do printf '%s ' "${entry%%	*}"; sha256sum "${entry#*	}" | cut -d' ' -f1; done | sort
} | sha256sum | cut -d' ' -f1)
# Parallel runs may build the same kernel's archive: one at a time, the others then find it current.
# The cache is often root's (a root run fetched the kernels); a user who may not write in it learns
# whose it is and what to do, not just "Permission denied" on the lock.
if ! { exec 9>"$KDIR/.initramfs.lock"; } 2>/dev/null; then
  die "cannot write in the kernel cache $KDIR ($(stat -c 'it belongs to %U:%G, mode %A' "$KDIR" 2>/dev/null || echo 'its owner is unknown'); this is uid $(id -u)): run as that user (e.g. as root), or set REUSELAB_CACHE to a folder this user owns (the kernels are fetched into it again)"
fi
flock 9
if [ -s "$OUT" ] && [ "$(cat "$KDIR/initramfs.inputs" 2>/dev/null)" = "$HASH" ]; then
  printf '%s\n' "$OUT"; exit 0
fi

STAGE=$KDIR/.initramfs.stage
rm -rf "$STAGE"
mkdir -p "$STAGE"/{proc,sys,dev,run,tmp,etc,bin,lib/modules}
for entry in "${FILES[@]}"; do
  dest=$STAGE/${entry%%	*}
  mkdir -p "$(dirname "$dest")"
  cp "${entry#*	}" "$dest"
done
ln -s bash "$STAGE/bin/sh"
ln -s bin "$STAGE/sbin"
# Modules go in decompressed, under their usual path, with a modules.dep that depmod writes here so
# that one modprobe in /init loads them all in dependency order (one program start instead of one per
# module: each costs ~40 ms under TCG). Decompressing here also spares the guest's CPU.
RELEASE=$(cat "$KDIR/release")
MODROOT=$STAGE/lib/modules/$RELEASE
for m in "${ORDER[@]}"; do
  f=${MODFILE[$m]} rel=${MODFILE[$m]#"$KDIR/modules/"}
  mkdir -p "$MODROOT/$(dirname "$rel")"
  case "$f" in
    *.ko.xz) xz -dc "$f" ;;
    *.ko.zst) zstd -qdc "$f" ;;
    *.ko.gz) gzip -dc "$f" ;;
    *.ko) cat "$f" ;;
    *) die "unknown module format: $f" ;;
  esac >"$MODROOT/${rel%.ko*}.ko"
done
# modules.builtin lets modprobe accept a module the kernel has built in (virtio_console on 6.12).
for f in modules.builtin modules.builtin.modinfo modules.order; do
  cp "$KDIR/modules/$f" "$MODROOT/" 2>/dev/null || : >"$MODROOT/$f"
done
depmod -b "$STAGE" "$RELEASE" || die "depmod failed for $RELEASE"
printf '%s\n' "${ORDER[@]}" >"$STAGE/etc/modules"
chmod 755 "$STAGE/init" "$STAGE/probe"

python3 "$HERE/mkcpio.py" "$STAGE" "$OUT"
printf '%s\n' "$HASH" >"$KDIR/initramfs.inputs"
rm -rf "$STAGE"
say "kernel $ID: $OUT ($(du -k "$OUT" | cut -f1) KiB; modules: ${ORDER[*]:-none})"
printf '%s\n' "$OUT"
