/**
 * The UDP hijacks: an attacker in the service's network namespace binds the service's port too, and
 * the client's queries are counted where they land. Linux delivers a unicast datagram to the one
 * socket whose binding matches best (a specific address beats the wildcard) and, between equal
 * bindings, to the last bound; SO_REUSEPORT groups only share a port among sockets of one uid.
 *
 *   udp-specific-reuseaddr      other uid, the service's own IP, SO_REUSEADDR (both sides need it)
 *   udp-same-address-reuseaddr  other uid, the very address the service bound, SO_REUSEADDR
 *   udp-reuseport-same-uid      the service's uid, its address, SO_REUSEPORT (a sibling process)
 *   udp-reuseport-other-uid     other uid, its address, SO_REUSEPORT
 */
import { ask, num } from "../service-client";
import { notApplicable, otherUid, type Finding, type Profile, type ProfileContext } from "./profile";

interface UdpAttack {
  option: "reuseaddr" | "reuseport";
  sameUid: boolean;
  /** The service's own IP on the lab network, or the address its socket is bound to. */
  address: "specific" | "same";
  fix: string;
}

const FIX_REUSEADDR = "drop SO_REUSEADDR on the service's UDP socket (nothing else can then bind its port), or run it in a network namespace of its own where no other user has processes";
const FIX_SAME_UID = "run the service as a uid of its own: SO_REUSEPORT lets any process of the same uid share the port and take a share of its traffic";

function udpAttack(a: UdpAttack): Profile {
  return async (ctx: ProfileContext): Promise<Finding> => {
    const { audit, lab } = ctx;
    if (audit.port.transport !== "udp") return notApplicable(`the audited port is ${audit.port.port}/${audit.port.transport}, not UDP`);
    const address = a.address === "specific" ? lab.service.address : (ctx.boundAddresses.find((x) => !x.includes(":")) ?? lab.service.address);
    const uid = a.sameUid ? lab.service.uid : otherUid(lab.service.uid);
    const attacker = await lab.attacker(uid);
    try {
      const s = attacker.session;
      await s.call(["socket", "a", "udp", "4"]);
      await s.call(["setsockopt", "a", a.option, "1"]);
      const bind = await s.call(["bind", "a", address, String(audit.port.port)]);
      const who = `attacker (uid ${uid}, ${a.option})`;
      if (bind.ret !== 0) {
        return { verdict: "resisted", evidence: `${who}: bind ${address}:${audit.port.port} = ${bind.errno ?? bind.error ?? bind.ret}`, counts: { attackerBound: 0 } };
      }
      const asked = await ask(lab.client, audit, lab.service.address, ctx.requests, 1500);
      const got = await s.call(["recv", "a", "0", "500", "200"]);
      const stolen = num(got.received);
      const evidence = `client: ${asked.answered} of ${asked.sent} ${asked.noun} answered; ${who} bound ${address}:${audit.port.port} and received ${stolen}`;
      const counts = { attackerBound: 1, sent: asked.sent, answered: asked.answered, stolen };
      return stolen > 0 ? { verdict: "vulnerable", evidence, counts, fix: a.fix } : { verdict: "resisted", evidence, counts };
    } finally {
      await attacker.remove();
    }
  };
}

export const udpSpecificReuseaddr = udpAttack({ option: "reuseaddr", sameUid: false, address: "specific", fix: FIX_REUSEADDR });
export const udpSameAddressReuseaddr = udpAttack({ option: "reuseaddr", sameUid: false, address: "same", fix: FIX_REUSEADDR });
export const udpReuseportSameUid = udpAttack({ option: "reuseport", sameUid: true, address: "same", fix: FIX_SAME_UID });
export const udpReuseportOtherUid = udpAttack({ option: "reuseport", sameUid: false, address: "same", fix: FIX_REUSEADDR });
