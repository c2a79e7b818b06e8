#!/usr/bin/env bash
# Builds a Debian bookworm root with the packages a service audit needs and imports it as a Docker
# image, without any registry: debootstrap fetches from Debian's mirror, 'docker import' makes the image.
#
#   bash images/services/build-rootfs.sh TAG PACKAGE...
#
# The caller (lab/audit/service-image.ts) names the tag after a hash of the package list, so the image
# is built once per list. Any failure exits non-zero; the temporary root is removed on every exit,
# Ctrl-C included.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lab/bootstrap/system-path.sh"

readonly MIRROR=${REUSELAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly SUITE=bookworm

[ $# -ge 2 ] || { echo "usage: $0 TAG PACKAGE..." >&2; exit 2; }
tag=$1; shift
packages=$(IFS=,; echo "$*")

command -v debootstrap >/dev/null 2>&1 ||
  { echo "build-rootfs: debootstrap is missing (bash lab/bootstrap/bootstrap.sh audit)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "build-rootfs: debootstrap needs root" >&2; exit 2; }

# One build at a time on this host: a second caller of the same tag waits, then finds it built.
exec 9>/tmp/reuselab-service-image.lock
flock 9
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi

work=$(mktemp -d /tmp/reuselab-rootfs.XXXXXX)
root=$work/root
log=$work/debootstrap.log
child=
cleanup() {
  if [ -n "$child" ]; then kill -- -"$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  # debootstrap may leave /proc or /sys mounted inside the root when interrupted.
  for m in proc sys dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# In the background and waited for: bash runs a trap only once the foreground child is done, and
# an interrupted build must stop debootstrap (its process group: wget, dpkg) before its root is removed.
setsid debootstrap --variant=minbase --include="$packages" "$SUITE" "$root" "$MIRROR" >"$log" 2>&1 9>&- &
child=$!
wait "$child" || { tail -n 30 "$log" >&2; echo "build-rootfs: debootstrap failed (its log's end is above)" >&2; exit 1; }
child=

# A service image has no use for apt's lists or docs; the package cache alone is ~40 MB.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*

tar -C "$root" -c . | docker import \
  --change 'CMD ["/bin/sh"]' \
  --message "reuselab service root: $SUITE minbase + $packages" \
  - "$tag" >/dev/null
echo "$tag"
