// Ctrl-C on the netns backend, the way a terminal sends it: SIGINT to the runner's whole process group
// (its children too), at different moments of the run. Every time: exit 130, every namespace of that
// runner gone, the runs in progress SKIP (interrupted), none FAIL, and nothing of ip's on the output.
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROUNDS = 10;

/** The namespaces of runner `pid` (named rl-<pid>-…, netns-backend.ts). */
const namespacesOf = (pid: number) => readdirSync("/run/netns").filter((n) => n.startsWith(`rl-${pid}-`));

/** What the round waits for before it presses Ctrl-C. */
type Moment = { kind: "namespace"; nth: number } | { kind: "result"; nth: number };

/** Odd rounds: when the runner's nth namespace appears (a lab mid-setup); even rounds: after its nth result line. */
function momentOf(round: number): Moment {
  const nth = Math.ceil(round / 2) * 2 - 1;
  return round % 2 ? { kind: "namespace", nth } : { kind: "result", nth };
}

async function interruptOnce(
  moment: Moment,
  cache: string,
): Promise<{ code: number | null; out: string; pid: number; left: string[] }> {
  const runner = spawn(
    process.execPath,
    ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", "--backend", "netns", "--jobs", "2"],
    {
      env: { ...process.env, NO_COLOR: "1", REUSELAB_CACHE: cache },
      detached: true, // a process group of its own, as a terminal's foreground job has
    },
  );
  const pid = runner.pid!;
  let out = "";
  const closed = new Promise<number | null>((r) => runner.on("close", (code) => r(code)));
  let ctrlC!: () => void;
  const reached = new Promise<void>((r) => (ctrlC = r));
  const seen = new Set<string>();
  const watcher = watch("/run/netns", (_event, name) => {
    if (moment.kind === "namespace" && name?.startsWith(`rl-${pid}-`) && seen.add(name).size >= moment.nth) ctrlC();
  });
  runner.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    if (moment.kind === "result" && (out.match(/^ {2}(PASS|FAIL|SKIP|XFAIL|XPASS) /gm) ?? []).length >= moment.nth)
      ctrlC();
  });
  runner.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  try {
    if ((await Promise.race([reached.then(() => "reached"), closed.then(() => "ended")])) === "ended")
      throw new Error(`the runner ended before ${JSON.stringify(moment)}:\n${out}`);
    process.kill(-pid, "SIGINT");
    const code = await closed;
    return { code, out, pid, left: namespacesOf(pid) };
  } finally {
    watcher.close();
  }
}

test(`Ctrl-C on the netns backend, ${ROUNDS} times at different moments: exit 130, no namespace left, no FAIL`, async (t) => {
  const cache = mkdtempSync(join(tmpdir(), "reuselab-netns-interrupt-"));
  t.teardown(() => rmSync(cache, { recursive: true, force: true }));
  const problems: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const moment = momentOf(round);
    const r = await interruptOnce(moment, cache);
    const wrong = [
      r.code !== 130 && `exit ${r.code}, not 130`,
      r.left.length > 0 && `namespaces left: ${r.left.join(" ")}`,
      !/interrupted; removing the lab's containers, namespaces and guests/.test(r.out) && "no 'interrupted' message",
      /^ {2}FAIL /m.test(r.out) && "a run reported FAIL",
      /the probe exited|the lab failed|Peer netns reference|^Error:/m.test(r.out) && "a lab's error on the output",
      // A lab was being set up when Ctrl-C came: its run is skipped as interrupted.
      moment.kind === "namespace" &&
        !/^ {2}SKIP {2}\S+ .*\n\s+interrupted before it finished$/m.test(r.out) &&
        "no run SKIP as interrupted",
    ].filter(Boolean);
    if (wrong.length)
      problems.push(
        `round ${round} (Ctrl-C at ${moment.kind} ${moment.nth}, runner ${r.pid}): ${wrong.join("; ")}\n${r.out}`,
      );
    else
      t.log(
        `round ${round} (Ctrl-C at ${moment.kind} ${moment.nth}): exit 130, no namespace left, ${(r.out.match(/^ {2}SKIP /gm) ?? []).length} run(s) skipped`,
      );
  }
  t.deepEqual(problems, []);
});
