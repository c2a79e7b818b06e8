// Counting steps proved by the kernel's accounting (lab/run/ledger.ts) against the slow path that waits
// every timer out (--zeros timer), on this machine's kernel (netns backend: root): the same verdicts on
// the whole shipped catalogue and on files of the generated one, and, on cases written here, that the
// accounting stays open while a datagram waits unread or a TCP handshake is under way.
import test from "ava";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeDeliveryMatrix } from "../../lab/bench/delivery-matrix";
import { allowlistFor } from "../../lab/case/known-bugs-file";
import { DEFAULT_CASES } from "../../lab/case/case-files";
import { loadCatalogue, type Catalogue } from "../../lab/case/load-cases";
import type { NetnsBackend } from "../../lab/backend/netns/netns-backend";
import { KernelBackends } from "../../lab/run/kernel-backends";
import { systemTool } from "../../lab/system-tools";
import type { ZeroProof } from "../../lab/run/run-case";
import { runSession } from "../../lab/run/session";
import type { Selection } from "../../lab/plan/plan";
import type { RunResult, StepResult } from "../../lab/verdict/outcome";
import { scratch } from "../scratch";
import { step } from "./helpers";

const dir = scratch("zero-proof");
const generated = loadCatalogue([writeDeliveryMatrix(join(dir, "generated")).dir]);
const GENERATED_SAMPLE = [
  "tcp/v4-any/near-decoy-uid-1000.",
  "tcp/v6-any-only/far-decoy-uid-1001.",
  "tcp/mapped-loopback/near-decoy-uid-1001.",
  "udp/v6-any/near-decoy-uid-1000.",
  "udp/v4-address/far-decoy-uid-1001.",
  "udp/mapped-any/far-decoy-uid-1000.",
];

/** The selection run twice on the same backends, with the accounting and with the timers; and the namespaces it made, all gone after. */
async function both(
  catalogue: Catalogue,
  selection: Selection,
  allow?: Parameters<typeof runSession>[1]["allow"],
): Promise<Record<ZeroProof, RunResult[]> & { left: string[] }> {
  let prefix = "";
  const r = await (async () => {
    await using backends = new KernelBackends(["host"], "netns");
    prefix = (backends.byKernel.get("host") as NetnsBackend).namespacePrefix;
    const run = async (zeros: ZeroProof) =>
      (await runSession(backends, { catalogue, selection, ...(allow ? { allow } : {}), jobs: 2, zeros }))
        .repetitions[0]!;
    return { accounting: await run("accounting"), timer: await run("timer") };
  })();
  const left = execFileSync(systemTool("ip", "iproute2"), ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith(prefix));
  return { ...r, left };
}

/** Where the two paths' verdicts differ: a run's outcome, a step's verdict or errno, an exact count. */
function differences(a: RunResult[], b: RunResult[]): string[] {
  const other = new Map(b.map((r) => [r.id, r]));
  const out: string[] = [];
  for (const r of a) {
    const o = other.get(r.id);
    if (!o) {
      out.push(`${r.id}: not run by the timer path`);
      continue;
    }
    if (r.outcome !== o.outcome) out.push(`${r.id}: ${r.outcome} vs ${o.outcome}`);
    r.steps.forEach((s, i) => {
      const p = o.steps[i];
      const exact = s.expectation.kind === "count" && s.expectation.range.min === s.expectation.range.max;
      if (
        !p ||
        s.ok !== p.ok ||
        s.observed.errno !== p.observed.errno ||
        (exact && s.observed.count !== p.observed.count)
      )
        out.push(
          `${r.id}: line ${s.line} '${s.call}': ${JSON.stringify(s.observed)} vs ${JSON.stringify(p?.observed)}`,
        );
    });
  }
  if (a.length !== b.length) out.push(`${a.length} runs vs ${b.length}`);
  return out;
}

const settledBy = (runs: RunResult[], by: string): StepResult[] =>
  runs.flatMap((r) => r.steps.filter((s) => s.observed.settled?.by === by));

test.serial(
  "the shipped catalogue: the same verdicts both ways; zeros proved by accounting, multicast on its timers",
  async (t) => {
    if (process.getuid?.() !== 0) return t.fail("the netns backend needs root");
    const catalogue = loadCatalogue([DEFAULT_CASES]);
    const r = await both(
      catalogue,
      { filter: [], tags: [], slow: false },
      allowlistFor({}, catalogue, [DEFAULT_CASES]),
    );
    t.true(r.accounting.length >= 100, `${r.accounting.length} runs`);
    t.deepEqual(differences(r.accounting, r.timer), []);
    t.deepEqual(settledBy(r.timer, "accounting"), [], "the timer path never asks the accounting");
    t.true(
      settledBy(r.accounting, "accounting").length >= 40,
      `${settledBy(r.accounting, "accounting").length} by accounting`,
    );
    const multicast = r.accounting.filter((x) => x.id.startsWith("multicast/"));
    t.true(multicast.length > 0);
    for (const m of multicast)
      for (const s of m.steps.filter((s) => s.verb === "recv" && !s.call.includes("within")))
        t.is(s.observed.settled?.by, "timer", `${m.id}: ${s.call}: one datagram reaches many sockets there`);
  },
);

test.serial(
  "files of the generated catalogue: the same verdicts both ways, every zero proved by accounting",
  async (t) => {
    if (process.getuid?.() !== 0) return t.fail("the netns backend needs root");
    const r = await both(generated, { filter: GENERATED_SAMPLE, tags: [], slow: false });
    t.is(r.accounting.length, 90);
    t.deepEqual(
      r.accounting.filter((x) => x.outcome !== "passed").map((x) => x.id),
      [],
    );
    t.deepEqual(differences(r.accounting, r.timer), []);
    const decoys = r.accounting.flatMap((x) =>
      x.steps.filter((s) => s.actor === "decoy" && /^(recv|accept)/.test(s.call)),
    );
    t.is(decoys.length, 90);
    t.deepEqual(
      decoys.filter((s) => s.observed.settled?.by !== "accounting").map((s) => `${s.file}:${s.line}`),
      [],
    );
    const timed = r.timer.flatMap((x) => x.steps.filter((s) => s.actor === "decoy" && /^(recv|accept)/.test(s.call)));
    t.true(timed.every((s) => s.observed.settled?.by === "timer" && s.observed.settled.waitedMs >= 90));
  },
);

/** One case file written here, run once with the accounting; its only run. */
async function runOne(name: string, yaml: string): Promise<RunResult> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.yaml`), yaml);
  await using backends = new KernelBackends(["host"], "netns");
  const end = await runSession(backends, { catalogue: loadCatalogue([folder]), jobs: 1 });
  return end.repetitions[0]![0]!;
}

test.serial(
  "a datagram left unread keeps UDP open: the step waits its timer; once read, the accounting closes",
  async (t) => {
    if (process.getuid?.() !== 0) return t.fail("the netns backend needs root");
    const r = await runOne(
      "unread",
      `schemaVersion: 1
title: unread datagrams
rule: InDatagrams is counted when a socket reads a datagram
source: net/ipv4/udp.c udp_recvmsg
actors: { server: { uid: 1000 }, other: { uid: 1000, netns: server }, client: { uid: 1000 } }
steps:
  - server: bind udp 0.0.0.0:7000 => ok
  - other:  bind udp 0.0.0.0:7001 => ok
  - client: socket udp v4
  - client: send 5 to $server:7000 => 5
  - other:  recv => 0
  - server: recv => 5
  - other:  recv => 0
`,
    );
    t.is(r.outcome, "passed", JSON.stringify(r));
    const first = step(t, r, "other", "recv", 0).observed;
    t.is(first.settled?.by, "timer", "5 datagrams wait unread in the server's socket");
    t.true(first.settled!.waitedMs >= 90, `${first.settled!.waitedMs} ms`);
    t.like(step(t, r, "server", "recv").observed, { count: 5, settled: { by: "accounting" } });
    t.like(step(t, r, "other", "recv", 1).observed, { count: 0, settled: { by: "accounting", waitedMs: 0 } });
  },
);

test.serial("a TCP handshake under way keeps TCP open: the step waits its whole timer", async (t) => {
  if (process.getuid?.() !== 0) return t.fail("the netns backend needs root");
  // 10.214.0.250 is in the lab's own subnet and no namespace has it: the SYN waits for an ARP answer
  // that never comes, and the client's socket stays in SYN_SENT after the probe gave up on it.
  const r = await runOne(
    "opening",
    `schemaVersion: 1
title: a handshake under way
rule: a socket in SYN_SENT may still connect
source: net/ipv4/tcp_output.c tcp_connect
actors: { server: { uid: 1000 }, client: { uid: 1000 } }
steps:
  - server: bind tcp 0.0.0.0:7000 => ok
  - server: listen => ok
  - server: accept within 300 => 0
  - client: connect tcp 10.214.0.250:7000 within 50 => ETIMEDOUT
  - server: accept within 300 => 0
`,
  );
  t.is(r.outcome, "passed", JSON.stringify(r));
  t.like(step(t, r, "server", "accept", 0).observed, { count: 0, settled: { by: "accounting", waitedMs: 0 } });
  const after = step(t, r, "server", "accept", 1).observed;
  t.is(after.settled?.by, "timer");
  t.true(after.settled!.waitedMs >= 290, `${after.settled!.waitedMs} ms`);
});
