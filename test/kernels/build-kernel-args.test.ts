// images/kernels/build-kernel.sh refuses bad arguments, missing tools and a patch that does not apply,
// each by name, before it fetches or builds anything (no test here builds a kernel: that takes minutes).
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemEnv, systemTool } from "../../lab/system-tools";

const BUILD = join(__dirname, "../../images/kernels/build-kernel.sh");

function scratch(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "reuselab-build-kernel-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function build(args: string[], env: NodeJS.ProcessEnv = systemEnv()) {
  return spawnSync(systemTool("bash", "bash"), [BUILD, ...args], { encoding: "utf8", env });
}

/**
 * An environment whose compiler, flex, make… are stubs that do nothing (the script stops before it would
 * run them), so that the test needs only what it really runs: bash, coreutils, grep, sed and patch.
 */
function stubbedBuildTools(dir: string): NodeJS.ProcessEnv {
  const stubs = join(dir, "stubs");
  mkdirSync(stubs);
  for (const tool of [
    "apt-get",
    "apt-cache",
    "dpkg-deb",
    "tar",
    "xz",
    "make",
    "gcc",
    "flex",
    "bison",
    "bc",
    "perl",
    "nice",
  ]) {
    writeFileSync(join(stubs, tool), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  }
  const system = `${stubs}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
  return { ...systemEnv(), PATH: system, REUSELAB_SYSTEM_PATH: system };
}

test("bad arguments are refused with what to give instead", (t) => {
  const dir = scratch(t);
  const cases: Array<[string[], RegExp]> = [
    [[], /usage: .*ID OUTDIR \(give ID and OUTDIR\)/],
    [["only-id"], /usage: .*\(give ID and OUTDIR\)/],
    [["--frobnicate", "x", dir], /unknown option '--frobnicate'/],
    [["bad/id", dir], /'bad\/id' is not a kernel id/],
    [["--jobs", "0", "x", dir], /--jobs '0' is not a positive number/],
    [["--jobs"], /--jobs needs a number/],
    [["--suite", "Bookworm Security", "x", dir], /--suite 'Bookworm Security' is not a Debian suite name/],
    [["--patch", join(dir, "nope.patch"), "x", dir], /--patch .*nope\.patch: no such file/],
    [["--revert", join(dir, "nope.patch"), "x", dir], /--revert .*nope\.patch: no such file/],
    [["--from", dir, "x", join(dir, "out")], /--from .*: not a tree this script built \(it has no \.reuselab-build\)/],
  ];
  for (const [args, message] of cases) {
    const r = build(args);
    t.is(r.status, 1, args.join(" "));
    t.regex(r.stderr, message, args.join(" "));
  }
  t.deepEqual(readdirSync(dir), [], "nothing was made");
});

test("a patched tree is no base for --from: its patches would be counted twice", (t) => {
  const dir = scratch(t);
  const tree = join(dir, "linux-source-6.1");
  mkdirSync(tree);
  writeFileSync(join(tree, ".reuselab-build"), "id=x\npatches=revert:fix.patch\n");
  const r = build(["--from", tree, "y", join(dir, "out")]);
  t.is(r.status, 1);
  t.regex(r.stderr, /that tree is patched \(revert:fix\.patch\); start from an unpatched build/);
});

test("missing build tools are named, with the bootstrap part that installs them", (t) => {
  const dir = scratch(t);
  // A system path with only what the script needs to get as far as its tool check: no compiler, no flex.
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const tool of ["bash", "dirname", "readlink", "nproc", "sed"])
    symlinkSync(systemTool(tool, "coreutils"), join(bin, tool));
  const r = build(["x", join(dir, "out")], { ...systemEnv(), PATH: bin, REUSELAB_SYSTEM_PATH: bin });
  t.is(r.status, 1);
  t.regex(
    r.stderr,
    /missing to build a kernel: .*\bgcc\b.*\bflex\b.*\bbison\b.*; run 'bash lab\/bootstrap\/bootstrap\.sh kernel-build'/,
  );
  t.false(existsSync(join(dir, "out")), "nothing was made");
});

test("a patch that does not apply is named with its failed hunk, and the copied tree is dropped", (t) => {
  const dir = scratch(t);
  // A stand-in for a built tree (--from copies it, then patches it before any make).
  const base = join(dir, "base", "linux-source-6.1");
  mkdirSync(join(base, "net/ipv4"), { recursive: true });
  writeFileSync(join(base, ".reuselab-build"), "id=base\npatches=\n");
  writeFileSync(join(base, "net/ipv4/inet_hashtables.c"), "int a;\nint b;\nint c;\n");
  const patch = join(dir, "other.patch");
  writeFileSync(
    patch,
    "--- a/net/ipv4/inet_hashtables.c\n+++ b/net/ipv4/inet_hashtables.c\n@@ -1,3 +1,3 @@\n int x;\n-int y;\n+int z;\n int w;\n",
  );
  const out = join(dir, "out");
  const r = build(["--revert", patch, "--from", base, "x", out], stubbedBuildTools(dir));
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /--revert .*other\.patch does not apply to linux-source-6\.1:\n.*Hunk #1 FAILED at 1/s);
  t.deepEqual(readdirSync(out), [], "the half-patched copy is gone");
});
