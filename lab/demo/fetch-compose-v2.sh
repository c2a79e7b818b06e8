#!/usr/bin/env bash
# Fetches Docker Compose v2 into the cache and prints the path of its binary:
#
#   lab/demo/fetch-compose-v2.sh   ->  /work/main/.cache/compose-v2/docker-compose
#
# Debian bookworm ships only compose v1 (docker-compose 1.29.2); v2 is trixie's `docker-compose`
# package. Its binary is a Go program that runs standalone (`docker-compose up`, no docker CLI plugin
# needed), so it is only downloaded and unpacked here, never installed: the host's apt sources and
# dpkg state are not touched, and nothing else of trixie comes along.
#
# apt runs with a private configuration (as images/kernels/fetch-kernel.sh does): its own sources list
# naming only trixie, its own state and cache, and Debian's keyring; it verifies the .deb against the
# suite's signed Release file. A cached binary that runs is reused without touching the network.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bootstrap/system-path.sh"

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)
readonly CACHE=${REUSELAB_CACHE:-$REPO/.cache}
readonly MIRROR=${REUSELAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly SUITE=trixie
readonly PACKAGE=docker-compose
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
readonly DIR=$CACHE/compose-v2
readonly BIN=$DIR/docker-compose

say() { printf 'fetch-compose-v2: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usable() { [ -x "$BIN" ] && "$BIN" version --short 2>/dev/null | grep -q '^v\{0,1\}2\.'; }

if usable; then printf '%s\n' "$BIN"; exit 0; fi

for cmd in apt-get dpkg-deb sha256sum flock; do
  command -v "$cmd" >/dev/null || die "'$cmd' is missing (apt, dpkg, coreutils, util-linux)"
done
[ -r "$KEYRING" ] || die "$KEYRING is missing; install debian-archive-keyring"

mkdir -p "$DIR"
exec 9>"$DIR/.fetch.lock"
flock 9
if usable; then printf '%s\n' "$BIN"; exit 0; fi

# The indexes (~100 MB) are dropped at the end: only the binary and its manifest are kept.
TMP=$DIR/.tmp
rm -rf "$TMP" && mkdir -p "$TMP/deb" "$TMP/root"
APTDIR=$TMP/apt
# shellcheck source=images/kernels/private-apt.sh
source "$(dirname "$0")/../../images/kernels/private-apt.sh"
say "fetching $PACKAGE from $SUITE ($MIRROR)"
private_apt "$APTDIR" "$KEYRING" "$MIRROR" "$SUITE"
if [ "$(id -u)" = 0 ] && getent passwd _apt >/dev/null; then chown _apt "$TMP/deb"; fi
(cd "$TMP/deb" && apt-get "${APT_OPTS[@]}" -qq download "$PACKAGE" >&2) || die "apt-get download $PACKAGE from $SUITE failed"
DEB=$(find "$TMP/deb" -name '*.deb' | head -n 1)
[ -n "$DEB" ] || die "apt-get download $PACKAGE left no .deb"
dpkg-deb -x "$DEB" "$TMP/root"

# The package installs the binary as a docker CLI plugin.
FOUND=$(find "$TMP/root" -type f -name docker-compose -perm -u+x | head -n 1)
[ -n "$FOUND" ] || die "$(basename "$DEB") holds no docker-compose binary"
mv "$FOUND" "$BIN.new"
"$BIN.new" version --short >/dev/null 2>&1 ||
  die "the docker-compose of $(basename "$DEB") does not run on this machine: $("$BIN.new" version 2>&1 | head -n 1)"
{
  printf 'suite=%s\npackage=%s\ndeb=%s\n' "$SUITE" "$PACKAGE" "$(basename "$DEB")"
  printf 'version=%s\nsha256=%s\n' "$(dpkg-deb -f "$DEB" Version)" "$(sha256sum "$DEB" | cut -d' ' -f1)"
} >"$DIR/manifest"
mv "$BIN.new" "$BIN"
rm -rf "$TMP"
say "compose $("$BIN" version --short) ($(basename "$DEB"))"
printf '%s\n' "$BIN"
