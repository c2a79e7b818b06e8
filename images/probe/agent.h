#ifndef PROBE_AGENT_H
#define PROBE_AGENT_H

#include <stddef.h>

/* `probe agent` (agent.c): the guest agent on the control port; argv after "agent". */
int agent_main(int argc, char **argv);

/* --- shared by the agent's files (agent_io.c) --- */

/* A longer line of output is cut: the host's lines stay short, and one write() carries one line. */
#define MAX_OUTPUT 3500

/* The control port, for writing (agent_main sets it). */
extern int agent_ctl;

/* One protocol line, in one write(). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "O <id> <text>", cut at MAX_OUTPUT. */
void output(const char *id, const char *text);
/* A request that could not be carried out: its reason as an O line, then R 1. */
void refuse(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What a child of the agent does first: default signals, as bash gave them before. */
void child_signals(void);
/* A wait status as the shell says it: the exit code, or 128 + the signal. */
int exit_status(int status);
/* Letters, digits, '.', '_' and '-' only (port and namespace names); a decimal number. */
int name_ok(const char *s);
int number_ok(const char *s);

/* --- requests: id, then the request's words (w[0] is the request's name) --- */

void agent_spawn(const char *id, char **w, int n); /* agent_spawn.c */
void agent_kill(const char *id, char **w, int n);  /* agent_native.c */
void agent_netns(const char *id, char **w, int n);
void agent_flush(const char *id, char **w, int n);
void agent_flush_pid(const char *id, char **w, int n);
void agent_sockstat(const char *id, char **w, int n);
void agent_seed(const char *id, char **w, int n); /* agent_seed.c */

/* Destroys the TCP sockets no process holds (where the kernel can), and empties the TCP metrics and the
 * neighbour tables of the network namespace the caller is in (agent_flush.c); 0, or -1 with the reason
 * in err (a socket left is not one: the caller counts them). */
int agent_flush_here(char *err, size_t size);

/* A lab's wiring by rtnetlink (agent_wire.c): in switch namespace `sw` a bridge br0 and a veth pI per
 * spec "NETNS,IPV4/LEN,IPV6/LEN" whose eth0 end goes to NETNS, where lo and eth0 come up with the two
 * addresses (IPv6 nodad) and a route 224.0.0.0/4 dev eth0. 0, or -1 with the reason in why. */
int agent_wire(const char *sw, int n, char **specs, char *why, size_t size);

/* Writes VALUE to /proc/sys/KEY (net.ipv4.x as net/ipv4/x) inside network namespace NETNS. */
int agent_sysctl(const char *netns, const char *key, const char *value, char *why, size_t size);

#endif
