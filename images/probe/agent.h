#ifndef PROBE_AGENT_H
#define PROBE_AGENT_H

/* `probe agent` (agent.c): the guest agent on the control port; argv after "agent". */
int agent_main(int argc, char **argv);

#include <stddef.h>

/* Empties the TCP metrics and the neighbour tables of the network namespace the caller is in
 * (agent_flush.c); 0, or -1 with the reason in err. */
int agent_flush_here(char *err, size_t size);

/* A lab's wiring by rtnetlink (agent_wire.c): in switch namespace `sw` a bridge br0 and a veth pI per
 * spec "NETNS,IPV4/LEN,IPV6/LEN" whose eth0 end goes to NETNS, where lo and eth0 come up with the two
 * addresses (IPv6 nodad) and a route 224.0.0.0/4 dev eth0. 0, or -1 with the reason in why. */
int agent_wire(const char *sw, int n, char **specs, char *why, size_t size);

/* Writes VALUE to /proc/sys/KEY (net.ipv4.x as net/ipv4/x) inside network namespace NETNS. */
int agent_sysctl(const char *netns, const char *key, const char *value, char *why, size_t size);

#endif
