#!/usr/bin/env bash
# Packs reuselab, installs the tarball into a scratch project outside the repository (a copy of
# examples/package-project), and uses it there as a user would: `npx reuselab --version`, a run of
# the project's own cases on the netns backend, the library from `node -e`, the project's node:test
# tests (runCases on its cases) and its ava tests (the Lab builder; ava comes from the npm registry
# with the project's devDependencies). Root (netns backend). Removes the scratch folder and the tarball however it ends.
#   bash examples/try-package.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/reuselab-try-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
case "$scratch/" in "$repo"/*) echo "try-package: the scratch folder $scratch is inside the repository; set TMPDIR elsewhere" >&2; exit 2 ;; esac

step() { printf '\n== %s\n' "$*"; }
seconds() { local t0=$1; echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

step "npm pack (prepack compiles dist/)"
t0=$(date +%s%N)
tarball=$(cd "$repo" && npm pack --silent --pack-destination "$scratch" | tail -1)
echo "$tarball: $(du -k "$scratch/$tarball" | cut -f1) kB, $(tar -tzf "$scratch/$tarball" | wc -l) files ($(seconds "$t0"))"

step "npm install the tarball into $scratch/project"
cp -r "$repo/examples/package-project" "$scratch/project"
cd "$scratch/project"
t0=$(date +%s%N)
npm install --no-audit --no-fund --prefer-offline "$scratch/$tarball" 2>&1 | tee "$scratch/install.log"
echo "installed ($(seconds "$t0"))"
if grep -qi "allowScripts\|install script" "$scratch/install.log"; then echo "try-package: npm install printed install-script warnings (above)" >&2; exit 1; fi

step "npx reuselab --version"
version=$(npx --no-install reuselab --version)
expected=$(node -p 'require(process.argv[1]).version' "$repo/package.json")
[ "$version" = "$expected" ] || { echo "try-package: --version printed '$version', package.json says $expected" >&2; exit 1; }
echo "$version"

step "npx reuselab run --cases ./cases --backend netns"
t0=$(date +%s%N)
NO_COLOR=1 npx --no-install reuselab run --cases ./cases --backend netns
echo "($(seconds "$t0"))"

step "node -e: require(\"reuselab\").runCases(...)"
node -e 'require("reuselab").runCases({ cases: ["./cases"], backend: "netns" }).then((r) => console.log(`${r.runs.length} runs: ${r.runs.map((x) => `${x.id} ${x.outcome}`).join(", ")}`))'

# Lab namespaces (rl-<runner pid>-…) whose runner is gone: what a run that leaked would leave behind.
# Other labs running on this machine meanwhile have live runners and do not count.
orphan_namespaces() { local n pid; for n in $(ls /run/netns 2>/dev/null | grep '^rl-[0-9]*-' || true); do pid=${n#rl-}; pid=${pid%%-*}; [ -d "/proc/$pid" ] || echo "$n"; done | sort; }
orphans_before=$(orphan_namespaces)

step "node --test (the project's own tests: runCases on its cases)"
t0=$(date +%s%N)
npm test --silent
echo "($(seconds "$t0"))"

step "ava (the project's ad-hoc labs: the Lab builder)"
t0=$(date +%s%N)
npm run --silent test:ava
echo "($(seconds "$t0"))"
left=$(comm -13 <(echo "$orphans_before") <(orphan_namespaces))
if [ -n "$left" ]; then echo "try-package: the tests left network namespaces behind: $(echo $left)" >&2; exit 1; fi

# ---- step block: audit() from the package (examples/audit-project) --------------------------------
# The audit example's test, run in the same scratch project (the tarball is installed there already).
# It needs a Docker engine; without one it is skipped, and says so.
step "node --test: examples/audit-project's test (audit() of a service image)"
if docker info >/dev/null 2>&1; then
  cp "$repo/examples/audit-project/test/service-audit.test.js" "$scratch/project/test/"
  t0=$(date +%s%N)
  node --test test/service-audit.test.js
  echo "($(seconds "$t0"))"
else
  echo "skipped: no Docker engine answers ('docker info'); the audit needs one"
fi
# ---- end of step block: audit() -------------------------------------------------------------------
echo
echo "try-package: all passed"
