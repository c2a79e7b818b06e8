/**
 * tcp-beside-listener: another user, in the service's network namespace, binds the service's own IP
 * and port beside its listener, with SO_REUSEADDR and SO_REUSEPORT, and listens. Linux refuses a
 * bind that overlaps a listening socket unless both are in one SO_REUSEPORT group, which only
 * sockets of one uid can form.
 *
 * tcp-reuseport-same-uid: the same, by a process of the service's own uid (any other program run as
 * that user): where the service listens with SO_REUSEPORT, the kernel lets it in.
 *
 * What each proves, and how: the verdict is the kernel's answer to the attacker's bind and listen. A
 * listener it allows on the service's address and port is either more specific than the service's or
 * in its reuseport group, and either way the kernel hands it connections: vulnerable. A refusal
 * (EADDRINUSE, EACCES) is resisted. The traffic is evidence of the share: one request per connection
 * (each its own source port), counted as the attacker accepted them. A baseline the service does not
 * answer well, or a setup call that fails, is inconclusive.
 */
import type { ProfileName } from "../audit";
import { replyFields } from "../../probe/commands";
import { ask } from "../service-client";
import { notApplicableReason } from "./applicability";
import {
  baseline,
  notApplicable,
  serviceAddress,
  otherUid,
  outcome,
  placeAttacker,
  refusal,
  setup,
  type Finding,
  type ProfileContext,
} from "./profile";

export const tcpBesideListener = (ctx: ProfileContext) => besideListener(ctx, "tcp-beside-listener", false);
export const tcpReuseportSameUid = (ctx: ProfileContext) => besideListener(ctx, "tcp-reuseport-same-uid", true);

const REFUSED = ["EADDRINUSE", "EACCES"];

async function besideListener(ctx: ProfileContext, name: ProfileName, sameUid: boolean): Promise<Finding> {
  const { audit, lab } = ctx;
  const na = notApplicableReason(name, audit);
  if (na) return notApplicable(na);
  const uid = sameUid ? lab.service.uid : otherUid(lab.service.uid);
  await baseline(ctx);
  const attacker = await placeAttacker(lab, uid);
  try {
    const s = attacker.session;
    const address = serviceAddress(ctx);
    const where = ctx.family === "v6" ? `[${address}]:${audit.port.port}` : `${address}:${audit.port.port}`;
    await setup(attacker, ["socket", "a", "tcp", ctx.family === "v6" ? "6" : "4"]);
    await setup(attacker, ["setsockopt", "a", "reuseaddr", "1"]);
    await setup(attacker, ["setsockopt", "a", "reuseport", "1"]);
    const who = `attacker (uid ${uid}, SO_REUSEADDR+SO_REUSEPORT, no capability)`;
    for (const [call, words] of [
      ["bind", ["bind", "a", address, String(audit.port.port)]],
      ["listen", ["listen", "a", "64"]],
    ] as const) {
      const r = await s.call([...words]);
      if (r.ret === 0) continue;
      const why = outcome(r);
      const counts = { attackerBound: call === "bind" ? 0 : 1, attackerListening: 0 };
      if (typeof r.error === "string" || !REFUSED.includes(why))
        return {
          verdict: "inconclusive",
          basis: "setup",
          evidence: `${who} not placed: ${call} ${where} = ${why}, not a refusal for the port's sake`,
          counts,
        };
      return {
        verdict: "resisted",
        basis: "kernel",
        evidence: `the kernel refused ${who}: ${call === "bind" ? "bind" : "listen after bind"} ${where} = ${refusal(why, ctx, uid)}`,
        counts,
      };
    }
    // A request the attacker took is never answered: it waits its 300 ms, plenty on a lab network.
    const asked = await ask(lab.client, audit, address, ctx.requests, 300);
    const accepted = replyFields("accept", await s.call(["accept", "a", String(ctx.requests), "0"])).accepted ?? 0;
    const evidence = `the kernel let ${who} listen on ${where} beside the service; traffic: the attacker took ${accepted} of ${asked.sent} connections, the service answered ${asked.answered}`;
    const counts = {
      attackerBound: 1,
      attackerListening: 1,
      flows: asked.sent,
      sent: asked.sent,
      answered: asked.answered,
      stolen: accepted,
    };
    return {
      verdict: "vulnerable",
      basis: "kernel",
      evidence,
      counts,
      fix: sameUid
        ? "run the service as a uid of its own that no other program runs as (or drop SO_REUSEPORT: without it no second listener gets in)"
        : "run the service in a network namespace of its own",
    };
  } finally {
    await attacker.remove();
  }
}
