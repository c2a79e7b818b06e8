/**
 * restart and reload: a client keeps asking while the service is killed and started again (SIGKILL to
 * its main process: a crash, or a hard stop), or told to reload its configuration; every question
 * that got no answer is a connection or query the service's users lost.
 */
import type { Audit } from "../audit";
import type { AuditLab } from "../audit-lab";
import { replyFields } from "../../probe/commands";
import { ask, waitUntilReady } from "../service-client";
import { notApplicableReason } from "./applicability";
import { baseline, Inconclusive, notApplicable, type Finding, type ProfileContext } from "./profile";

const WINDOW_MS = 4000;
/** The disruption comes after the client has been answered for a while. */
const DISRUPT_AFTER_MS = 1000;
const PACE_MS = 20;

interface Tally {
  tries: number;
  failed: number;
  errors: Record<string, number>;
}

async function keepAsking(lab: AuditLab, audit: Audit): Promise<Tally> {
  const address = lab.service.address;
  if (audit.protocol === "http") {
    const port = String(audit.port.port);
    const r = replyFields(
      "httploop",
      await lab.client.session.call(["httploop", address, port, String(WINDOW_MS), "500"], WINDOW_MS + 15_000),
    );
    return { tries: r.tries ?? 0, failed: r.failed ?? 0, errors: r.errors ?? {} };
  }
  // DNS: one query at a time, each with a short wait, one every PACE_MS at most (like httploop).
  const t: Tally = { tries: 0, failed: 0, errors: {} };
  const end = Date.now() + WINDOW_MS;
  while (Date.now() < end) {
    const next = Date.now() + PACE_MS;
    const r = await ask(lab.client, audit, address, 1, 300);
    t.tries++;
    if (r.good !== 1) {
      t.failed++;
      const whys = Object.keys(r.failures);
      for (const why of whys.length ? whys : [typeof r.reply.errno === "string" ? r.reply.errno : "no answer"])
        t.errors[why] = (t.errors[why] ?? 0) + 1;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  return t;
}

function describe(t: Tally, audit: Audit, what: string): string {
  const noun = audit.protocol === "dns" ? "queries" : "requests";
  const errors = Object.entries(t.errors)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return `client: ${t.failed} of ${t.tries} ${noun} failed${errors ? ` (${errors})` : ""} while ${what}`;
}

async function during(ctx: ProfileContext, disrupt: () => Promise<void>): Promise<{ tally: Tally; downMs: number }> {
  await baseline(ctx);
  const asking = keepAsking(ctx.lab, ctx.audit);
  await new Promise((r) => setTimeout(r, DISRUPT_AFTER_MS));
  const started = Date.now();
  await disrupt();
  const downMs = Date.now() - started;
  const tally = await asking;
  // The service must come back, or the next profiles would attack nothing.
  const back = await waitUntilReady(ctx.lab.client, ctx.audit, ctx.lab.service);
  if (!back.ready)
    throw new Inconclusive(`after the disruption: ${back.reason}; its output: ${back.output.slice(-300)}`);
  return { tally, downMs };
}

export async function restart(ctx: ProfileContext): Promise<Finding> {
  const { tally } = await during(ctx, async () => {
    await ctx.lab.service.kill();
    await ctx.lab.service.startAgain();
  });
  const evidence = describe(tally, ctx.audit, "the service was killed (SIGKILL) and started again");
  if (tally.failed === tally.tries) throw new Inconclusive(`${evidence}: not one answer, not even before the kill`);
  const counts = { tries: tally.tries, failed: tally.failed };
  return tally.failed > 0
    ? {
        verdict: "vulnerable",
        basis: "traffic",
        evidence,
        counts,
        fix: "a restart leaves the port unbound: keep the socket open across it (systemd socket activation), or start the new process with SO_REUSEPORT before the old one exits",
      }
    : { verdict: "resisted", basis: "traffic", evidence, counts };
}

export async function reload(ctx: ProfileContext): Promise<Finding> {
  const cmd = ctx.audit.reload;
  const na = notApplicableReason("reload", ctx.audit);
  if (na || !cmd) return notApplicable(na ?? "no reload command");
  let exec = { code: 0, output: "" };
  const { tally } = await during(ctx, async () => {
    exec = await ctx.lab.service.exec(cmd);
  });
  if (exec.code !== 0)
    throw new Inconclusive(
      `the reload command '${cmd.join(" ")}' exited with ${exec.code}, so no reload was tested: ${exec.output.slice(0, 300)}`,
    );
  const evidence = describe(tally, ctx.audit, `'${cmd.join(" ")}' reloaded the service`);
  const counts = { tries: tally.tries, failed: tally.failed };
  return tally.failed > 0
    ? {
        verdict: "vulnerable",
        basis: "traffic",
        evidence,
        counts,
        fix: "a reload must keep the listening sockets open (nginx and dnsmasq do on SIGHUP); check what the reload command really does",
      }
    : { verdict: "resisted", basis: "traffic", evidence, counts };
}
