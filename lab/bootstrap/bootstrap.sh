#!/usr/bin/env bash
# Makes sure the two things reuselab needs from the machine are there: a Docker engine that answers,
# and a C toolchain that links the probe statically. Idempotent and quiet when all is well.
#
#   bash lab/bootstrap/bootstrap.sh            both
#   bash lab/bootstrap/bootstrap.sh toolchain  only the C toolchain (the netns backend needs no engine)
#   bash lab/bootstrap/bootstrap.sh vm         what the vm backend needs: QEMU, kmod... (not part of 'all')
#   bash lab/bootstrap/bootstrap.sh report     what the report tests need: chromium (headless), xmllint
#   bash lab/bootstrap/bootstrap.sh compose    docker-compose (v1, Debian's) for the hijack demo
#   bash lab/bootstrap/bootstrap.sh netns      what the netns backend needs: root, ip, nsenter, setpriv
#   bash lab/bootstrap/bootstrap.sh fuzz       the probe's fuzzer: clang and its libFuzzer runtime, objcopy, unshare
#   bash lab/bootstrap/bootstrap.sh audit      the service audit: debootstrap (builds the service image), nsenter, ss
#   bash lab/bootstrap/bootstrap.sh kernel-build  what images/kernels/build-kernel.sh needs to build a kernel
#                                              from Debian's linux-source: make, gcc, flex, bison, bc, libelf, openssl
#   bash lab/bootstrap/bootstrap.sh all vm     several parts, in order
#   bash lab/bootstrap/bootstrap.sh --check all vm report compose netns
#                                              installs nothing, starts nothing: prints one line per check,
#                                              "ok|missing|warn<TAB>check<TAB>what is there, or how to fix it",
#                                              and exits 1 when something is missing (reuselab doctor reads it)
#
# Where an engine already answers (DOCKER_HOST, or /var/run/docker.sock) it is used as it is. Otherwise,
# as root on Debian, Debian's docker.io is installed and dockerd started in the background. Anything
# else stops with exit code 2 and a message that says exactly what to install.
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/system-path.sh"

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

# The engine's socket when it is a local one: DOCKER_HOST's unix:// path, or the default when unset.
engine_socket() {
  case "${DOCKER_HOST:-}" in
    "") printf '/var/run/docker.sock' ;;
    unix://*) printf '%s' "${DOCKER_HOST#unix://}" ;;
  esac
}

# A socket that is there but that this user may not open: say so at once. Waiting for it to answer
# (60 s) and then blaming dockerd was how a non-root user learnt they were not in the docker group.
socket_denied() {
  local sock; sock=$(engine_socket)
  [ -n "$sock" ] && [ -S "$sock" ] || return 1
  [ -r "$sock" ] && [ -w "$sock" ] && return 1
  local owner group user
  owner=$(stat -c '%U:%G, mode %A' "$sock" 2>/dev/null || echo '?') group=$(stat -c '%G' "$sock" 2>/dev/null || echo docker)
  user=$(id -un 2>/dev/null || id -u)
  printf "permission denied on %s (it belongs to %s; this is uid %s, %s): add the user to the %s group ('usermod -aG %s %s', then log in again) or run as root" \
    "$sock" "$owner" "$(id -u)" "$user" "$group" "$group" "$user"
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
  local denied; denied=$(socket_denied) && die "$denied"
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

# The toolchain check makes its files in TMPDIR, and so do gcc and mktemp everywhere: a folder this
# user cannot write there is said as such, not as a missing compiler.
tmpdir_problem() {
  local dir=${TMPDIR:-/tmp} named="TMPDIR=${TMPDIR:-}" out owner
  [ -n "${TMPDIR:-}" ] || named="/tmp (TMPDIR is not set)"
  if out=$(LC_ALL=C mktemp -d -p "$dir" reuselab-tmpcheck.XXXXXX 2>&1); then
    rmdir "$out"
    return 1
  fi
  owner=$(stat -c '; it belongs to %U:%G, mode %A' "$dir" 2>/dev/null || true)
  printf 'the temporary folder %s cannot be written (%s%s; this is uid %s): set TMPDIR to a folder this user can write, e.g. TMPDIR=$HOME/tmp' \
    "$named" "${out##*: }" "$owner" "$(id -u)"
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
  local tmp; tmp=$(tmpdir_problem) && die "$tmp"
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
readonly VM_COMMANDS=(qemu-system-x86_64:qemu-system-x86 modprobe:kmod depmod:kmod modinfo:kmod xz:xz-utils
  zstd:zstd lz4:lz4 python3:python3 dpkg-deb:dpkg apt-get:apt ip:iproute2 nsenter:util-linux setpriv:util-linux
  sysctl:procps)
readonly NETNS_COMMANDS=(ip:iproute2 nsenter:util-linux setpriv:util-linux)
# The docker backend as root wires each holder's namespace to a switch namespace of its own and writes
# its sysctls from inside it (lab/backend/docker/switch-namespace.ts, namespace-sysctls.ts).
readonly DOCKER_ROOT_COMMANDS=(ip:iproute2 nsenter:util-linux)
readonly REPORT_COMMANDS=(chromium:chromium xmllint:libxml2-utils)
readonly COMPOSE_COMMANDS=(docker-compose:docker-compose)
# images/probe/fuzz/fuzz.sh: clang builds the harness (libFuzzer, ASan, UBSan), objcopy and nm redirect
# and check the probe's calls, unshare gives it an empty network namespace.
readonly FUZZ_COMMANDS=(clang:clang objcopy:binutils nm:binutils unshare:util-linux)
# The service audit (lab/audit): debootstrap builds the service image from Debian's mirror, nsenter and
# ss list the service's sockets from inside its network namespace.
readonly AUDIT_COMMANDS=(debootstrap:debootstrap nsenter:util-linux ss:iproute2)
# images/kernels/build-kernel.sh: apt-get and dpkg-deb fetch and unpack linux-source-N; the kernel's own
# build needs the rest (perl for its scripts, bc for timeconst, patch for --patch/--revert). Its two
# libraries (objtool's libelf, the signing tools' openssl) are headers, looked up in kernel_build_extra_packages.
readonly KERNEL_BUILD_COMMANDS=(make:make gcc:gcc flex:flex bison:bison bc:bc perl:perl patch:patch xz:xz-utils
  tar:tar apt-get:apt dpkg-deb:dpkg nice:coreutils)

# The kernel build's libraries, by their headers as gcc finds them (no command tells).
kernel_build_extra_packages() {
  local missing=()
  [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
  has_header libelf.h || missing+=(libelf-dev)
  has_header openssl/ssl.h || missing+=(libssl-dev)
  printf '%s' "${missing[*]}"
}
has_header() { command -v gcc >/dev/null 2>&1 && printf '#include <%s>\n' "$1" | gcc -E -x c - >/dev/null 2>&1; }

vm_extra_packages() {
  [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || printf 'debian-archive-keyring'
}

# Debian's clang leaves libFuzzer and the sanitizers' runtime to a package of their own.
fuzz_extra_packages() {
  command -v clang >/dev/null 2>&1 && [ -f "$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ] ||
    printf 'libclang-rt-dev'
}

ensure_vm() {
  ensure_commands "the vm backend" "$(vm_extra_packages)" "${VM_COMMANDS[@]}"
}

ensure_netns() {
  [ "$(id -u)" = 0 ] || die "the netns backend needs root: it makes network namespaces and runs actors as other uids"
  ensure_commands "the netns backend" "" "${NETNS_COMMANDS[@]}"
}

# missing_packages "EXTRA PACKAGES" command:package...: the packages of the missing commands, sorted.
missing_packages() {
  local missing=() pair cmd pkg
  read -r -a missing <<<"$1"
  shift
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}" | sort -u
}

# The docker backend keeps lab networks from routing out of the host with an nftables table of its own
# (lab/backend/docker/egress-guard.ts).
ensure_guard() {
  ensure_commands "the docker backend's egress guard" "" nft:nftables
  [ "$(id -u)" != 0 ] || ensure_commands "the docker backend as root" "" "${DOCKER_ROOT_COMMANDS[@]}"
}

# ensure_commands WHO "EXTRA PACKAGES" command:package...: installs the packages of missing commands.
ensure_commands() {
  local who=$1 extra=$2 missing=()
  shift 2
  mapfile -t missing < <(missing_packages "$extra" "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  can_install || die "$who needs these Debian packages: ${missing[*]} (install them, e.g. 'apt-get install ${missing[*]}', and retry)"
  apt_install "${missing[@]}"
}

ensure_part() {
  case "$1" in
    all) ensure_toolchain; ensure_engine; ensure_guard ;;
    engine) ensure_engine; ensure_guard ;;
    toolchain) ensure_toolchain ;;
    vm) ensure_toolchain; ensure_vm ;;
    netns) ensure_toolchain; ensure_netns ;;
    report) ensure_commands "the HTML and JUnit report checks" "" "${REPORT_COMMANDS[@]}" ;;
    compose) ensure_engine; ensure_commands "the hijack demo" "" "${COMPOSE_COMMANDS[@]}" ;;
    fuzz) ensure_commands "the probe's fuzzer" "$(fuzz_extra_packages)" "${FUZZ_COMMANDS[@]}" ;;
    audit) ensure_commands "the service audit" "" "${AUDIT_COMMANDS[@]}" ;;
    # Twice: the headers are looked for with gcc, which the first round may have installed.
    kernel-build)
      ensure_commands "the kernel build" "$(kernel_build_extra_packages)" "${KERNEL_BUILD_COMMANDS[@]}"
      ensure_commands "the kernel build" "$(kernel_build_extra_packages)" ;;
    *) die "unknown part '$1' (expected: all, engine, toolchain, vm, netns, report, compose, fuzz, audit or kernel-build)" ;;
  esac
}

# --check: the same tests as the ensure_* functions, reported instead of acted on.
CHECK_MISSING=0
report() { # report ok|missing|warn CHECK TEXT
  printf '%s\t%s\t%s\n' "$1" "$2" "$3"
  [ "$1" != missing ] || CHECK_MISSING=1
}

check_engine() {
  local denied
  if engine_answers; then
    local version=""
    command -v docker >/dev/null 2>&1 && version=$(timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null || true)
    report ok engine "Docker engine ${version:-answers} at ${DOCKER_HOST:-/var/run/docker.sock}"
  elif denied=$(socket_denied); then
    report missing engine "$denied"
  elif [ -n "${DOCKER_HOST:-}" ]; then
    report missing engine "nothing answers at DOCKER_HOST=$DOCKER_HOST: start that engine, or unset DOCKER_HOST"
  elif command -v dockerd >/dev/null 2>&1; then
    report missing engine "dockerd is installed but does not answer: start it ('systemctl start docker'), or as root run 'bash lab/bootstrap/bootstrap.sh engine'"
  else
    report missing engine "no Docker engine: 'apt-get install docker.io' and start it, or as root run 'bash lab/bootstrap/bootstrap.sh engine'"
  fi
}

check_toolchain() {
  local tmp
  if tmp=$(tmpdir_problem); then
    report missing toolchain "$tmp"
  elif command -v gcc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 && static_link_works; then
    report ok toolchain "$(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /'), make; links statically"
  else
    report missing toolchain "the probe needs gcc, make and a static libc: 'apt-get install gcc make libc6-dev' (or 'bash lab/bootstrap/bootstrap.sh toolchain' as root)"
  fi
}

# check_commands CHECK PART "EXTRA PACKAGES" command:package...
check_commands() {
  local check=$1 part=$2 extra=$3 missing=()
  shift 3
  mapfile -t missing < <(missing_packages "$extra" "$@")
  if [ ${#missing[@]} -eq 0 ]; then
    report ok "$check" "$(printf '%s\n' "$@" | cut -d: -f1 | paste -sd' ')"
  else
    report missing "$check" "'apt-get install ${missing[*]}' (or 'bash lab/bootstrap/bootstrap.sh $part' as root)"
  fi
}

# KVM as images/guest/boot.sh decides it: /dev/kvm that it may use, and whether a guest really ran on
# it (boot.sh remembers that per host kernel in the cache). Without KVM the guests run under TCG.
check_kvm() {
  local mark=${REUSELAB_CACHE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache}/kvm.$(uname -r)
  if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
    report warn kvm "no usable /dev/kvm: guests run under TCG, software emulation (several times slower)"
  elif [ "$(cat "$mark" 2>/dev/null)" = no ]; then
    report warn kvm "/dev/kvm is there but a guest failed on it: guests run under TCG (several times slower); delete $mark to try again"
  elif [ "$(cat "$mark" 2>/dev/null)" = yes ]; then
    report ok kvm "guests run under KVM"
  else
    report ok kvm "/dev/kvm is usable (the first guest boot tries it, and falls back to TCG if it fails)"
  fi
}

check_guard() {
  check_commands egress-guard engine "" nft:nftables
  [ "$(id -u)" != 0 ] || check_commands docker-root-tools engine "" "${DOCKER_ROOT_COMMANDS[@]}"
}

check_part() {
  case "$1" in
    all) check_toolchain; check_engine; check_guard ;;
    engine) check_engine; check_guard ;;
    toolchain) check_toolchain ;;
    vm) check_commands vm-tools vm "$(vm_extra_packages)" "${VM_COMMANDS[@]}"; check_kvm ;;
    netns)
      if [ "$(id -u)" = 0 ]; then report ok root "running as root"; else report missing root "the netns backend needs root: run as root, or use the docker backend"; fi
      check_commands netns-tools netns "" "${NETNS_COMMANDS[@]}" ;;
    report) check_commands report-tools report "" "${REPORT_COMMANDS[@]}" ;;
    compose) check_commands compose compose "" "${COMPOSE_COMMANDS[@]}" ;;
    fuzz) check_commands fuzz fuzz "$(fuzz_extra_packages)" "${FUZZ_COMMANDS[@]}" ;;
    audit) check_commands audit audit "" "${AUDIT_COMMANDS[@]}" ;;
    kernel-build) check_commands kernel-build kernel-build "$(kernel_build_extra_packages)" "${KERNEL_BUILD_COMMANDS[@]}" ;;
    *) die "unknown part '$1' (expected: all, engine, toolchain, vm, netns, report, compose, fuzz, audit or kernel-build)" ;;
  esac
}

# Several parts at once: bootstrap.sh all vm report compose
if [ "${1:-}" = --check ]; then
  shift
  [ $# -eq 0 ] && set -- all
  for part in "$@"; do check_part "$part"; done
  exit "$CHECK_MISSING"
fi
[ $# -eq 0 ] && set -- all
for part in "$@"; do ensure_part "$part"; done
