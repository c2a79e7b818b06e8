// Where reports go (lab/report/report-paths.ts), checked in a folder made here: each path that cannot
// take a report is refused with why and the fix, before anything starts; two reports on one file, or a
// report on a file the command reads, are refused however the path is spelled; writing goes on past
// one report that fails.
import test from "ava";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkReportPaths, reportPathProblems, writeFailure, writeReports } from "../../lab/report/report-paths";
import { tempFolder } from "./real-run";

const temp = tempFolder("report-paths");
test.after.always(() => temp.remove());
const at = (...parts: string[]) => join(temp.dir, ...parts);

test.before(() => {
  mkdirSync(at("out"));
  writeFileSync(at("plain"), "not a folder");
  writeFileSync(at("case.yaml"), "schemaVersion: 1\n");
  symlinkSync(at("case.yaml"), at("link.yaml"));
  symlinkSync(at("out"), at("outlink"));
});

test("paths that can take a report: a new file in a folder that exists, an existing file", (t) => {
  t.deepEqual(
    reportPathProblems([
      { option: "--json", file: at("out", "r.json") },
      { option: "--junit", file: at("plain") },
      { option: "--html", file: at("case.yaml") },
    ]),
    [],
  );
  t.notThrows(() => checkReportPaths([{ option: "--html", file: at("out", "r.html") }]));
});

test("each path that cannot, with why and the fix", (t) => {
  const out = at("out");
  t.deepEqual(
    reportPathProblems([
      { option: "--json", file: "" },
      { option: "--bench-json", file: "" },
      { option: "--html", file: out },
      { option: "OUT", file: out },
      { option: "--junit", file: at("none", "j.xml") },
      { option: "--json", file: at("none", "deeper", "r.json") },
      { option: "--json", file: at("plain", "r.json") },
      { option: "--html", file: at("my report.html") + "/x" },
    ]),
    [
      "--json '': no file named: give one, e.g. --json results.json",
      "--bench-json '': no file named: give one, e.g. --bench-json report",
      `--html ${out}: is a folder: name a file in it, e.g. --html ${join(out, "report.html")}`,
      `OUT ${out}: is a folder: name a file in it, e.g. OUT ${join(out, "merged.json")}`,
      `--junit ${at("none", "j.xml")}: the folder ${at("none")} does not exist: create it first (mkdir -p ${at("none")}) or name a file in a folder that exists`,
      `--json ${at("none", "deeper", "r.json")}: the folder ${at("none", "deeper")} does not exist (nor does ${at("none")}): create it first (mkdir -p ${at("none", "deeper")}) or name a file in a folder that exists`,
      `--json ${at("plain", "r.json")}: ${at("plain")} is not a folder: name a file in a folder`,
      `--html '${at("my report.html")}/x': the folder ${at("my report.html")} does not exist: create it first (mkdir -p ${at("my report.html")}) or name a file in a folder that exists`,
    ],
  );
});

test("a report on a file the command reads, or two reports on one file, however spelled (a linked file or folder too)", (t) => {
  const others = [{ file: at("case.yaml"), what: "a case file this command reads" }];
  t.deepEqual(reportPathProblems([{ option: "--json", file: at("link.yaml") }], others), [
    `--json ${at("link.yaml")}: is a case file this command reads; the report would overwrite it: name another file`,
  ]);
  t.deepEqual(reportPathProblems([{ option: "--json", file: at("out", "r.json") }], others), []);
  t.deepEqual(
    reportPathProblems([
      { option: "--json", file: at("out", "r.json") },
      { option: "--html", file: at("out", ".", "r.json") },
      { option: "--junit", file: at("plain") },
      { option: "OUT", file: at("out", "..", "plain") },
      { option: "--html", file: at("out", "other.html") },
      { option: "--html", file: at("outlink", "r.json") },
    ]),
    [
      `--json ${at("out", "r.json")} and --html ${at("out", ".", "r.json")} are the same file; one report would overwrite the other: give each its own file`,
      `--junit ${at("plain")} and OUT ${at("out", "..", "plain")} are the same file; one report would overwrite the other: give each its own file`,
      `--json ${at("out", "r.json")} and --html ${at("outlink", "r.json")} are the same file; one report would overwrite the other: give each its own file`,
    ],
  );
});

test("every problem in one error, counted; nothing was started", (t) => {
  t.throws(() => checkReportPaths([{ option: "--json", file: "" }]), {
    code: "REUSELAB_BAD_ARGS",
    message:
      "1 problem with the report files; nothing was started:\n  --json '': no file named: give one, e.g. --json results.json",
  } as object);
  t.throws(
    () =>
      checkReportPaths([
        { option: "--json", file: "" },
        { option: "--junit", file: "" },
      ]),
    {
      message:
        "2 problems with the report files; nothing was started:\n  --json '': no file named: give one, e.g. --json results.json\n  --junit '': no file named: give one, e.g. --junit junit.xml",
    },
  );
});

test("writing: each report on its own, one that fails named with why (without Node's tail), the others written", (t) => {
  const failures = writeReports([
    { option: "--html", file: at("gone", "r.html"), text: () => "<html>" },
    { option: "--json", file: at("out", "w.json"), text: () => "{}\n" },
  ]);
  t.deepEqual(failures, [`--html ${at("gone", "r.html")} was not written: ENOENT: no such file or directory`]);
  t.is(readFileSync(at("out", "w.json"), "utf8"), "{}\n");
  t.is(
    writeFailure({ option: "--junit", file: "a b.xml" }, "disk on fire"),
    "--junit 'a b.xml' was not written: disk on fire",
  );
  t.is(
    writeFailure({ option: "--junit", file: "j.xml" }, new Error("ENOSPC: no space left on device, write")),
    "--junit j.xml was not written: ENOSPC: no space left on device",
  );
});

// Another user, to see what root never meets: a folder or a file it may not write. As root the check runs
// in a child process that loads the module as root (it may sit in a folder only root can enter, as in
// Stryker's sandbox), then becomes the user nobody (65534); as any other user, here, on files it cannot write.
const OWNER = 12345; // as root, the files are given to this uid: neither root nor the user that checks
function asOtherUser(files: string[]): { uid: number; owner: number; problems: string[] } {
  const mine = process.getuid!();
  if (mine !== 0)
    return { uid: mine, owner: mine, problems: reportPathProblems(files.map((file) => ({ option: "--json", file }))) };
  const module = require.resolve("../../lab/report/report-paths");
  const child = spawnSync(
    process.execPath,
    [
      ...(module.endsWith(".ts") ? ["-r", "./lab/dev/ts-cache.cjs"] : []),
      "-e",
      `const { reportPathProblems } = require(${JSON.stringify(module)});
       process.setgid(65534);
       process.setuid(65534);
       const files = JSON.parse(process.argv[1]);
       console.log(JSON.stringify(reportPathProblems(files.map((file) => ({ option: "--json", file })))));`,
      JSON.stringify(files),
    ],
    { encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`the check as uid 65534 failed: ${child.stderr}`);
  return { uid: 65534, owner: OWNER, problems: JSON.parse(child.stdout) as string[] };
}

test("as a user who may not: a folder it cannot write in, a file it cannot write; the owner and the user named", (t) => {
  const locked = at("locked");
  const open = at("open");
  mkdirSync(locked);
  mkdirSync(open);
  writeFileSync(join(open, "old.json"), "{}");
  chmodSync(temp.dir, 0o755);
  chmodSync(locked, 0o555);
  chmodSync(open, 0o777);
  chmodSync(join(open, "old.json"), 0o444);
  if (process.getuid!() === 0) for (const f of [locked, join(open, "old.json")]) chownSync(f, OWNER, OWNER);
  const { uid, owner, problems } = asOtherUser([
    join(locked, "r.json"),
    join(open, "old.json"),
    join(open, "new.json"),
  ]);
  t.deepEqual(problems, [
    `--json ${join(locked, "r.json")}: cannot write in the folder ${locked} (permission denied: it belongs to uid ${owner}, this is uid ${uid}): name a file in a folder uid ${uid} can write`,
    `--json ${join(open, "old.json")}: the file exists and cannot be written (permission denied: it belongs to uid ${owner}, this is uid ${uid}): name another file, or one uid ${uid} can write`,
  ]);
});

test("the debug log says why a path could not be looked at, but not that a file does not exist yet", (t) => {
  const log = at("debug.log");
  const before = process.env.REUSELAB_DEBUG;
  process.env.REUSELAB_DEBUG = log;
  try {
    reportPathProblems([{ option: "--json", file: at("out", "new.json") }]);
    t.false(existsSync(log));
    reportPathProblems([{ option: "--json", file: at("plain", "r.json") }]);
  } finally {
    if (before === undefined) delete process.env.REUSELAB_DEBUG;
    else process.env.REUSELAB_DEBUG = before;
  }
  t.regex(
    readFileSync(log, "utf8"),
    /^\S+ reuselab report\/report-paths: Error ENOTDIR: ENOTDIR: not a directory, stat '/m,
  );
});
