/* The counters of /proc/net/snmp and /proc/net/netstat (proc_pairs.h). */
#include "proc_pairs.h"

#include <stdio.h>
#include <string.h>

int proc_pairs(const char *path, const char *proto, void (*each)(const char *name, long long value, void *ctx),
	       void *ctx)
{
	FILE *fp = fopen(path, "r");
	if (!fp) return -1;
	/* TcpExt's line of names is over 2 KB on recent kernels. */
	static char names[16384], values[16384];
	size_t plen = strlen(proto);
	int found = 0;
	while (!found && fgets(names, sizeof(names), fp)) {
		if (strncmp(names, proto, plen) || names[plen] != ':' || !fgets(values, sizeof(values), fp))
			continue;
		char *ns, *vs;
		char *n = strtok_r(names + plen + 1, " \n", &ns), *v = strtok_r(values + plen + 1, " \n", &vs);
		for (; n && v; n = strtok_r(NULL, " \n", &ns), v = strtok_r(NULL, " \n", &vs)) {
			long long x;
			if (sscanf(v, "%lld", &x) == 1) each(n, x, ctx);
		}
		found = 1;
	}
	fclose(fp);
	return found ? 0 : -1;
}
