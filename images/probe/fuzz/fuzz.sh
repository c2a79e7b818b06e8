#!/usr/bin/env bash
# Fuzzes the probe's line protocol with libFuzzer (clang -fsanitize=fuzzer, with ASan and UBSan):
# builds fuzz/harness.c over the probe's own sources, runs it in an empty network namespace, and keeps
# a minimised corpus.
#
#   images/probe/fuzz/fuzz.sh [SECONDS]            fuzz for SECONDS (default 600) on corpus/ and seeds/,
#                                                  then merge what it found into corpus/ (-merge=1)
#   images/probe/fuzz/fuzz.sh --no-keep [SECONDS]  the same, but corpus/ is left as it is (the smoke test)
#
# FUZZ_BUILD sets where it builds and works (default images/probe/fuzz/build). Exit codes: 0 when the
# run found nothing; 1 when it found a crash, a leak, a timeout or an out-of-memory, whose input is
# left in findings/ (build/findings/ with --no-keep) and named in the summary; 2 when it could not run.
#
# Safety: the probe's commands make real syscalls, so the harness runs under `unshare -n` (a new
# network namespace with only lo, down: nothing leaves the process) and refuses to start anywhere
# else. What would end, stall or change the fuzzer's own process goes to stand-ins (stand_ins.c).
set -euo pipefail
# shellcheck source=lab/bootstrap/system-path.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../lab/bootstrap/system-path.sh"

readonly PER_INPUT_TIMEOUT=5 # seconds
readonly RSS_LIMIT_MB=2048
readonly MAX_LEN=8192        # room for a few lines past the probe's 1024-byte limit
# Calls that could stall, end, fork or change the identity of the fuzzer's process. A probe object
# that still calls one after redirect.syms is refused: give it a stand-in first.
readonly UNSAFE_CALLS="sleep usleep clock_nanosleep select pselect ppoll epoll_wait epoll_pwait
  sigsuspend sigtimedwait sigwaitinfo raise killpg tgkill vfork clone system popen execve execv execvp
  execl execlp execle daemon setsid unshare setns chroot mount reboot wait wait3 wait4 setuid seteuid
  setreuid setgid setegid setregid setresgid accept4 openat open64 creat fopen64 freopen fexecve execveat"

say() { printf 'fuzz: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROBE=$(dirname "$HERE")
KEEP=1
if [ "${1:-}" = --no-keep ]; then KEEP=0; shift; fi
RUN_SECONDS=${1:-600}
[[ "$RUN_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive whole number, not '$RUN_SECONDS'"
BUILD=${FUZZ_BUILD:-$HERE/build}
FINDINGS=$HERE/findings
[ "$KEEP" = 1 ] || FINDINGS=$BUILD/findings
BIN=$BUILD/probe-fuzz
LOG=$BUILD/fuzz.log

command -v clang >/dev/null 2>&1 ||
  die "clang is not installed: run 'bash lab/bootstrap/bootstrap.sh fuzz' as root (Debian: apt-get install clang libclang-rt-dev)"
[ -f "$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ] ||
  die "clang has no libFuzzer runtime: run 'bash lab/bootstrap/bootstrap.sh fuzz' as root (Debian: apt-get install libclang-rt-dev)"
for tool in objcopy nm unshare; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run 'bash lab/bootstrap/bootstrap.sh fuzz' as root"
done

build() {
  local flags=(-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
    -Wno-unused-parameter -fsanitize=address,undefined -fno-sanitize-recover=all)
  rm -rf "$BUILD/obj" && mkdir -p "$BUILD/obj/probe" "$BUILD/obj/harness"
  local src
  for src in "$PROBE"/*.c; do
    clang "${flags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$BUILD/obj/probe/$(basename "$src" .c).o"
  done
  local obj
  for obj in "$BUILD"/obj/probe/*.o; do
    objcopy --redefine-syms="$HERE/redirect.syms" "$obj"
  done
  local unsafe
  unsafe=$(nm -u "$BUILD"/obj/probe/*.o | awk '$1 == "U" { print $2 }' | sort -u |
    grep -Fxf <(tr -s ' \n' '\n\n' <<<"$UNSAFE_CALLS $(cut -d' ' -f1 "$HERE/redirect.syms")") || true)
  [ -z "$unsafe" ] || die "the probe calls $(echo $unsafe), which could stall or end the fuzzer: give it a stand-in in fuzz/stand_ins.c and a line in fuzz/redirect.syms"
  for src in "$HERE"/*.c; do
    clang "${flags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$BUILD/obj/harness/$(basename "$src" .c).o"
  done
  clang -fsanitize=fuzzer,address,undefined "$BUILD"/obj/probe/*.o "$BUILD"/obj/harness/*.o -o "$BIN"
}

# A fresh network namespace: only lo, and lo down. Root makes one directly; anyone else in a user
# namespace of their own, where the kernel allows that.
in_empty_netns() {
  if [ "$(id -u)" = 0 ]; then
    unshare --net -- "$@"
  else
    unshare --map-root-user --net -- "$@"
  fi
}

stat_of() { sed -n "s/^stat::$1: *//p" "$LOG" | tail -n 1; }

mkdir -p "$BUILD" "$FINDINGS" "$HERE/corpus"
say "building the harness in $BUILD"
build >"$BUILD/build.log" 2>&1 || { cat "$BUILD/build.log" >&2; die "the harness did not build (its log is above)"; }
in_empty_netns true 2>/dev/null || die "cannot make a network namespace (unshare --net): run as root, or allow unprivileged user namespaces"

rm -rf "$BUILD/run-corpus" && mkdir -p "$BUILD/run-corpus"
before=$(find "$FINDINGS" -maxdepth 1 -type f | sort)
say "fuzzing for ${RUN_SECONDS} s in an empty network namespace (log: $LOG)"
started=$(date +%s)
set +e
in_empty_netns timeout --kill-after=30 $((RUN_SECONDS + 300)) "$BIN" \
  -max_total_time="$RUN_SECONDS" -timeout="$PER_INPUT_TIMEOUT" -rss_limit_mb="$RSS_LIMIT_MB" \
  -max_len="$MAX_LEN" -dict="$HERE/probe.dict" -print_final_stats=1 -artifact_prefix="$FINDINGS/" \
  "$BUILD/run-corpus" "$HERE/corpus" "$HERE/seeds" 2>&1 | tee "$LOG" >&2
rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - started))
found=$(comm -13 <(printf '%s\n' "$before") <(find "$FINDINGS" -maxdepth 1 -type f | sort) |
  grep -E '/(crash|leak|timeout|oom)-' || true)

# The kept corpus: the fewest inputs that reach every edge the seeds do not (-use_counters=0: on
# edges, not hit counts, which keeps it at tens of KB instead of a megabyte), and every regress-*
# input, the bugs this fuzzer found, which no merge drops.
corpus_dir=$HERE/corpus
if [ "$rc" = 0 ] && [ -z "$found" ] && [ "$KEEP" = 1 ]; then
  say "merging what this run found into $corpus_dir (-merge=1)"
  rm -rf "$BUILD/merged" && mkdir -p "$BUILD/merged"
  cp "$HERE"/seeds/* "$BUILD/merged"/
  in_empty_netns "$BIN" -merge=1 -use_counters=0 -timeout="$PER_INPUT_TIMEOUT" -rss_limit_mb="$RSS_LIMIT_MB" \
    -max_len="$MAX_LEN" "$BUILD/merged" "$corpus_dir" "$BUILD/run-corpus" >>"$LOG" 2>&1 ||
    die "the merge failed (see $LOG); $corpus_dir is as it was"
  for seed in "$HERE"/seeds/*; do rm -f "$BUILD/merged/$(basename "$seed")"; done
  find "$corpus_dir" -maxdepth 1 -type f ! -name 'regress-*' -delete
  cp "$BUILD/merged"/* "$corpus_dir"/ 2>/dev/null || true
fi
[ "$KEEP" = 1 ] || corpus_dir=$BUILD/run-corpus

execs=$(stat_of number_of_executed_units)
printf 'fuzz summary (libFuzzer, %s)\n' "$(clang --version | head -n 1)"
printf '  seconds run  %s\n' "$elapsed"
printf '  executions   %s\n' "${execs:-?}"
printf '  exec/s       %s\n' "$(stat_of average_exec_per_sec)"
printf '  new inputs   %s\n' "$(stat_of new_units_added)"
printf '  corpus       %s inputs, %s KB (%s%s)\n' "$(find "$corpus_dir" -maxdepth 1 -type f | wc -l)" \
  "$(du -sk --apparent-size "$corpus_dir" | cut -f1)" "$corpus_dir" "$([ "$KEEP" = 1 ] && echo ', kept' || echo ', this run only')"
printf '  crashes      %s\n' "$(if [ -n "$found" ]; then echo "$found" | wc -l; else echo 0; fi)"
if [ -n "$found" ] || [ "$rc" != 0 ]; then
  for f in $found; do printf '  found        %s\n' "$f"; done
  say "the fuzzer stopped with exit code $rc; the end of its log:"
  grep -E '^(==[0-9]+==|harness:|SUMMARY|.*runtime error)' "$LOG" | head -n 20 >&2 || true
  say "reproduce: unshare -n $BIN <input>"
  exit 1
fi
