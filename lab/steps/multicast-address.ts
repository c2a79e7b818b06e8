/**
 * Whether an address literal may reach more than one socket per datagram: IPv4 224.0.0.0/4 and above
 * (multicast, the reserved class E and the limited broadcast), IPv6 ff00::/8, and an IPv4-mapped IPv6
 * address of those. An actor's address ($server) is unicast.
 */
import { isIPv4 } from "node:net";

export function isMulticastAddress(address: string): boolean {
  if (isIPv4(address)) return Number(address.split(".")[0]) >= 224;
  const words = ipv6Words(address);
  if (!words) return true; // not understood: taken for one that fans out, so nothing is assumed of it
  if (words[0]! >= 0xff00) return true;
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  return mapped && words[6]! >> 8 >= 224;
}

/** The eight 16-bit words of an IPv6 address (a dotted IPv4 tail becomes two), or undefined. */
function ipv6Words(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (!isIPv4(dotted[2]!)) return undefined;
    const b = dotted[2]!.split(".").map(Number);
    text = `${dotted[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h === "" ? [] : h.split(":").map((w) => parseInt(w, 16)));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const words = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : undefined;
}
