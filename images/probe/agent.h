#ifndef PROBE_AGENT_H
#define PROBE_AGENT_H

/* `probe agent` (agent.c): the guest agent on the control port; argv after "agent". */
int agent_main(int argc, char **argv);

#include <stddef.h>

/* Empties the TCP metrics and the neighbour tables of the network namespace the caller is in
 * (agent_flush.c); 0, or -1 with the reason in err. */
int agent_flush_here(char *err, size_t size);

#endif
