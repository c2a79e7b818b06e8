/**
 * tcp-beside-listener: another user, in the service's network namespace, binds the service's own IP
 * and port beside its listener, with SO_REUSEADDR and SO_REUSEPORT, and listens. Linux refuses a
 * bind that overlaps a listening socket unless both are in one SO_REUSEPORT group, which only
 * sockets of one uid can form. If the bind is let through, the attacker's listener (the more
 * specific) would take the clients' connections: they are counted on both sides.
 */
import { ask, num } from "../service-client";
import { notApplicable, otherUid, type Finding, type ProfileContext } from "./profile";

export async function tcpBesideListener(ctx: ProfileContext): Promise<Finding> {
  const { audit, lab } = ctx;
  if (audit.port.transport !== "tcp") return notApplicable(`the audited port is ${audit.port.port}/${audit.port.transport}, not TCP`);
  if (audit.protocol !== "http") return notApplicable(`the TCP client speaks HTTP only; this service speaks ${audit.protocol}`);
  const uid = otherUid(lab.service.uid);
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
    const asked = await ask(lab.client, audit, address, ctx.requests, 1000);
    const accepted = num((await s.call(["accept", "a", String(ctx.requests), "300"])).accepted);
    const evidence = `client: ${asked.answered} of ${asked.sent} ${asked.noun} answered; ${who} listened on ${address}:${audit.port.port} and accepted ${accepted}`;
    const counts = { attackerBound: 1, attackerListening: 1, sent: asked.sent, answered: asked.answered, stolen: accepted };
    return accepted > 0
      ? { verdict: "vulnerable", evidence, counts, fix: "run the service as a uid no other process shares, and in a network namespace of its own" }
      : { verdict: "resisted", evidence, counts };
  } finally {
    await attacker.remove();
  }
}
