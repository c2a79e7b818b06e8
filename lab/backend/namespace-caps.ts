/**
 * Which capabilities let an actor change its network namespace for whoever uses it next. SETUID and
 * SETGID change only who the actor is, NET_BIND_SERVICE only which ports it may bind: all that such
 * an actor leaves in a namespace is what an actor without them could leave too (sockets, TIME_WAIT,
 * caches), which the scrub removes and counts. Any other (NET_ADMIN: addresses, routes, rules;
 * NET_RAW; one added to the case format later) makes the namespace one that is never used again.
 */
const LEAVE_NO_TRACE = new Set(["SETUID", "SETGID", "NET_BIND_SERVICE"]);

/** True when an actor with `caps` may change its namespace beyond its own sockets. */
export function changesNamespace(caps: readonly string[]): boolean {
  return caps.some((c) => !LEAVE_NO_TRACE.has(c.toUpperCase()));
}
