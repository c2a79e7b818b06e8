// The CLI on the whole malformed corpus (test/case/malformed-corpus.ts): every mistake named with its
// file:line, exit 2, and no container or network made on the engine, watched with `docker events`.
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import { corpus, CORPUS } from "../case/malformed-corpus";

const entries = corpus();

/**
 * Docker objects the lab's process `pid` created between two instants (s since the epoch), even ones
 * it removed again: containers carry its pid as a label, networks in their name (rl-<time>-<pid>-…).
 */
function createdBy(pid: number, since: number, until: number): string[] {
  const events = (...filters: string[]) => {
    const args = [
      "events",
      "--since",
      since.toFixed(3),
      "--until",
      until.toFixed(3),
      ...filters.flatMap((f) => ["--filter", f]),
      "--format",
      "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}",
    ];
    const r = spawnSync("docker", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`docker events: ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean);
  };
  const networks = events("type=network", "event=create").filter((e) =>
    new RegExp(`^network create rl-[0-9a-z]+-${pid}-`).test(e),
  );
  return [...events("type=container", `label=reuselab.pid=${pid}`), ...networks];
}

/** The CLI as `npm run lab` starts it; asynchronous, so the tests above go on meanwhile. */
function lab(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; pid: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args], {
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
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
  for (const want of entries.flatMap((e) => e.expected))
    t.true(r.stderr.includes(`${want.file}:${want.line}: `), `${want.file}:${want.line} is not in the output`);
  // The real engine (the test's own DOCKER_HOST) saw nothing made by the lab's process, not even briefly.
  t.deepEqual(createdBy(r.pid, since, until), []);
});
