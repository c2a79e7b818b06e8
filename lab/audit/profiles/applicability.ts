/**
 * Which profiles fit which audit, decided from the file alone: a must-resist profile that cannot run
 * on the audited port would otherwise end "not applicable" and pass the gate without any attack.
 */
import { PROTOCOL_TRANSPORTS, type Audit, type ProfileName } from "../audit";

/** Why profile cannot run against audit, or undefined when it can. */
export function notApplicableReason(
  profile: ProfileName,
  audit: Pick<Audit, "port" | "protocol" | "reload">,
): string | undefined {
  const { port, protocol } = audit;
  if (profile.startsWith("udp-")) {
    if (port.transport !== "udp")
      return `${profile} attacks a UDP port; the audited port is ${port.port}/${port.transport}`;
    if (!PROTOCOL_TRANSPORTS[protocol].includes("udp"))
      return `${profile} needs a UDP client; the audit's protocol is ${protocol} (UDP clients: dns, ntp, udp)`;
  }
  if (profile.startsWith("tcp-")) {
    if (port.transport !== "tcp")
      return `${profile} attacks a TCP port; the audited port is ${port.port}/${port.transport}`;
    if (!PROTOCOL_TRANSPORTS[protocol].includes("tcp"))
      return `${profile} needs a TCP client; the audit's protocol is ${protocol} (TCP clients: dns, http, tcp)`;
  }
  if (profile === "reload" && !audit.reload)
    return "the reload profile needs the command that reloads the service ('reload:')";
  return undefined;
}
