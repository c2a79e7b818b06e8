/**
 * audit(), the package's entry point for services: on a shipped audit (audits/dnsmasq.yaml, the
 * smallest service image), the verdicts `reuselab audit --json` writes, and nothing left when its
 * signal aborts. Needs the Docker engine and the audit's image (built once, cached).
 */
import test from "ava";
import Docker from "dockerode";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { audit, LabError, type AuditResults } from "../../lab";
import { RUN_LABEL } from "../../lab/backend/docker/labels";
import { scratch } from "../cli/helpers";

const FILE = "audits/dnsmasq.yaml";

/** What the verdicts rest on: no timings, no counts (a restart loses a different few answers each time), no pids. */
const essence = (r: AuditResults) => ({
  schema: r.schema,
  kernels: r.kernels,
  runs: r.runs,
  claims: r.claims,
  audit: r.audit.map(({ profiles, sockets, ...a }) => ({
    ...a,
    sockets: sockets.map((s) => s.replace(/pid=\d+/g, "pid=N")),
    profiles: profiles.map((p) => [p.profile, p.family, p.verdict, p.basis]),
  })),
});

/** `reuselab audit` in its own process, without blocking this one (the API's audit runs beside it). */
function cli(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "./lab/dev/ts-cache.cjs", "lab/cli/main.ts", ...args], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, err }));
  });
}

test("audit({ file }) resolves with the verdicts 'reuselab audit --json' writes for the same file", async (t) => {
  const json = join(scratch(), "audit.json");
  const lines: string[] = [];
  const [api, run] = await Promise.all([
    audit({ file: FILE, log: (l) => void lines.push(l) }),
    cli(["audit", FILE, "--json", json]),
  ]);
  t.is(run.code, 0, run.err);
  const written = JSON.parse(readFileSync(json, "utf8")) as AuditResults;
  // The same object: the same keys everywhere, the same verdicts and what they rest on.
  t.deepEqual(Object.keys(api), Object.keys(written));
  t.deepEqual(Object.keys(api.audit[0]!), Object.keys(written.audit[0]!));
  t.deepEqual(
    api.audit[0]!.profiles.map((p) => Object.keys(p)),
    written.audit[0]!.profiles.map((p) => Object.keys(p)),
  );
  t.deepEqual(essence(api), essence(written));
  // And they are real ones: another uid takes dnsmasq's queries with SO_REUSEADDR, not with SO_REUSEPORT (the gate).
  const verdicts = api.audit[0]!.profiles.map((p) => `${p.profile} ${p.family ?? "-"} ${p.verdict}`);
  t.true(verdicts.includes("udp-specific-reuseaddr v4 vulnerable"), verdicts.join("\n"));
  t.true(verdicts.includes("udp-reuseport-other-uid v4 resisted"), verdicts.join("\n"));
  t.deepEqual(api.audit[0]!.gateFailures, []);
  t.true(
    lines.some((l) => /^dnsmasq: answering on /.test(l)),
    lines.join("\n"),
  );
});

test("aborting audit() once the service answers: REUSELAB_INTERRUPTED, and its containers and network are gone", async (t) => {
  const docker = new Docker();
  const controller = new AbortController();
  let session: string | undefined;
  const lookup: Promise<void>[] = [];
  const log = (line: string) => {
    // The service is up on the lab network: find its session by the service's address, then abort.
    const address = /^dnsmasq: answering on (\S+) /.exec(line)?.[1];
    if (!address) return;
    lookup.push(
      docker.listContainers({ filters: { label: [RUN_LABEL] } }).then((cs) => {
        const service = cs.find((c) => Object.values(c.NetworkSettings.Networks).some((n) => n.IPAddress === address));
        session = service?.Labels[RUN_LABEL];
        controller.abort();
      }),
    );
  };
  const e = await t.throwsAsync(audit({ file: FILE, signal: controller.signal, log }));
  await Promise.all(lookup);
  t.true(e instanceof LabError && e.code === "REUSELAB_INTERRUPTED", String(e));
  t.truthy(session, "the service's container was found by its address");
  const left = [
    ...(await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${session}`] } })),
    ...(await docker.listNetworks({ filters: { label: [`${RUN_LABEL}=${session}`] } })),
  ];
  t.deepEqual(left, []);
});
