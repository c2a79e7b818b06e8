# Sourced, not run: a private apt configuration in APTDIR for one Debian suite, so that packages of
# other suites can be fetched without touching the system's sources (adding those suites to the
# system's sources upgrades the host). Sets APT_OPTS for `apt-get "${APT_OPTS[@]}" …` and reads the
# suite's indexes (apt-get update); when that fails it calls the sourcing script's die() with the fix.
#
#   private_apt APTDIR KEYRING MIRROR SUITE
private_apt() {
  local dir=$1 keyring=$2 mirror=$3 suite=$4
  mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/etc/sources.list.d" "$dir/etc/preferences.d"
  printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" >"$dir/etc/sources.list"
  : >"$dir/state/status" # no installed packages: the host's dpkg state must not sway resolution
  APT_OPTS=(
    -o "Dir::Etc::SourceList=$dir/etc/sources.list"
    -o "Dir::Etc::SourceParts=$dir/etc/sources.list.d"
    -o "Dir::Etc::Preferences=$dir/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d"
    -o "Dir::State=$dir/state"
    -o "Dir::State::status=$dir/state/status"
    -o "Dir::Cache=$dir/cache"
    -o "Dir::Cache::pkgcache=$dir/cache/pkgcache.bin"
    -o "Dir::Cache::srcpkgcache=$dir/cache/srcpkgcache.bin"
    -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64"
    -o "Acquire::Languages=none"
  )
  apt-get "${APT_OPTS[@]}" -qq --error-on=any update >&2 ||
    die "apt-get update for $suite failed (is $mirror reachable? set REUSELAB_DEBIAN_MIRROR to use another mirror)"
}
