/* The counters of /proc/net/snmp and /proc/net/netstat: pairs of lines, "Proto: name name…" then
 * "Proto: value value…". */
#ifndef PROBE_PROC_PAIRS_H
#define PROBE_PROC_PAIRS_H

/* Calls each(name, value, ctx) for every counter of the pair whose prefix is `proto` ("Udp",
 * "TcpExt"); -1 when the file cannot be read or has no such pair. */
int proc_pairs(const char *path, const char *proto, void (*each)(const char *name, long long value, void *ctx),
	       void *ctx);

#endif
