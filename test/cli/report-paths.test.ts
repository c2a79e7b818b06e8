/**
 * Report paths (--json, --junit, --html, merge's OUT) are checked before anything starts: exit 2, the
 * option, the path and the fix, no folder made, no input overwritten, no engine asked (DOCKER_HOST points
 * nowhere: a command that went on would say there is no engine instead). At the end, a report that
 * cannot be written does not keep the others from being written, and is said plainly.
 */
import test, { type ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemTool } from "../../lab/system-tools";
import { lab, labHere, scratch as freshFolder, type CliResult } from "./helpers";

const CASE = "cases/uid-rule/tcp-reuseport-needs-same-uid.yaml";
const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent/reuselab.sock" };
const CLI = ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts"];

/** A fresh folder, removed when the test ends. */
function scratch(t: ExecutionContext): string {
  const dir = freshFolder();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Refused before anything started: exit 2, the header, no engine asked, no stack trace, nothing on stdout. */
function refusedUpFront(t: ExecutionContext, r: CliResult, problems: number): void {
  t.is(r.code, 2, r.err);
  t.regex(r.err, new RegExp(`${problems} problems? with the report files; nothing was started`));
  t.notRegex(r.err, /engine|DOCKER_HOST|internal error|\n\s+at /);
  t.is(r.out, "");
}

test("run: a missing folder, a folder, the case file itself, a shared path and an empty name are refused at once", (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, "reports"));
  const before = readFileSync(CASE, "utf8");
  const r = lab(
    [
      "run",
      "--cases",
      CASE,
      "--json",
      join(dir, "missing/deeper/r.json"),
      "--junit",
      CASE,
      "--html",
      join(dir, "reports"),
    ],
    NO_ENGINE,
  );
  refusedUpFront(t, r, 3);
  t.true(
    r.err.includes(
      `--json ${dir}/missing/deeper/r.json: the folder ${dir}/missing/deeper does not exist (nor does ${dir}/missing): create it first (mkdir -p ${dir}/missing/deeper) or name a file in a folder that exists`,
    ),
    r.err,
  );
  t.true(
    r.err.includes(
      `--junit ${CASE}: is a case file this command reads; the report would overwrite it: name another file`,
    ),
    r.err,
  );
  t.true(
    r.err.includes(`--html ${dir}/reports: is a folder: name a file in it, e.g. --html ${dir}/reports/report.html`),
    r.err,
  );
  t.false(existsSync(join(dir, "missing")), "no folder was made");
  t.is(readFileSync(CASE, "utf8"), before);

  const twice = lab(
    ["matrix", "--kernels", "host", "--cases", CASE, "--json", join(dir, "same"), "--html", `${dir}/reports/../same`],
    NO_ENGINE,
  );
  refusedUpFront(t, twice, 1);
  t.true(
    twice.err.includes(
      `--json ${dir}/same and --html ${dir}/reports/../same are the same file; one report would overwrite the other: give each its own file`,
    ),
    twice.err,
  );

  const empty = lab(["run", "--cases", CASE, "--junit", "", "--json", "cases/claims.yaml"], NO_ENGINE);
  refusedUpFront(t, empty, 2);
  t.regex(
    empty.err,
    /--json cases\/claims\.yaml: is the claims file this command reads; the report would overwrite it/,
  );
  t.regex(empty.err, /--junit '': no file named: give one, e.g. --junit junit\.xml/);
});

test("run: a folder on a read-only file system is refused before anything starts", (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, "ro"));
  // A read-only mount seen by this command only (its own mount namespace): root is refused there too.
  const r = spawnSync(
    systemTool("unshare", "util-linux"),
    [
      "--mount",
      "--",
      systemTool("sh", "dash"),
      "-c",
      `${systemTool("mount", "mount")} -t tmpfs -o ro tmpfs "$0" && exec "$@"`,
      join(dir, "ro"),
      process.execPath,
      ...CLI,
      "run",
      "--cases",
      CASE,
      "--json",
      join(dir, "ro/r.json"),
    ],
    {
      encoding: "utf8",
      env: { ...process.env, ...NO_ENGINE, NO_COLOR: "1" },
    },
  );
  refusedUpFront(t, { code: r.status, out: r.stdout, err: r.stderr }, 1);
  t.true(
    r.stderr.includes(
      `--json ${dir}/ro/r.json: cannot write in the folder ${dir}/ro (read-only file system): name a file in a folder root can write`,
    ),
    r.stderr,
  );
});

test("run as an unprivileged user: a folder it cannot write is refused, naming its owner", (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "root-only"), { mode: 0o755 });
  const r = spawnSync(
    systemTool("setpriv", "util-linux"),
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      process.execPath,
      ...CLI,
      "run",
      "--cases",
      CASE,
      "--html",
      join(dir, "root-only/r.html"),
    ],
    {
      encoding: "utf8",
      env: { ...process.env, ...NO_ENGINE, NO_COLOR: "1", HOME: dir },
    },
  );
  refusedUpFront(t, { code: r.status, out: r.stdout, err: r.stderr }, 1);
  t.true(
    r.stderr.includes(
      `--html ${dir}/root-only/r.html: cannot write in the folder ${dir}/root-only (permission denied: it belongs to uid 0, this is uid 65534): name a file in a folder uid 65534 can write`,
    ),
    r.stderr,
  );
});

test("a report that cannot be written at the end: the others are written, it is named, exit 2 after a pass and 1 after a failure", (t) => {
  // /dev/full passes every check (a writable file in a writable folder) and fails the write: a full disk.
  const dir = scratch(t);
  const r = lab(
    [
      "run",
      "--backend",
      "netns",
      "--cases",
      CASE,
      "--json",
      "/dev/full",
      "--junit",
      join(dir, "j.xml"),
      "--html",
      join(dir, "r.html"),
    ],
    { REUSELAB_CACHE: dir },
  );
  t.is(r.code, 2, r.err);
  t.regex(r.out, /2 runs: 2 passed, 0 failed/);
  t.regex(r.err, /^reuselab: --json \/dev\/full was not written: ENOSPC: no space left on device$/m);
  t.notRegex(r.err, /internal error|\n\s+at /);
  t.regex(readFileSync(join(dir, "j.xml"), "utf8"), /<testsuites name="reuselab" tests="2"/);
  t.regex(readFileSync(join(dir, "r.html"), "utf8"), /<title>reuselab: 2 runs on host<\/title>/);

  const failed = lab(
    [
      "run",
      "--backend",
      "netns",
      "--cases",
      "test/fixtures/failing",
      "--json",
      "/dev/full",
      "--html",
      join(dir, "failed.html"),
    ],
    { REUSELAB_CACHE: dir },
  );
  t.is(failed.code, 1, failed.err);
  t.regex(failed.err, /^reuselab: --json \/dev\/full was not written: ENOSPC/m);
  t.true(existsSync(join(dir, "failed.html")));
});

test("the last results (a cache for explain) that cannot be kept: a warning, the reports written, exit 0", (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, "last-results.json")); // where the file goes, a folder: the rename at the end fails
  const r = lab(["run", "--backend", "netns", "--cases", CASE, "--json", join(dir, "r.json")], { REUSELAB_CACHE: dir });
  t.is(r.code, 0, r.err);
  t.regex(
    r.err,
    new RegExp(
      `^reuselab: warning: the results were not kept for 'reuselab explain' in ${dir}/last-results\\.json: EISDIR`,
      "m",
    ),
  );
  t.notRegex(r.err, /internal error|\n\s+at /);
  t.is(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).runs.length, 2);
});

test.serial(
  "merge: OUT onto one of its inputs, or into a missing folder, is refused and the input kept; one that fails at the end does not stop --html",
  async (t) => {
    const dir = scratch(t);
    const input = join(dir, "results-host.json");
    const results = `${JSON.stringify({ schema: 1, kernels: [{ id: "host", release: "6.1.0" }], runs: [], claims: [] })}\n`;
    writeFileSync(input, results);
    const onto = await labHere(["merge", input, input]);
    refusedUpFront(t, onto, 1);
    t.true(
      onto.err.includes(
        `OUT ${input}: is a results file this merge reads; the report would overwrite it: name another file`,
      ),
      onto.err,
    );
    t.is(readFileSync(input, "utf8"), results);

    const missing = await labHere([
      "merge",
      join(dir, "out", "merged.json"),
      input,
      "--html",
      join(dir, "out", "merged.html"),
    ]);
    refusedUpFront(t, missing, 2);
    t.true(
      missing.err.includes(
        `OUT ${dir}/out/merged.json: the folder ${dir}/out does not exist: create it first (mkdir -p ${dir}/out)`,
      ),
      missing.err,
    );
    t.false(existsSync(join(dir, "out")));

    const full = await labHere(["merge", "/dev/full", input, "--html", join(dir, "merged.html")]);
    t.is(full.code, 2, full.err);
    t.regex(full.err, /^reuselab: OUT \/dev\/full was not written: ENOSPC: no space left on device$/m);
    t.regex(full.out, new RegExp(`wrote ${dir}/merged\\.html\n$`));
    t.true(existsSync(join(dir, "merged.html")));
  },
);

test("bench: its --json and --html are checked before the machine is touched", (t) => {
  const dir = scratch(t);
  const r = lab(["bench", "--json", join(dir, "nowhere/bench.json"), "--html", dir], NO_ENGINE);
  t.is(r.code, 2, r.err);
  t.regex(r.err, /^bench: 2 problems with the report files; nothing was started/);
  t.true(r.err.includes(`--json ${dir}/nowhere/bench.json: the folder ${dir}/nowhere does not exist`), r.err);
  t.true(r.err.includes(`--html ${dir}: is a folder: name a file in it, e.g. --html ${dir}/report.html`), r.err);
  t.notRegex(r.err, /engine|bootstrap/);
  t.false(existsSync(join(dir, "nowhere")));
});

test("audit: --json onto an audit file it reads and --html in a missing folder are refused before any service starts", (t) => {
  const dir = scratch(t);
  const file = "audits/dnsmasq.yaml";
  const before = readFileSync(file, "utf8");
  const r = lab(["audit", file, "--json", file, "--html", join(dir, "missing/audit.html")], NO_ENGINE);
  refusedUpFront(t, r, 2);
  t.true(
    r.err.includes(
      `--json ${file}: is an audit file this command reads; the report would overwrite it: name another file`,
    ),
    r.err,
  );
  t.true(r.err.includes(`--html ${dir}/missing/audit.html: the folder ${dir}/missing does not exist`), r.err);
  t.is(readFileSync(file, "utf8"), before);
  t.false(existsSync(join(dir, "missing")), "no folder was made");
});
