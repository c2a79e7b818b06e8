/* ledger: what this network namespace's kernel has counted, for the runner to prove that nothing more
 * can arrive (lab/run/ledger.ts). All of it is per namespace: /proc/net is the probe's own namespace.
 *
 *   udp_out       datagrams sent (Udp OutDatagrams + Udp6OutDatagrams)
 *   udp_in        datagrams read by a socket (InDatagrams: counted at recvmsg, not when queued)
 *   udp_noports   datagrams that found no socket (NoPorts)
 *   udp_errors    datagrams dropped at a socket or as malformed (InErrors)
 *   cookies_open  SYN cookies sent, less those that came back valid or not (TcpExt)
 * and with "ledger states":
 *   tcp_opening   TCP sockets in the middle of a handshake: SYN_SENT, SYN_RECV (request sockets too),
 *                 from /proc/net/tcp{,6}, which walks the kernel's whole hash table (ms on a big host)
 *
 * A file that cannot be read is an error: a ledger with a hole in it proves nothing. */
#include "commands.h"
#include "proc_pairs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wanted {
	const char *name;
	long long value;
};

static void take_field(const char *name, long long value, void *ctx)
{
	struct wanted *w = ctx;
	if (!strcmp(name, w->name)) w->value = value;
}

/* The counter `name` of the `proto` pair of lines of `path` (snmp, netstat); -1 when missing. */
static long long pair_field(const char *path, const char *proto, const char *name)
{
	struct wanted w = { name, -1 };
	return proc_pairs(path, proto, take_field, &w) < 0 ? -1 : w.value;
}

/* The value of a "Name value" line (snmp6); -1 when missing. */
static long long line_field(const char *path, const char *name)
{
	FILE *fp = fopen(path, "r");
	if (!fp) return -1;
	char line[256], key[128];
	long long value, found = -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%127s %lld", key, &value) == 2 && !strcmp(key, name)) {
			found = value;
			break;
		}
	fclose(fp);
	return found;
}

/* TCP sockets of /proc/net/tcp{,6} in SYN_SENT (2), SYN_RECV (3) or NEW_SYN_RECV (12); -1 when
 * /proc/net/tcp cannot be read (tcp6 is absent without IPv6). */
static long count_opening(void)
{
	const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	long n = 0;
	for (int f = 0; f < 2; f++) {
		FILE *fp = fopen(files[f], "r");
		if (!fp) {
			if (f == 0) return -1;
			continue;
		}
		char line[512];
		if (fgets(line, sizeof(line), fp))
			while (fgets(line, sizeof(line), fp)) {
				unsigned st;
				if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%*x %*[0-9A-Fa-f]:%*x %x", &st) == 1 &&
				    (st == 2 || st == 3 || st == 12))
					n++;
			}
		fclose(fp);
	}
	return n;
}

static void cmd_ledger(const struct args *a, struct reply *r)
{
	int states = a->argc == 2;
	if (states && strcmp(a->argv[1], "states"))
		FAIL(r, "unknown word '%s' (ledger [states])", a->argv[1]);
	const char *snmp = "/proc/net/snmp", *snmp6 = "/proc/net/snmp6", *netstat = "/proc/net/netstat";
	long long v4[4] = { pair_field(snmp, "Udp", "OutDatagrams"), pair_field(snmp, "Udp", "InDatagrams"),
		pair_field(snmp, "Udp", "NoPorts"), pair_field(snmp, "Udp", "InErrors") };
	const char *names6[4] = { "Udp6OutDatagrams", "Udp6InDatagrams", "Udp6NoPorts", "Udp6InErrors" };
	long long v6[4];
	int have6 = access(snmp6, R_OK) == 0;
	for (int i = 0; i < 4; i++) {
		v6[i] = have6 ? line_field(snmp6, names6[i]) : 0;
		if (v4[i] < 0 || v6[i] < 0)
			FAIL(r, "cannot read the UDP counters (%s)", v4[i] < 0 ? snmp : snmp6);
	}
	long long sent = pair_field(netstat, "TcpExt", "SyncookiesSent"),
		  recvd = pair_field(netstat, "TcpExt", "SyncookiesRecv"),
		  failed = pair_field(netstat, "TcpExt", "SyncookiesFailed");
	if (sent < 0 || recvd < 0 || failed < 0)
		FAIL(r, "cannot read the SYN cookie counters (%s)", netstat);
	long opening = states ? count_opening() : 0;
	if (opening < 0)
		FAIL(r, "cannot read /proc/net/tcp: %s", strerror(errno));
	reply_result(r, 0, 0);
	reply_int(r, "udp_out", v4[0] + v6[0]);
	reply_int(r, "udp_in", v4[1] + v6[1]);
	reply_int(r, "udp_noports", v4[2] + v6[2]);
	reply_int(r, "udp_errors", v4[3] + v6[3]);
	reply_int(r, "cookies_open", sent - recvd - failed);
	if (states) reply_int(r, "tcp_opening", opening);
}

const struct command ledger_commands[] = {
	{ "ledger", 0, 1, "ledger [states]", cmd_ledger },
	{ NULL, 0, 0, NULL, NULL },
};
