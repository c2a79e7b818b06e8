#!/usr/bin/env bash
# Unpacks one guest kernel into a cache folder and prints that folder. Its inputs come from the lab
# (lab/backend/vm/kernel-source.ts), which reads images/kernels/kernels.yaml and --kernel:
#
#   images/kernels/fetch-kernel.sh debian SUITE PACKAGE MIRROR OUTDIR   a package of a Debian suite
#   images/kernels/fetch-kernel.sh deb FILE OUTDIR                      a kernel package file
#
# OUTDIR then holds vmlinuz (the bzImage), release (uname -r), config (the package's /boot/config, when
# it has one), manifest (key=value lines: source, package, version, the .deb's sha256, release) and
# modules/ (the package's /lib/modules/<release> tree). A complete folder is reused without touching
# the network; anything less is made again from scratch. Whether the kernel has what the guest needs is
# checked by the lab (lab/backend/vm/kernel-config.ts), not here.
#
# apt runs with a private configuration: its own sources list naming only the kernel's suite, its own
# state and cache in a scratch folder, and Debian's keyring. The host's sources are never touched,
# because adding a suite there would upgrade the host. apt-get verifies the .deb against the suite's
# signed Release file, so nothing here disables its checks.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lab/bootstrap/system-path.sh"

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

say() { printf 'fetch-kernel: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() { die "usage: $0 debian SUITE PACKAGE MIRROR OUTDIR | $0 deb FILE OUTDIR"; }

case "${1:-}" in
  debian) [ $# -eq 5 ] || usage; readonly KIND=debian SUITE=$2 PACKAGE=$3 MIRROR=$4 DIR=$5 ;;
  deb) [ $# -eq 3 ] || usage; readonly KIND=deb FILE=$2 DIR=$3 ;;
  *) usage ;;
esac

complete() {
  local f
  for f in vmlinuz release manifest; do [ -s "$DIR/$f" ] || return 1; done
  [ -d "$DIR/modules" ]
}

if complete; then printf '%s\n' "$DIR"; exit 0; fi

for cmd in apt-get apt-cache dpkg-deb sha256sum flock; do
  command -v "$cmd" >/dev/null || die "'$cmd' is missing; run 'bash lab/bootstrap/bootstrap.sh vm' (or install apt, dpkg, coreutils, util-linux)"
done

# Two fetches of one kernel at once (parallel test runs): one at a time, then look again.
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9
if complete; then printf '%s\n' "$DIR"; exit 0; fi

# Everything of this fetch, apt's state included, lives in one scratch folder that is dropped at the end:
# the indexes are ~80 MB per suite and a cached kernel never needs them again.
TMP=$DIR.tmp
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM # so that the EXIT trap runs on Ctrl-C and kill too
rm -rf "$TMP" && mkdir -p "$TMP/deb" "$TMP/root"

if [ "$KIND" = debian ]; then
  [ -r "$KEYRING" ] || die "$KEYRING is missing; install debian-archive-keyring"
  APTDIR=$TMP/apt
  # shellcheck source=images/kernels/private-apt.sh
  source "$HERE/private-apt.sh"
  say "fetching $PACKAGE from $SUITE ($MIRROR)"
  private_apt "$APTDIR" "$KEYRING" "$MIRROR" "$SUITE"
  # A metapackage (linux-image-cloud-amd64) depends on exactly one versioned image package.
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
  # Since Linux 7 (forky, sid) the image package is split: it depends on the exact versions of
  # linux-binary-<release> (vmlinuz), linux-modules-<release> and linux-base-<release>. They come too.
  PARTS=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' |
    sed -n 's/^ *\(linux-\(binary\|modules\|base\)-[^ ]*\) *(= *\([^)]*\)).*/\1=\3/p')
  for part in $PARTS; do
    (cd "$TMP/deb" && apt-get "${APT_OPTS[@]}" -qq download "$part" >&2) || die "apt-get download $part (a part of $VERSIONED) from $SUITE failed"
  done
  ORIGIN="suite=$SUITE
mirror=$MIRROR
deb=$(basename "$DEB")"
else
  [ -f "$FILE" ] && [ -r "$FILE" ] || die "cannot read the kernel package $FILE"
  DEB=$FILE
  ORIGIN="path=$(readlink -f "$FILE")"
fi
WHAT=$(dpkg-deb -f "$DEB" Package 2>/dev/null) || die "$DEB is not a Debian package (dpkg-deb cannot read it)"
dpkg-deb -x "$DEB" "$TMP/root"
PARTS_LINE=
if [ "$KIND" = debian ]; then
  for part in "$TMP"/deb/*.deb; do
    [ "$part" != "$DEB" ] || continue
    dpkg-deb -x "$part" "$TMP/root"
    PARTS_LINE+="$(dpkg-deb -f "$part" Package):$(sha256sum "$part" | cut -d' ' -f1) "
  done
fi

# Since usrmerge (trixie) modules may sit under /usr/lib/modules.
MODDIR=$(find "$TMP/root/lib/modules" "$TMP/root/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1 || true)
if [ -z "$MODDIR" ] && [ "$KIND" = deb ] && dpkg-deb -f "$DEB" Depends | grep -q 'linux-binary-'; then
  die "$WHAT ($DEB) is split: its kernel and modules are in the linux-binary-… and linux-modules-… packages it depends on; give debian:SUITE/$WHAT, or unpack the parts (dpkg-deb -x) and give IMAGE:MODULES_DIR"
fi
[ -n "$MODDIR" ] || die "$WHAT ($DEB) has no /lib/modules/<release> folder; is it a kernel image package (linux-image-…)?"
RELEASE=$(basename "$MODDIR")
# /boot/vmlinuz-<release> and /boot/config-<release>; in the split packages of Linux 7 (sid, forky)
# they sit in the modules folder as vmlinuz and config (and move out of it, into the cache folder).
VMLINUZ=$(find "$TMP/root/boot" "$MODDIR" -maxdepth 1 \( -name "vmlinuz-$RELEASE" -o -path "$MODDIR/vmlinuz" \) 2>/dev/null | head -n 1 || true)
[ -n "$VMLINUZ" ] || die "$WHAT has no /boot/vmlinuz-$RELEASE"

mkdir -p "$TMP/out"
mv "$VMLINUZ" "$TMP/out/vmlinuz"
CONFIG=$(find "$TMP/root/boot" "$MODDIR" -maxdepth 1 \( -name "config-$RELEASE" -o -path "$MODDIR/config" \) 2>/dev/null | head -n 1 || true)
if [ -n "$CONFIG" ]; then mv "$CONFIG" "$TMP/out/config"; fi
mv "$MODDIR" "$TMP/out/modules"
printf '%s\n' "$RELEASE" >"$TMP/out/release"
{
  printf 'source=%s\n%s\npackage=%s\n' "$KIND" "$ORIGIN" "$WHAT"
  printf 'version=%s\n' "$(dpkg-deb -f "$DEB" Version)"
  printf 'sha256=%s\nrelease=%s\n' "$(sha256sum "$DEB" | cut -d' ' -f1)" "$RELEASE"
  if [ -n "$PARTS_LINE" ]; then printf 'parts=%s\n' "${PARTS_LINE% }"; fi
} >"$TMP/out/manifest"

rm -rf "$DIR"
mv "$TMP/out" "$DIR"
say "$RELEASE ($WHAT $(dpkg-deb -f "$DEB" Version)) in $DIR"
printf '%s\n' "$DIR"
