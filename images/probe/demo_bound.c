/* probe bound udp PORT MIN: exits 0 when at least MIN UDP sockets of this network namespace are
 * bound to PORT (IPv4 or IPv6), 1 otherwise. The demo's healthcheck: the attacker may start once the
 * victim is bound, and the client once both are, with no sleep that merely hopes so. */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "args.h"

/* /proc/net/udp lines read "  sl  local_address rem_address …" with "0100007F:14E9" (hex port). */
static long count_bound(const char *table, unsigned port)
{
	FILE *f = fopen(table, "r");
	if (!f)
		return 0;
	char line[512];
	long n = 0;
	if (fgets(line, sizeof(line), f)) /* the header */
		while (fgets(line, sizeof(line), f)) {
			char local[64];
			unsigned p;
			if (sscanf(line, "%*s %63s", local) == 1) {
				char *colon = strrchr(local, ':');
				if (colon && sscanf(colon + 1, "%x", &p) == 1 && p == port)
					n++;
			}
		}
	fclose(f);
	return n;
}

int demo_bound(int argc, char **argv)
{
	unsigned short port;
	long min;
	if (argc != 3 || strcmp(argv[0], "udp") || parse_port(argv[1], &port) || parse_long(argv[2], 1, 1000, &min)) {
		fprintf(stderr, "usage: probe bound udp PORT MIN\n");
		return 2;
	}
	long n = count_bound("/proc/net/udp", port) + count_bound("/proc/net/udp6", port);
	printf("%ld udp socket%s bound to port %u here, %s %ld\n", n, n == 1 ? "" : "s", port, n >= min ? "at least" : "fewer than", min);
	return n >= min ? 0 : 1;
}
