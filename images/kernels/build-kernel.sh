#!/usr/bin/env bash
# Builds a small guest kernel from Debian's linux-source package: the kernel developer's loop (change
# the kernel, build, see which cases change). It prints the build tree, which `--kernel ID=TREE` boots:
#
#   images/kernels/build-kernel.sh [--patch FILE]... [--revert FILE]... [--from TREE] [--suite SUITE]
#                                  [--jobs N] ID OUTDIR
#
#   ID           the kernel's name; its release ends in -reuselab-ID, so two builds are never confused
#   OUTDIR       gets the source, unpacked and built in place, in OUTDIR/linux-<version>
#   --patch      a unified diff (-p1, from the top of the kernel tree) applied after unpacking
#   --revert     a commit's diff (as `git show COMMIT` prints it) taken back out: `patch -R`
#   --from TREE  start from a copy of a tree this script built (and did not patch) instead of a fresh
#                unpack: make then rebuilds only what the patches touch (minutes instead of a full build)
#   --suite      where linux-source-<N> comes from (default bookworm-security: 6.1 with its security fixes)
#   --jobs       make -j (default: the number of cores)
#
# The config is tinyconfig, plus kvm_guest.config, plus images/kernels/guest.config: what the guest
# (lab/backend/vm/kernel-config.ts, images/guest/) and the cases need, veth and bridge as modules, and
# nothing else. The package comes through a private apt configuration (images/kernels/private-apt.sh);
# the system's sources are never touched. The .deb is kept under REUSELAB_CACHE/kernel-source.
# The build runs under `nice`: it shares the machine. Not in CI: a build takes many minutes.
# The tools it needs: `bash lab/bootstrap/bootstrap.sh kernel-build`.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lab/bootstrap/system-path.sh"

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

say() { printf 'build-kernel: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() {
  die "usage: $0 [--patch FILE]... [--revert FILE]... [--from TREE] [--suite SUITE] [--jobs N] ID OUTDIR${1:+ ($1)}"
}

PATCHES=() # "apply FILE" or "revert FILE", in the order given
FROM= SUITE=bookworm-security JOBS=
while [ $# -gt 0 ]; do
  case "$1" in
    --patch | --revert)
      [ $# -ge 2 ] || usage "$1 needs a file"
      [ -f "$2" ] && [ -r "$2" ] || die "$1 $2: no such file (give a unified diff, as 'git show COMMIT' prints it)"
      PATCHES+=("${1#--} $(readlink -f "$2")"); shift 2 ;;
    --from)
      [ $# -ge 2 ] || usage "--from needs a build tree"
      [ -f "$2/.reuselab-build" ] || die "--from $2: not a tree this script built (it has no .reuselab-build)"
      grep -q '^patches=$' "$2/.reuselab-build" || die "--from $2: that tree is patched ($(sed -n 's/^patches=//p' "$2/.reuselab-build")); start from an unpatched build"
      FROM=$(readlink -f "$2"); shift 2 ;;
    --suite)
      [ $# -ge 2 ] || usage "--suite needs a Debian suite"
      [[ $2 =~ ^[a-z][a-z0-9.-]*$ ]] || die "--suite '$2' is not a Debian suite name (e.g. bookworm-security, trixie)"
      SUITE=$2; shift 2 ;;
    --jobs)
      [ $# -ge 2 ] || usage "--jobs needs a number"
      [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--jobs '$2' is not a positive number"
      JOBS=$2; shift 2 ;;
    --help | -h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    -*) usage "unknown option '$1'" ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || usage "give ID and OUTDIR"
readonly ID=$1 OUTDIR=$2
[[ $ID =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || die "'$ID' is not a kernel id (letters, digits and . _ + -, e.g. mine or 6.1-revert)"
# The release is <version>-reuselab-ID; the kernel takes only [A-Za-z0-9.+-] in it.
readonly LOCALVERSION=-reuselab-${ID//_/-}
[ -n "$JOBS" ] || JOBS=$(nproc)

missing=()
for tool in apt-get apt-cache dpkg-deb tar xz make gcc flex bison bc perl patch nice; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
# The line goes in as a here-string, not through a pipe: with pipefail, a gcc that exits before reading
# its input (the tests' stand-in) would fail the pipe by printf's SIGPIPE, and the header look missing.
for header in libelf.h openssl/ssl.h; do
  gcc -E -x c - >/dev/null 2>&1 <<<"#include <$header>" || missing+=("<$header>")
done
[ ${#missing[@]} -eq 0 ] || die "missing to build a kernel: ${missing[*]}; run 'bash lab/bootstrap/bootstrap.sh kernel-build'"

# Scratch folders go on every exit (Ctrl-C too); a tree whose patches did not apply goes as well.
SCRATCH=() DROP_TREE=
cleanup() {
  if [ ${#SCRATCH[@]} -gt 0 ]; then rm -rf "${SCRATCH[@]}"; fi
  if [ -n "$DROP_TREE" ]; then rm -rf "$DROP_TREE"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the source package: the newest linux-source-<N> of the suite, cached --------------------------------
readonly CACHE=${REUSELAB_CACHE:-$REPO/.cache}/kernel-source
mkdir -p "$OUTDIR"
fetch_source() {
  local apt=$CACHE/apt.$$ mirror
  [ -r "$KEYRING" ] || die "$KEYRING is missing; install debian-archive-keyring"
  mkdir -p "$CACHE"
  case "$SUITE" in
    *-security) mirror=${REUSELAB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} ;;
    *) mirror=${REUSELAB_DEBIAN_MIRROR:-http://deb.debian.org/debian} ;;
  esac
  SCRATCH+=("$apt")
  APTDIR=$apt
  # shellcheck source=images/kernels/private-apt.sh
  source "$HERE/private-apt.sh"
  say "looking up linux-source in $SUITE ($mirror)"
  private_apt "$apt" "$KEYRING" "$mirror" "$SUITE"
  # linux-source is the metapackage; it depends on linux-source-<N> of the same source.
  local pkg
  pkg=$(apt-cache "${APT_OPTS[@]}" depends linux-source 2>/dev/null | sed -n 's/^ *Depends: \(linux-source-[0-9][^ ]*\).*/\1/p' | head -n 1 || true)
  [ -n "$pkg" ] || die "$SUITE has no linux-source package ('apt-cache depends linux-source' names no linux-source-N)"
  local version
  version=$(apt-cache "${APT_OPTS[@]}" show "$pkg" | sed -n 's/^Version: //p' | head -n 1)
  DEB=$CACHE/${pkg}_${version}_all.deb
  if [ -s "$DEB" ]; then say "$pkg $version: cached ($DEB)"; return; fi
  mkdir -p "$apt/deb"
  if [ "$(id -u)" = 0 ] && getent passwd _apt >/dev/null; then chown _apt "$apt/deb"; fi
  say "downloading $pkg $version (about 140 MB)"
  (cd "$apt/deb" && apt-get "${APT_OPTS[@]}" -qq download "$pkg" >&2) || die "apt-get download $pkg from $SUITE failed"
  mv "$(find "$apt/deb" -name '*.deb' | head -n 1)" "$DEB"
}

# --- the tree -------------------------------------------------------------------------------------------
if [ -n "$FROM" ]; then
  TREE=$OUTDIR/$(basename "$FROM")
  [ "$(readlink -f "$OUTDIR")" != "$(dirname "$FROM")" ] || die "--from $FROM is in OUTDIR already; give another OUTDIR"
  rm -rf "$TREE"
  say "copying $FROM to $TREE"
  cp -a --reflink=auto "$FROM" "$TREE"
  DEB=$(sed -n 's/^deb=//p' "$FROM/.reuselab-build")
else
  fetch_source
  # linux-source-6.1 holds /usr/src/linux-source-6.1.tar.xz; its top folder is linux-source-6.1.
  TAR=$(dpkg-deb -c "$DEB" | sed -n 's|.* \./\(usr/src/linux-source-[^/]*\.tar\.xz\)$|\1|p' | head -n 1)
  [ -n "$TAR" ] || die "$DEB holds no usr/src/linux-source-*.tar.xz"
  TREE=$OUTDIR/$(basename "$TAR" .tar.xz)
  rm -rf "$TREE" "$OUTDIR/.unpack"
  SCRATCH+=("$OUTDIR/.unpack")
  mkdir -p "$OUTDIR/.unpack"
  say "unpacking $(basename "$TAR") into $OUTDIR"
  dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$OUTDIR/.unpack" "./$TAR"
  tar -x -J -C "$OUTDIR" -f "$OUTDIR/.unpack/$TAR"
  rm -rf "$OUTDIR/.unpack"
  [ -f "$TREE/Makefile" ] || die "$TAR did not unpack into $TREE"
fi

applied=()
DROP_TREE=$TREE
for p in "${PATCHES[@]}"; do
  how=${p%% *} file=${p#* }
  # --forward: a patch already in the tree (or a revert already made) is refused, not turned around.
  flags=(-p1 --forward --batch)
  if [ "$how" = revert ]; then flags+=(-R); fi
  # A dry run first: a patch that does not apply leaves the tree as it was, and says which hunk failed.
  if ! out=$(patch -d "$TREE" "${flags[@]}" --dry-run -i "$file" 2>&1); then
    die "--$how $file does not apply to $(basename "$TREE"):
$out"
  fi
  patch -d "$TREE" "${flags[@]}" -s -i "$file"
  if [ "$how" = revert ]; then say "reverted $file"; else say "applied $file"; fi
  applied+=("$how:$(basename "$file")")
done

DROP_TREE=

# --- config ----------------------------------------------------------------------------------------------
cd "$TREE"
if [ -z "$FROM" ]; then
  # kvm_guest.config: virtio, PCI, the 8250 console, ELF; guest.config: what the lab needs on top.
  # merge_config.sh lists every value a fragment overrides: that goes to a log, shown when it fails.
  { nice make tinyconfig && scripts/kconfig/merge_config.sh -m .config kernel/configs/kvm_guest.config "$HERE/guest.config"; } >.reuselab-config.log 2>&1 ||
    die "configuring failed in $TREE: $(tail -n 20 .reuselab-config.log)"
fi
scripts/config --set-str LOCALVERSION "$LOCALVERSION" --disable LOCALVERSION_AUTO
nice make -s olddefconfig >&2
# Every line of guest.config must have survived olddefconfig (an option whose dependencies are unmet
# is dropped silently): say which did not.
lost=()
while read -r line; do
  case "$line" in "" | "#"*) continue ;; esac
  grep -qxF "$line" .config || lost+=("$line (has: $(grep -E "^(# )?${line%%=*}[= ]" .config || echo 'nothing'))")
done <"$HERE/guest.config"
[ ${#lost[@]} -eq 0 ] || die "the config lost options of images/kernels/guest.config (unmet dependencies?): ${lost[*]}"

# --- build -----------------------------------------------------------------------------------------------
if [ -n "$FROM" ]; then
  # tools/ builds objtool with absolute paths, so in a copy make builds it again, and then every object
  # (each depends on objtool) too: a full build. It is built first, and it and its objects are given
  # the original's time: the same source makes the same program.
  nice make -s tools/objtool >&2 || die "building objtool failed in $TREE (its output is above)"
  find tools/objtool -newer "$FROM/tools/objtool/objtool" -exec touch -h -r "$FROM/tools/objtool/objtool" {} +
fi
say "building bzImage and modules with make -j$JOBS (nice) in $TREE"
nice make -j"$JOBS" bzImage modules >&2 || die "the build failed in $TREE (its output is above)"
{
  printf 'id=%s\nrelease=%s\ndeb=%s\n' "$ID" "$(cat include/config/kernel.release)" "$DEB"
  printf 'from=%s\npatches=%s\n' "$FROM" "${applied[*]}"
} >.reuselab-build
say "$(cat include/config/kernel.release) built; boot it with: npm run lab -- matrix --kernel $ID=$TREE"
printf '%s\n' "$TREE"
