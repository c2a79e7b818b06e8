// The kernel matrix: the default catalogue in every guest kernel of images/kernels/kernels.yaml,
// booted under QEMU. Fails if a guest cannot boot, returns no results, or a kernel does not do what
// the catalogue (with its per-kernel expectations) says.
import test from "ava";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelInfo } from "../../lab/kernel-info";
import { kernelIds } from "../../lab/backend/vm/kernel-images";
import type { VmBackend } from "../../lab/backend/vm/vm-backend";
import { loadCatalogue } from "../../lab/case/load-cases";
import { allowlistFor } from "../../lab/case/known-bugs-file";
import { KernelBackends } from "../../lab/run/kernel-backends";
import { runSession } from "../../lab/run/session";
import type { ClaimAudit } from "../../lab/findings/claims-audit";
import type { KnownBugs } from "../../lab/findings/known-bugs";
import type { RunResult } from "../../lab/verdict/outcome";
import { step } from "./helpers";

const ids = kernelIds();
let results: RunResult[] = [];
let kernels: KernelInfo[] = [];
let boots: Record<string, number | undefined> = {};
let audit: ClaimAudit[] = [];
let known: KnownBugs = { kernels: {}, staleAllowlist: [] };
let regressions: string[] = [];
let allowed = new Set<string>();
let guestDirs: string[] = [];

test.before(async () => {
  await using backends = new KernelBackends(ids, "netns");
  const catalogue = loadCatalogue(["cases"]);
  // The shipped allowlist, as `npm run lab -- matrix` reads it: a regression case it names may be xfail there.
  const end = await runSession(backends, { catalogue, allow: allowlistFor({}, catalogue, ["cases"]) });
  kernels = end.kernels;
  boots = Object.fromEntries(ids.map((k) => [k, (backends.backend(k) as VmBackend).bootMs]));
  // This run's guests, by their directories: the pid in a directory's name is this file's process
  // (ava runs each file in a process of its own, package.json), but other guests of it may be there.
  guestDirs = ids.map((k) => (backends.backend(k) as VmBackend).guestDir ?? `(no directory for ${k})`);
  allowed = new Set(end.runs.filter((r) => r.allowed).map((r) => r.id));
  regressions = [...new Set(end.runs.filter((r) => r.case.fix).map((r) => r.case.id))];
  ({ results, audit, knownBugs: known } = end.finished!);
});

const run = (id: string) => results.find((r) => r.id === id);

test("every kernel has the known-bugs verdict of every regression case, judged by its runs", (t) => {
  for (const k of ids) {
    const bugs = known.kernels[k] ?? [];
    t.deepEqual(
      bugs.map((b) => b.case),
      regressions,
      k,
    );
    for (const b of bugs) {
      // A fix absent on a kernel is there only because the shipped allowlist names it.
      if (b.status === "absent") t.truthy(b.allowed, `${k}: ${b.case} lacks ${b.fix}: ${b.evidence.join("; ")}`);
      t.true(b.evidence.length > 0, `${k}: ${b.case}`);
    }
  }
});

test("every guest kernel booted and said which it is", (t) => {
  t.deepEqual(
    kernels.map((k) => k.id),
    ids,
  );
  t.true(ids.length >= 4);
  for (const k of kernels) {
    // A numbered id names the kernel's version; "sid" follows Debian's unstable.
    if (/^\d/.test(k.id)) t.true(k.release.startsWith(`${k.id}.`), `${k.id}: ${k.release}`);
    t.regex(k.source?.sha256 ?? "", /^[0-9a-f]{64}$/, `${k.id}: its provenance`);
    t.true(k.build?.startsWith(`Linux version ${k.release} `), `${k.id}: ${k.build}`);
    t.true((boots[k.id] ?? 0) > 0, `${k.id} boot time`);
  }
});

test("each kernel returned a result for every run of the catalogue, and every run passed (or lacks a fix the shipped allowlist names)", (t) => {
  for (const k of ids) {
    const mine = results.filter((r) => r.kernel === k);
    t.true(mine.length >= 60, `${k}: ${mine.length} runs`);
    const bad = mine
      .filter((r) => r.outcome !== "passed" && !(r.outcome === "xfail" && allowed.has(r.id)))
      .map((r) => `${r.id}: ${JSON.stringify(r.outcome === "failed" ? r.failures : r.outcome)}`);
    t.deepEqual(bad, [], `${k}`);
    t.true(
      mine.every((r) => r.steps.length > 0),
      `${k}: every run made its steps`,
    );
  }
});

test("where kernels differ, each does what its per-kernel expectation says: tcp_migrate_req before and after 5.14", (t) => {
  for (const k of kernels) {
    const r = run(`rolling-restart/close-listener-with-queued-connections.migrate-on@${k.id}`);
    const old = Number(k.release.split(".")[0]) === 5 && Number(k.release.split(".")[1]) < 14;
    t.deepEqual(step(t, r, "client", "tcp-states").observed.states, old ? {} : { ESTABLISHED: 8 }, k.id);
    t.is(step(t, r, "new", "accept").observed.count, old ? 0 : 8, k.id);
  }
  t.is(audit.find((a) => a.id === "rolling-restart-no-connection-drops")?.verdicts["5.10"], "refuted");
});

test("where kernels differ: SO_INCOMING_CPU steers a reuseport group from 6.1 on, the hash alone decides on 5.10", (t) => {
  for (const k of ids) {
    const r = run(`distribution/udp-incoming-cpu-member.same-cpu@${k}`);
    const [w1, w2] = ["w1", "w2"].map((a) => step(t, r, a, "recv").observed.count!);
    if (k === "5.10") t.true(w1 >= 40 && w1 <= 160 && w1 + w2! === 200, `5.10: ${w1}/${w2}`);
    else t.deepEqual([w1, w2], [200, 0], k);
  }
});

test("the basic rules hold on every kernel: uid rule, hijack, multicast fan-out, TIME_WAIT's 60 s", (t) => {
  for (const k of ids) {
    t.like(step(t, run(`uid-rule/tcp-reuseport-needs-same-uid.other-uid@${k}`), "second", "bind").observed, {
      errno: "EADDRINUSE",
    });
    t.is(
      step(t, run(`hijack/udp-specific-address-steals-unicast.attacker-reuseaddr@${k}`), "attacker", "recv").observed
        .count,
      20,
    );
    t.deepEqual(
      ["r1", "r2", "r3"].map(
        (a) => step(t, run(`multicast/fan-out-to-every-netns.default@${k}`), a, "recv").observed.count,
      ),
      [10, 10, 10],
    );
    const left = step(t, run(`timewait/timewait-lasts-60-seconds.default@${k}`), "server", "tcp-timer").observed.count!;
    t.true(left > 50_000 && left <= 60_000, `${k}: ${left} ms`);
  }
});

test("no guest of this run is left behind: each guest's directory is gone once the backends are disposed", (t) => {
  t.is(guestDirs.length, ids.length);
  for (const dir of guestDirs) t.true(dir.startsWith(join(tmpdir(), `reuselab-vm-${process.pid}-`)), dir);
  t.deepEqual(
    guestDirs.filter((d) => existsSync(d)),
    [],
  );
});
