/**
 * The UDP hijacks: an attacker in the service's network namespace binds the service's port too.
 * Linux delivers a unicast datagram to the one socket whose binding matches best (a specific address
 * beats the wildcard) and, between equal bindings, to the last bound or, in a SO_REUSEPORT group, to
 * the member the flow's hash picks; SO_REUSEPORT groups only take sockets of one uid.
 *
 *   udp-specific-reuseaddr      other uid, the service's own IP, SO_REUSEADDR (both sides need it)
 *   udp-same-address-reuseaddr  other uid, the very address the service bound, SO_REUSEADDR
 *   udp-reuseport-same-uid      the service's uid, its address, SO_REUSEPORT (a sibling process)
 *   udp-reuseport-other-uid     other uid, its address, SO_REUSEPORT
 *
 * What each proves, and how: the verdict is the kernel's answer to the attacker's bind. A bind it
 * allows puts the attacker where the kernel routes the service's datagrams (more specific, last bound,
 * or in its reuseport group): vulnerable, whatever share one round of traffic showed. A bind it
 * refuses (EADDRINUSE, EACCES) is resisted. The traffic is evidence of the share: the client sends
 * one query from each of many flows (distinct source ports), and the attacker's socket counts what it
 * took. The service must answer every flow well before the attack (baseline) and every setup call
 * must succeed, or the verdict is inconclusive.
 */
import { replyFields } from "../../probe/commands";
import { ask } from "../service-client";
import {
  baseline,
  boundAddress,
  notApplicable,
  serviceAddress,
  otherUid,
  outcome,
  placeAttacker,
  refusal,
  setup,
  type Finding,
  type Profile,
  type ProfileContext,
} from "./profile";
import { notApplicableReason } from "./applicability";
import type { ProfileName } from "../audit";

interface UdpAttack {
  name: ProfileName;
  option: "reuseaddr" | "reuseport";
  sameUid: boolean;
  /** The service's own IP on the lab network, or the address its socket is bound to. */
  address: "specific" | "same";
  fix: string;
}

const FIX_REUSEADDR =
  "drop SO_REUSEADDR on the service's UDP socket (nothing else can then bind its port), or run it in a network namespace of its own where no other user has processes";
const FIX_SAME_UID =
  "run the service as a uid of its own: SO_REUSEPORT lets any process of the same uid share the port and take a share of its traffic";
/** Errors by which the kernel refuses a bind for the port's sake: the attack was made and failed. */
const REFUSED = ["EADDRINUSE", "EACCES"];

function udpAttack(a: UdpAttack): Profile {
  return async (ctx: ProfileContext): Promise<Finding> => {
    const { audit, lab } = ctx;
    const na = notApplicableReason(a.name, audit);
    if (na) return notApplicable(na);
    const address = a.address === "specific" ? serviceAddress(ctx) : boundAddress(ctx);
    const uid = a.sameUid ? lab.service.uid : otherUid(lab.service.uid);
    await baseline(ctx);
    const attacker = await placeAttacker(lab, uid);
    try {
      await setup(attacker, ["socket", "a", "udp", ctx.family === "v6" ? "6" : "4"]);
      await setup(attacker, ["setsockopt", "a", a.option, "1"]);
      const where = address.includes(":") ? `[${address}]:${audit.port.port}` : `${address}:${audit.port.port}`;
      const who = `attacker (uid ${uid}, ${a.option === "reuseaddr" ? "SO_REUSEADDR" : "SO_REUSEPORT"}, no capability)`;
      const bind = await attacker.session.call(["bind", "a", address, String(audit.port.port)]);
      if (bind.ret !== 0) {
        const why = outcome(bind);
        if (typeof bind.error === "string" || !REFUSED.includes(why))
          return {
            verdict: "inconclusive",
            basis: "setup",
            evidence: `${who} not placed: bind ${where} = ${why}, not a refusal for the port's sake`,
            counts: { attackerBound: 0 },
          };
        return {
          verdict: "resisted",
          basis: "kernel",
          evidence: `the kernel refused ${who}: bind ${where} = ${refusal(why, ctx, uid)}`,
          counts: { attackerBound: 0 },
        };
      }
      const asked = await ask(lab.client, audit, serviceAddress(ctx), ctx.requests, 1500);
      const got = await attacker.session.call(["recv", "a", "0", "0"]);
      const stolen = replyFields("recv", got).received ?? 0;
      // Bound but given nothing: e.g. an IPv6 socket that is not v6only cannot join a v6only socket's reuseport group, and the older socket wins the lookup. It still holds the port, and takes the traffic once the service's socket closes (a restart).
      const idle =
        stolen === 0
          ? "; it took none this time, yet holds the port beside the service and takes its traffic when the service's socket closes (a restart)"
          : "";
      const evidence = `the kernel let ${who} bind ${where} beside the service; traffic: the attacker took ${stolen} of ${asked.sent} flows, the service answered ${asked.answered}${idle}`;
      return {
        verdict: "vulnerable",
        basis: "kernel",
        evidence,
        counts: { attackerBound: 1, flows: asked.sent, sent: asked.sent, answered: asked.answered, stolen },
        fix: a.fix,
      };
    } finally {
      await attacker.remove();
    }
  };
}

export const udpSpecificReuseaddr = udpAttack({
  name: "udp-specific-reuseaddr",
  option: "reuseaddr",
  sameUid: false,
  address: "specific",
  fix: FIX_REUSEADDR,
});
export const udpSameAddressReuseaddr = udpAttack({
  name: "udp-same-address-reuseaddr",
  option: "reuseaddr",
  sameUid: false,
  address: "same",
  fix: FIX_REUSEADDR,
});
export const udpReuseportSameUid = udpAttack({
  name: "udp-reuseport-same-uid",
  option: "reuseport",
  sameUid: true,
  address: "same",
  fix: FIX_SAME_UID,
});
export const udpReuseportOtherUid = udpAttack({
  name: "udp-reuseport-other-uid",
  option: "reuseport",
  sameUid: false,
  address: "same",
  fix: FIX_REUSEADDR,
});
