#!/usr/bin/env bash
# Makes sure the two things reuselab needs from the machine are there: a Docker engine that answers,
# and a C toolchain that links the probe statically. Idempotent and quiet when all is well.
#
#   bash lab/bootstrap/bootstrap.sh            both
#   bash lab/bootstrap/bootstrap.sh toolchain  only the C toolchain (the netns backend needs no engine)
#   bash lab/bootstrap/bootstrap.sh vm         what the vm backend needs: QEMU, kmod... (not part of 'all')
#   bash lab/bootstrap/bootstrap.sh report     what the report tests need: chromium (headless), xmllint
#   bash lab/bootstrap/bootstrap.sh compose    docker-compose (v1, Debian's) for the hijack demo
#   bash lab/bootstrap/bootstrap.sh all vm     several parts, in order
#
# Where an engine already answers (DOCKER_HOST, or /var/run/docker.sock) it is used as it is. Otherwise,
# as root on Debian, Debian's docker.io is installed and dockerd started in the background. Anything
# else stops with exit code 2 and a message that says exactly what to install.
set -euo pipefail

readonly SOCKET_WAIT_SECONDS=${REUSELAB_ENGINE_WAIT:-60}
readonly DOCKERD_LOG=/var/log/reuselab-dockerd.log

say() { printf 'reuselab bootstrap: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  say "installing $* with apt-get (once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's own sources only: never add other suites here, it would upgrade the host.
  apt-get update -qq >/dev/null || say "apt-get update failed; trying the install with the lists there are"
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2> >(grep -v '^debconf: ' >&2)
}

engine_answers() {
  if command -v docker >/dev/null 2>&1; then # the client honours DOCKER_HOST
    timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
    return
  fi
  # No client on PATH: ask the socket itself (the one DOCKER_HOST names, if it names one).
  local sock=/var/run/docker.sock
  case "${DOCKER_HOST:-}" in
    "") ;;
    unix://*) sock=${DOCKER_HOST#unix://} ;;
    *) command -v curl >/dev/null 2>&1 && timeout 10 curl -sf "http://${DOCKER_HOST#tcp://}/_ping" >/dev/null 2>&1; return ;;
  esac
  [ -S "$sock" ] && command -v curl >/dev/null 2>&1 &&
    timeout 10 curl -sf --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
}

start_dockerd() {
  say "starting dockerd in the background (log: $DOCKERD_LOG)"
  # setsid: the daemon must outlive the npm script that started it.
  setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 < /dev/null &
  local waited=0
  until engine_answers; do
    if [ "$waited" -ge "$SOCKET_WAIT_SECONDS" ]; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer on /var/run/docker.sock after ${SOCKET_WAIT_SECONDS}s (its log is above)"
    fi
    sleep 1; waited=$((waited + 1))
  done
}

ensure_engine() {
  engine_answers && return 0
  if [ -n "${DOCKER_HOST:-}" ]; then
    die "DOCKER_HOST=$DOCKER_HOST is set but no Docker engine answers there. Start that engine, or unset DOCKER_HOST to let reuselab start a local one."
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    can_install || die "no Docker engine answers and dockerd is not installed. Install a Docker engine (Debian: 'apt-get install docker.io') and start it, or run this as root on Debian to let reuselab do it."
    apt_install docker.io
  fi
  engine_answers && return 0 # the package may have started the daemon itself
  if pgrep -x dockerd >/dev/null 2>&1; then
    say "dockerd is running but does not answer yet; waiting"
    local waited=0
    until engine_answers; do
      [ "$waited" -ge "$SOCKET_WAIT_SECONDS" ] && die "dockerd runs but /var/run/docker.sock did not answer after ${SOCKET_WAIT_SECONDS}s; see 'docker info' and $DOCKERD_LOG"
      sleep 1; waited=$((waited + 1))
    done
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "no Docker engine answers and only root can start dockerd. Start it (e.g. 'sudo systemctl start docker') and retry."
  start_dockerd
}

static_link_works() {
  local dir; dir=$(mktemp -d)
  printf 'int main(void){return 0;}\n' >"$dir/t.c"
  local ok=1
  gcc -static -o "$dir/t" "$dir/t.c" >/dev/null 2>&1 && "$dir/t" && ok=0
  rm -rf "$dir"
  return $ok
}

ensure_toolchain() {
  command -v gcc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 && static_link_works && return 0
  can_install || die "the probe needs gcc, make and a static C library (Debian: 'apt-get install gcc make libc6-dev'); install them and retry."
  apt_install gcc make libc6-dev
  static_link_works || die "gcc is installed but cannot link statically; install libc6-dev ('apt-get install libc6-dev')"
}

# The vm backend boots Debian kernels under QEMU (images/kernels, images/guest): apt-get and dpkg-deb
# fetch and unpack them (verified with Debian's keyring); kmod's modinfo and depmod index the modules
# and its modprobe goes into the initramfs; xz/zstd/lz4 unpack modules and kernels; python3 writes the
# cpio archive; ip, nsenter, setpriv and sysctl are copied into the guest. Each is looked up by the
# command those scripts call. The guest also runs the static probe, hence the toolchain.
ensure_vm() {
  local extra=()
  [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || extra+=(debian-archive-keyring)
  ensure_commands "the vm backend" "${extra[*]}" qemu-system-x86_64:qemu-system-x86 modprobe:kmod depmod:kmod \
    modinfo:kmod xz:xz-utils zstd:zstd lz4:lz4 python3:python3 dpkg-deb:dpkg apt-get:apt \
    ip:iproute2 nsenter:util-linux setpriv:util-linux sysctl:procps
}

# ensure_commands WHO "EXTRA PACKAGES" command:package...: installs the packages of missing commands.
ensure_commands() {
  local who=$1 missing=() pair cmd pkg
  read -r -a missing <<<"$2"
  shift 2
  local PATH=$PATH:/usr/sbin:/sbin # modprobe and depmod live in sbin, which a non-root PATH may lack
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  can_install || die "$who needs these Debian packages: ${missing[*]} (install them, e.g. 'apt-get install ${missing[*]}', and retry)"
  apt_install "${missing[@]}"
}

ensure_part() {
  case "$1" in
    all) ensure_toolchain; ensure_engine ;;
    engine) ensure_engine ;;
    toolchain) ensure_toolchain ;;
    vm) ensure_toolchain; ensure_vm ;;
    report) ensure_commands "the HTML and JUnit report checks" "" chromium:chromium xmllint:libxml2-utils ;;
    compose) ensure_engine; ensure_commands "the hijack demo" "" docker-compose:docker-compose ;;
    *) die "unknown part '$1' (expected: all, engine, toolchain, vm, report or compose)" ;;
  esac
}

# Several parts at once: bootstrap.sh all vm report compose
[ $# -eq 0 ] && set -- all
for part in "$@"; do ensure_part "$part"; done
