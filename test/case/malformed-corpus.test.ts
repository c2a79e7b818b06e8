/**
 * The malformed corpus (test/fixtures/malformed): every file is wrong in one way and its header says
 * how; the loader must reject it with a problem at that line, in those words, with that fix. A file
 * the loader accepts, or one it crashes on, fails here.
 *
 *   # malformed: what is wrong, in words
 *   # error-line: 12
 *   # error: a regex the problem's message must match
 *   # fix: a regex its fix must match
 *   # problems: 2        (optional: how many problems the file yields; 1 when left out)
 *
 * A folder in the corpus is one mistake made by its files together (two files with one case id); it
 * is loaded whole, and the file that gets the problem carries the header.
 */
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadCatalogue } from "../../lab/case/load-cases";
import { CaseProblemsError, formatProblem } from "../../lab/problems";

const CORPUS = "test/fixtures/malformed";

interface Expected {
  /** As the loader names it: relative to the working directory. */
  file: string;
  what: string;
  line: number;
  error: RegExp;
  fix: RegExp;
  problems: number;
}

/** Files that cannot carry a header. */
const SIDECAR: Record<string, Omit<Expected, "file">> = {
  "empty-file.yaml": { what: "the file is empty", line: 1, error: /^the case file is empty/, fix: /start with 'schemaVersion: 1'/, problems: 1 },
  // Its lines end in CR alone: a header would not be read line by line either.
  "cr-line-ends.yaml": { what: "CR line ends", line: 1, error: /^CR line ends/, fix: /convert the file to LF line ends/, problems: 1 },
};

function shown(path: string): string {
  return relative(process.cwd(), resolve(path));
}

/** The header's fields, read up to the first line that is not one (latin1: what follows may not be text). */
function header(path: string): Expected | undefined {
  const fields = new Map<string, string>();
  for (const line of readFileSync(path, "latin1").split("\n")) {
    const m = /^# (malformed|error-line|error|fix|problems): (.*)$/.exec(line);
    if (!m) break;
    fields.set(m[1]!, m[2]!);
  }
  const what = fields.get("malformed");
  if (what === undefined) return undefined;
  const field = (k: string) => {
    const v = fields.get(k);
    if (v === undefined) throw new Error(`${path}: the header has no '# ${k}:'`);
    return v;
  };
  return { file: shown(path), what, line: Number(field("error-line")), error: new RegExp(field("error")), fix: new RegExp(field("fix")), problems: Number(fields.get("problems") ?? 1) };
}

/** Each entry of the corpus: what to load, and what each of its files must yield. */
function corpus(): { name: string; load: string; expected: Expected[] }[] {
  return readdirSync(CORPUS)
    .filter((name) => name !== "claims.yaml")
    .sort()
    .map((name) => {
      const path = join(CORPUS, name);
      const files = statSync(path).isDirectory() ? readdirSync(path).map((f) => join(path, f)) : [path];
      const expected = files.flatMap((f) => {
        const side = SIDECAR[name];
        const e = side ? { ...side, file: shown(f) } : header(f);
        return e ? [e] : [];
      });
      return { name, load: path, expected };
    });
}

const entries = corpus();

test("the corpus holds at least 30 mistakes, each with its expectations", (t) => {
  t.true(entries.length >= 30, `${entries.length} entries`);
  for (const e of entries) t.true(e.expected.length > 0, `${e.name} has no '# malformed:' header and no sidecar entry`);
});

for (const entry of entries) {
  test(`rejects ${entry.name}`, (t) => {
    // A file the loader accepts fails here, and so does a crash (any error but CaseProblemsError).
    const e = t.throws(() => loadCatalogue([entry.load]), { instanceOf: CaseProblemsError });
    if (!e) return;
    const listing = e.problems.map(formatProblem).join("\n");
    for (const p of e.problems) t.truthy(p.fix, `every problem says how to fix it: ${formatProblem(p)}`);
    for (const want of entry.expected) {
      const mine = e.problems.filter((p) => p.file === want.file);
      t.is(mine.length, want.problems, `${want.what}: problems of ${want.file}:\n${listing}`);
      const at = mine.find((p) => p.line === want.line);
      if (!at) {
        t.fail(`${want.what}: no problem at ${want.file}:${want.line}:\n${listing}`);
        continue;
      }
      t.regex(at.message, want.error);
      t.regex(at.fix ?? "", want.fix);
      // As the CLI prints it: file:line: message; fix.
      t.true(e.message.includes(`  ${want.file}:${want.line}: ${at.message}`), e.message);
    }
  });
}

/**
 * Docker objects the lab's process `pid` created between two instants (s since the epoch), even ones
 * it removed again: containers carry its pid as a label, networks in their name (rl-<time>-<pid>-…).
 */
function createdBy(pid: number, since: number, until: number): string[] {
  const events = (...filters: string[]) => {
    const args = ["events", "--since", since.toFixed(3), "--until", until.toFixed(3), ...filters.flatMap((f) => ["--filter", f]), "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"];
    const r = spawnSync("docker", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`docker events: ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean);
  };
  const networks = events("type=network", "event=create").filter((e) => new RegExp(`^network create rl-[0-9a-z]+-${pid}-`).test(e));
  return [...events("type=container", `label=reuselab.pid=${pid}`), ...networks];
}

/** The CLI as `npm run lab` starts it; asynchronous, so the tests above go on meanwhile. */
function lab(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; pid: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "lab/cli/main.ts", ...args], { env: { ...process.env, NO_COLOR: "1", ...env } });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stderr, pid: child.pid! }));
  });
}

test("the CLI names every mistake of the corpus with its file:line, exits 2, and touches no engine", async (t) => {
  const since = Date.now() / 1000;
  // An engine that does not exist: a lab that reached for Docker would fail on that instead.
  const r = await lab(["--cases", CORPUS], { DOCKER_HOST: "unix:///nonexistent/reuselab.sock" });
  const until = Date.now() / 1000 + 1;
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /\d+ problems in the case files; nothing was started/);
  t.notRegex(r.stderr, /DOCKER_HOST|engine/);
  for (const want of entries.flatMap((e) => e.expected)) t.true(r.stderr.includes(`${want.file}:${want.line}: `), `${want.file}:${want.line} is not in the output`);
  // The real engine (the test's own DOCKER_HOST) saw nothing made by the lab's process, not even briefly.
  t.deepEqual(createdBy(r.pid, since, until), []);
});
