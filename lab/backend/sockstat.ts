/**
 * A network namespace's sockets by kind, from /proc/PID/net/sockstat{,6} of a process in it: per
 * namespace and in constant time (the socket tables, /proc/net/tcp, walk the kernel's whole hash
 * table each read). "TCP" is in use, "TCP tw" TIME_WAIT, then "UDP6", "RAW", … What "empty" means
 * when a namespace is to serve another run (the docker and netns backends' pools).
 */

/** The per-namespace counters of sockstat (orphan, alloc and mem are the whole host's). */
const COUNTED = /^(TCP6?|UDP6?|UDPLITE6?|RAW6?): inuse (\d+)(?: orphan \d+ tw (\d+))?/;

/** The counts in the text of sockstat and sockstat6 (either, or both one after the other). */
export function parseSockstat(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = COUNTED.exec(line);
    if (!m) continue;
    counts[m[1]!] = Number(m[2]);
    if (m[3] !== undefined) counts[`${m[1]} tw`] = Number(m[3]);
  }
  return counts;
}

/** True when `now` has exactly the sockets of `baseline`, kind by kind. */
export function sameSockets(
  now: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number>>,
): boolean {
  const keys = new Set([...Object.keys(now), ...Object.keys(baseline)]);
  return [...keys].every((k) => now[k] === baseline[k]);
}
