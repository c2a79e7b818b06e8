/**
 * tcp-beside-listener: another user, in the service's network namespace, binds the service's own IP
 * and port beside its listener, with SO_REUSEADDR and SO_REUSEPORT, and listens. Linux refuses a
 * bind that overlaps a listening socket unless both are in one SO_REUSEPORT group, which only
 * sockets of one uid can form. If the bind is let through, the attacker's listener (the more
 * specific) would take the clients' connections: they are counted on both sides.
 *
 * tcp-reuseport-same-uid: the same, by a process of the service's own uid (any other program run as
 * that user): where the service listens with SO_REUSEPORT, the kernel lets it in.
 */
import { ask, num } from "../service-client";
import { notApplicable, otherUid, type Finding, type ProfileContext } from "./profile";

export const tcpBesideListener = (ctx: ProfileContext) => besideListener(ctx, false);
export const tcpReuseportSameUid = (ctx: ProfileContext) => besideListener(ctx, true);

async function besideListener(ctx: ProfileContext, sameUid: boolean): Promise<Finding> {
  const { audit, lab } = ctx;
  if (audit.port.transport !== "tcp") return notApplicable(`the audited port is ${audit.port.port}/${audit.port.transport}, not TCP`);
  if (audit.protocol !== "http") return notApplicable(`the TCP client speaks HTTP only; this service speaks ${audit.protocol}`);
  const uid = sameUid ? lab.service.uid : otherUid(lab.service.uid);
  const attacker = await lab.attacker(uid);
  try {
    const s = attacker.session;
    const address = lab.service.address;
    await s.call(["socket", "a", "tcp", "4"]);
    await s.call(["setsockopt", "a", "reuseaddr", "1"]);
    await s.call(["setsockopt", "a", "reuseport", "1"]);
    const who = `attacker (uid ${uid}, SO_REUSEADDR+SO_REUSEPORT)`;
    const bind = await s.call(["bind", "a", address, String(audit.port.port)]);
    if (bind.ret !== 0) return { verdict: "resisted", evidence: `${who}: bind ${address}:${audit.port.port} = ${bind.errno ?? bind.error ?? bind.ret}`, counts: { attackerBound: 0 } };
    const listen = await s.call(["listen", "a", "64"]);
    if (listen.ret !== 0) return { verdict: "resisted", evidence: `${who}: bound ${address}:${audit.port.port}, but listen = ${listen.errno ?? listen.error ?? listen.ret}`, counts: { attackerBound: 1, attackerListening: 0 } };
    // A request the attacker took gets no answer: 400 ms each is ample on a lab network.
    const asked = await ask(lab.client, audit, address, ctx.requests, 400);
    const accepted = num((await s.call(["accept", "a", String(ctx.requests), "300"])).accepted);
    const evidence = `client: ${asked.answered} of ${asked.sent} ${asked.noun} answered; ${who} listened on ${address}:${audit.port.port} and accepted ${accepted}`;
    const counts = { attackerBound: 1, attackerListening: 1, sent: asked.sent, answered: asked.answered, stolen: accepted };
    return accepted > 0
      ? { verdict: "vulnerable", evidence, counts, fix: sameUid ? "run the service as a uid of its own that no other program runs as (or drop SO_REUSEPORT: without it no second listener gets in)" : "run the service in a network namespace of its own" }
      : { verdict: "resisted", evidence, counts };
  } finally {
    await attacker.remove();
  }
}
