#!/usr/bin/env bash
# Fetches one guest kernel of kernels.yaml into the cache and prints that kernel's cache folder:
#
#   images/kernels/fetch-kernel.sh 6.1      ->  /work/main/.cache/kernels/6.1
#
# The folder holds vmlinuz (the bzImage), release (uname -r), config, manifest (package, version and the
# .deb's sha256) and modules/ (the package's /lib/modules/<release> tree). A complete folder is reused
# without touching the network; anything less is fetched again from scratch.
#
# apt runs with a private configuration: its own sources list naming only the kernel's suite, its own
# state and cache under the cache folder, and Debian's keyring. The host's sources are never touched,
# because adding a suite there would upgrade the host. apt-get verifies the .deb against the suite's
# signed Release file, so nothing here disables its checks.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lab/bootstrap/system-path.sh"

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)
readonly CACHE=${REUSELAB_CACHE:-$REPO/.cache}
readonly MIRROR=${REUSELAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# What the guest needs from a kernel; each may be built in or a module (=m), except the ones the kernel
# needs before any module can load (the initramfs itself, devtmpfs, the serial console).
readonly NEED_Y_OR_M="VIRTIO_PCI VIRTIO_CONSOLE VETH BRIDGE IPV6"
readonly NEED_Y="NET_NS BLK_DEV_INITRD RD_GZIP DEVTMPFS TMPFS SERIAL_8250_CONSOLE"

say() { printf 'fetch-kernel: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ $# -eq 1 ] || die "usage: $0 KERNEL_ID   (an id from images/kernels/kernels.yaml)"
readonly ID=$1
readonly DIR=$CACHE/kernels/$ID

complete() {
  local f
  for f in vmlinuz release config manifest; do [ -s "$DIR/$f" ] || return 1; done
  [ -d "$DIR/modules/kernel" ]
}

if complete; then printf '%s\n' "$DIR"; exit 0; fi

for cmd in apt-get apt-cache dpkg-deb sha256sum flock; do
  command -v "$cmd" >/dev/null || die "'$cmd' is missing; run 'bash lab/bootstrap/bootstrap.sh vm' (or install apt, dpkg, coreutils, util-linux)"
done
[ -r "$KEYRING" ] || die "$KEYRING is missing; install debian-archive-keyring"

# The line for this id, e.g.  - { id: "6.1", suite: bookworm, package: linux-image-cloud-amd64 }
field() { sed -n "s/.*[{ ,]$1: *\"\\{0,1\\}\\([^\", }]*\\)\"\\{0,1\\} *[,}].*/\\1/p" <<<"$LINE"; }
LINE=$(grep -E "id: *\"?${ID//./\\.}\"? *," "$HERE/kernels.yaml" || true)
[ -n "$LINE" ] || die "no kernel '$ID' in $HERE/kernels.yaml (ids: $(sed -n 's/.*id: *"\{0,1\}\([^",]*\).*/\1/p' "$HERE/kernels.yaml" | tr '\n' ' '))"
SUITE=$(field suite) PACKAGE=$(field package)
[ -n "$SUITE" ] && [ -n "$PACKAGE" ] || die "the line for '$ID' in kernels.yaml needs suite: and package: ($LINE)"

# Two fetches at once (parallel test runs) would share apt's state: one at a time, then look again.
mkdir -p "$CACHE/kernels"
exec 9>"$CACHE/kernels/.fetch.lock"
flock 9
if complete; then printf '%s\n' "$DIR"; exit 0; fi

# Everything of this fetch, apt's state included, lives in one scratch folder that is dropped at the end:
# the indexes are ~80 MB per suite and a cached kernel never needs them again.
TMP=$CACHE/kernels/.$ID.tmp
rm -rf "$TMP" && mkdir -p "$TMP/deb" "$TMP/root"
APTDIR=$TMP/apt
# shellcheck source=images/kernels/private-apt.sh
source "$(dirname "$0")/private-apt.sh"
say "fetching kernel $ID ($PACKAGE from $SUITE, $MIRROR)"
private_apt "$APTDIR" "$KEYRING" "$MIRROR" "$SUITE"

# The metapackage (linux-image-cloud-amd64) depends on exactly one versioned image package.
VERSIONED=$PACKAGE
if ! [[ $PACKAGE =~ ^linux-image-[0-9] ]]; then
  VERSIONED=$(apt-cache "${APT_OPTS[@]}" depends --no-recommends --no-suggests "$PACKAGE" |
    sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1 || true)
  [ -n "$VERSIONED" ] || die "cannot resolve $PACKAGE in $SUITE to a versioned linux-image package (does $SUITE have it? 'apt-cache depends' found none)"
fi

# As root apt downloads as its sandbox user _apt, which must be able to write where it downloads.
if [ "$(id -u)" = 0 ] && getent passwd _apt >/dev/null; then chown _apt "$TMP/deb"; fi
(cd "$TMP/deb" && apt-get "${APT_OPTS[@]}" -qq download "$VERSIONED" >&2) ||
  die "apt-get download $VERSIONED from $SUITE failed"
DEB=$(find "$TMP/deb" -name '*.deb' | head -n 1)
[ -n "$DEB" ] || die "apt-get download $VERSIONED left no .deb"
dpkg-deb -x "$DEB" "$TMP/root"

# Since usrmerge (trixie) modules may sit under /usr/lib/modules.
MODDIR=$(find "$TMP/root/lib/modules" "$TMP/root/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1 || true)
[ -n "$MODDIR" ] || die "$VERSIONED has no /lib/modules/<release> folder; is it a kernel image package?"
RELEASE=$(basename "$MODDIR")
[ -f "$TMP/root/boot/vmlinuz-$RELEASE" ] || die "$VERSIONED has no /boot/vmlinuz-$RELEASE"
[ -f "$TMP/root/boot/config-$RELEASE" ] || die "$VERSIONED has no /boot/config-$RELEASE"

missing=()
for opt in $NEED_Y_OR_M; do grep -Eq "^CONFIG_$opt=[ym]$" "$TMP/root/boot/config-$RELEASE" || missing+=("CONFIG_$opt"); done
for opt in $NEED_Y; do grep -q "^CONFIG_$opt=y$" "$TMP/root/boot/config-$RELEASE" || missing+=("CONFIG_$opt=y"); done
[ ${#missing[@]} -eq 0 ] ||
  die "$VERSIONED lacks ${missing[*]}; pick another package for '$ID' in kernels.yaml (e.g. linux-image-amd64, the generic kernel)"

mkdir -p "$TMP/out"
mv "$TMP/root/boot/vmlinuz-$RELEASE" "$TMP/out/vmlinuz"
mv "$TMP/root/boot/config-$RELEASE" "$TMP/out/config"
mv "$MODDIR" "$TMP/out/modules"
printf '%s\n' "$RELEASE" >"$TMP/out/release"
{
  printf 'id=%s\nsuite=%s\npackage=%s\n' "$ID" "$SUITE" "$PACKAGE"
  printf 'deb=%s\nversion=%s\n' "$(basename "$DEB")" "$(dpkg-deb -f "$DEB" Version)"
  printf 'sha256=%s\nrelease=%s\n' "$(sha256sum "$DEB" | cut -d' ' -f1)" "$RELEASE"
} >"$TMP/out/manifest"

rm -rf "$DIR"
mv "$TMP/out" "$DIR"
rm -rf "$TMP"
say "kernel $ID: $RELEASE ($(basename "$DEB"))"
printf '%s\n' "$DIR"
