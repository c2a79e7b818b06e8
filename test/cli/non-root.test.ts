/**
 * The lab run by a user who is not root, as the pieces that used to hide the cause see it (setpriv to
 * uid 65534 with no groups): the engine's socket it may not open, a TMPDIR it cannot write, a kernel
 * cache that is root's. Each says the real cause at once, with the fix, instead of a 60 s wait and
 * "did not answer", "install gcc", or "Permission denied" on a lock file.
 */
import test, { type ExecutionContext } from "ava";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemTool } from "../../lab/system-tools";
import { scratch } from "./helpers";

const BOOTSTRAP = join(__dirname, "../../lab/bootstrap/bootstrap.sh");
const BUILD_INITRAMFS = join(__dirname, "../../images/guest/build-initramfs.sh");

/** bash running `args` as uid/gid 65534 with no supplementary groups (not in the docker group, whatever root is in). */
function asNobody(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(
    systemTool("setpriv", "util-linux"),
    ["--reuid=65534", "--regid=65534", "--clear-groups", systemTool("bash", "bash"), ...args],
    { encoding: "utf8", env: { ...process.env, ...env } },
  );
}

/** A folder uid 65534 can read and enter but not write (root's, mode 755), inside a fresh scratch folder. */
function rootsFolder(t: ExecutionContext): string {
  const dir = scratch();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const ro = join(dir, "roots");
  mkdirSync(ro, { mode: 0o755 });
  return ro;
}

test("bootstrap engine: a socket the user may not open is said at once, with the group to join", (t) => {
  // A socket of root's, mode 600, that answers nothing: the user can never get past its permissions.
  const dir = rootsFolder(t);
  const sock = join(dir, "docker.sock");
  const server = spawnSync(systemTool("python3", "python3"), [
    "-c",
    "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])",
    sock,
  ]);
  t.is(server.status, 0, server.stderr?.toString());
  chmodSync(sock, 0o600);
  const r = asNobody([BOOTSTRAP, "engine"], { DOCKER_HOST: `unix://${sock}` });
  t.is(r.status, 2, r.stderr);
  t.true(
    r.stderr.includes(
      `reuselab bootstrap: permission denied on ${sock} (it belongs to root:root, mode srw-------; this is uid 65534, nobody): add the user to the root group ('usermod -aG root nobody', then log in again) or run as root`,
    ),
    r.stderr,
  );
  t.notRegex(r.stderr, /waiting|did not answer|no Docker engine answers/);

  const check = asNobody([BOOTSTRAP, "--check", "engine"], { DOCKER_HOST: `unix://${sock}` });
  t.is(check.status, 1);
  t.regex(check.stdout, new RegExp(`^missing\\tengine\\tpermission denied on ${sock} `, "m"));
});

test("bootstrap engine: the default /var/run/docker.sock of a running dockerd, as a user outside its group", (t) => {
  const sock = "/var/run/docker.sock";
  if (!existsSync(sock) || (statSync(sock).mode & 0o006) !== 0) {
    t.pass(`${sock} is not here, or is open to every user: nothing to deny`);
    return;
  }
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  // The old bootstrap said "dockerd is running but does not answer yet; waiting" and waited
  // REUSELAB_ENGINE_WAIT seconds (60 by default) for an engine that would never answer this user. No
  // wait here, so that the old one fails at once; the line it printed before waiting must not come.
  const r = spawnSync(
    systemTool("setpriv", "util-linux"),
    ["--reuid=65534", "--regid=65534", "--clear-groups", systemTool("bash", "bash"), BOOTSTRAP, "engine"],
    { encoding: "utf8", env: { ...env, REUSELAB_ENGINE_WAIT: "0" } },
  );
  t.is(r.status, 2, r.stderr);
  t.regex(
    r.stderr,
    /^reuselab bootstrap: permission denied on \/var\/run\/docker\.sock \(it belongs to \w+:(\w+), mode srw-rw----; this is uid 65534, nobody\): add the user to the \1 group \('usermod -aG \1 nobody', then log in again\) or run as root$/m,
  );
  t.notRegex(r.stderr, /waiting|did not answer/);
});

test("bootstrap toolchain: a TMPDIR the user cannot write is named, not reported as a missing gcc", (t) => {
  const tmp = rootsFolder(t);
  const r = asNobody([BOOTSTRAP, "toolchain"], { TMPDIR: tmp });
  t.is(r.status, 2, r.stderr);
  t.true(
    r.stderr.includes(
      `reuselab bootstrap: the temporary folder TMPDIR=${tmp} cannot be written (Permission denied; it belongs to root:root, mode drwxr-xr-x; this is uid 65534): set TMPDIR to a folder this user can write, e.g. TMPDIR=$HOME/tmp`,
    ),
    r.stderr,
  );
  t.notRegex(r.stderr, /gcc|libc6-dev/);

  const check = asNobody([BOOTSTRAP, "--check", "toolchain"], { TMPDIR: join(tmp, "missing") });
  t.is(check.status, 1);
  t.regex(
    check.stdout,
    new RegExp(
      `^missing\\ttoolchain\\tthe temporary folder TMPDIR=${tmp}/missing cannot be written \\(No such file or directory; this is uid 65534\\)`,
      "m",
    ),
  );
  t.deepEqual(readdirSync(tmp), [], "the check leaves nothing behind");
});

test("build-initramfs: a kernel cache of root's names the folder, its owner and the fix, not 'Permission denied' on a lock", (t) => {
  // A cached kernel as fetch-kernel.sh leaves it (complete, so nothing is fetched), every module of
  // modules.list built in: the script gets as far as its lock with no network and no real kernel.
  const cache = rootsFolder(t);
  const kdir = join(cache, "kernels", "fake");
  mkdirSync(join(kdir, "modules", "kernel"), { recursive: true, mode: 0o755 });
  for (const f of ["vmlinuz", "config", "manifest"]) writeFileSync(join(kdir, f), `${f}\n`);
  writeFileSync(join(kdir, "release"), "6.1.0-fake\n");
  const modules = ["virtio_pci", "virtio_console", "veth", "bridge"];
  writeFileSync(join(kdir, "modules", "modules.builtin"), modules.map((m) => `kernel/drivers/${m}.ko\n`).join(""));
  chmodSync(join(cache, "kernels"), 0o755);
  chmodSync(kdir, 0o755);
  // The probe is built as root first (the worktree is root's too): make has nothing to do as the user.
  t.is(
    spawnSync(systemTool("make", "make"), ["-s", "-C", join(__dirname, "../../images/probe")], { stdio: "inherit" })
      .status,
    0,
  );

  // "fake" from the kernels folder: a kernel id of the cache, or the kernel folder itself for a script
  // that is given one (both name the same folder).
  const r = spawnSync(
    systemTool("setpriv", "util-linux"),
    ["--reuid=65534", "--regid=65534", "--clear-groups", systemTool("bash", "bash"), BUILD_INITRAMFS, "fake"],
    {
      encoding: "utf8",
      cwd: join(cache, "kernels"),
      env: { ...process.env, REUSELAB_CACHE: cache },
    },
  );
  t.is(r.status, 1, r.stderr);
  const said =
    /^build-initramfs: cannot write in the kernel cache (\S+) \(it belongs to root:root, mode drwxr-xr-x; this is uid 65534\): run as that user \(e\.g\. as root\), or set REUSELAB_CACHE to a folder this user owns \(the kernels are fetched into it again\)$/m.exec(
      r.stderr,
    );
  t.truthy(said, r.stderr);
  t.true(said![1] === kdir || said![1] === "fake", said![1]);
  t.notRegex(r.stderr, /Permission denied/);
});

test("runCases on the netns backend as a user who is not root: LabError REUSELAB_NOT_ROOT, not NO_ENGINE", (t) => {
  // The API, as a program of that user would call it: the code is what such a program branches on.
  const dir = scratch();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o777);
  const script = `require("./lab").runCases({ backend: "netns", cases: ["cases/hijack"] }).then(() => console.log("resolved"), (e) => console.log(e.name, e.code, e.message))`;
  const r = spawnSync(
    systemTool("setpriv", "util-linux"),
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      process.execPath,
      "-r",
      "./lab/dev/ts-cache.cjs",
      "-e",
      script,
    ],
    {
      encoding: "utf8",
      cwd: join(__dirname, "../.."),
      env: { ...process.env, REUSELAB_CACHE: dir, TMPDIR: dir },
    },
  );
  t.is(r.status, 0, r.stderr);
  t.regex(
    r.stdout,
    /^LabError REUSELAB_NOT_ROOT the netns backend needs root: .*Run as root, or use --backend docker\.\n$/,
    r.stderr,
  );
});
