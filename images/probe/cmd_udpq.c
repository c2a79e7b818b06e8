/* A client for any UDP service, for the service audit (lab/audit): the audit file gives the request's
 * bytes and what a good reply contains; NTP's client packet is built in.
 *
 *   udpq ADDRESS PORT N TIMEOUT_MS PAYLOAD_HEX JUDGE
 *        N requests, each from a socket of its own (its own source port: its own flow), all sent
 *        first; then replies are taken until every flow has one or the time is up. JUDGE says which
 *        replies are good: "any", "ntp" (mode 4, server, with a stratum 1 to 15: not a kiss-o'-death),
 *        or hex bytes the reply must contain. "answered" counts flows with a reply, "good" those
 *        whose first reply was good. */
#include "commands.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDPQ_FLOWS_MAX 256
#define PAYLOAD_MAX 256

static int unhex(const char *s, unsigned char *out, size_t max, size_t *len)
{
	size_t n = strlen(s);
	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		unsigned v;
		if (sscanf(s + i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", s[i]) || !strchr("0123456789abcdefABCDEF", s[i + 1]))
			return -1;
		out[i / 2] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

struct judge {
	enum { ANY, NTP, CONTAINS } kind;
	unsigned char bytes[PAYLOAD_MAX];
	size_t len;
};

static int good_reply(const struct judge *j, const unsigned char *buf, size_t n)
{
	switch (j->kind) {
	case NTP:
		return n >= 48 && (buf[0] & 7) == 4 && buf[1] >= 1 && buf[1] <= 15;
	case CONTAINS:
		return memmem(buf, n, j->bytes, j->len) != NULL;
	default:
		return 1;
	}
}

static void cmd_udpq(const struct args *a, struct reply *r)
{
	int family = strchr(a->argv[1], ':') ? AF_INET6 : AF_INET;
	struct sockaddr_storage to;
	socklen_t len;
	long n, timeout;
	static unsigned char payload[PAYLOAD_MAX];
	size_t plen;
	static struct judge j;
	if (parse_sockaddr(family, a->argv[1], a->argv[2], &to, &len))
		FAIL(r, "bad address or port '%s %s'", a->argv[1], a->argv[2]);
	if (parse_long(a->argv[3], 1, UDPQ_FLOWS_MAX, &n))
		FAIL(r, "bad count '%s' (1 to %d)", a->argv[3], UDPQ_FLOWS_MAX);
	if (parse_long(a->argv[4], 0, 600000, &timeout))
		FAIL(r, "bad timeout '%s' (milliseconds)", a->argv[4]);
	if (unhex(a->argv[5], payload, PAYLOAD_MAX, &plen) || plen == 0)
		FAIL(r, "bad payload '%s' (1 to %d bytes in hex)", a->argv[5], PAYLOAD_MAX);
	if (!strcmp(a->argv[6], "any"))
		j.kind = ANY;
	else if (!strcmp(a->argv[6], "ntp"))
		j.kind = NTP;
	else if (!unhex(a->argv[6], j.bytes, PAYLOAD_MAX, &j.len) && j.len > 0)
		j.kind = CONTAINS;
	else
		FAIL(r, "bad judge '%s' (any, ntp, or hex bytes a good reply contains)", a->argv[6]);

	static int fd[UDPQ_FLOWS_MAX];
	static unsigned char replied[UDPQ_FLOWS_MAX];
	memset(replied, 0, sizeof(replied));
	long sent = 0, answered = 0, good = 0;
	int err = 0;
	for (; sent < n; sent++) {
		fd[sent] = socket(family, SOCK_DGRAM, 0);
		if (fd[sent] < 0) {
			err = errno;
			break;
		}
		if (sendto(fd[sent], payload, plen, 0, (struct sockaddr *)&to, len) < 0) {
			err = errno;
			close(fd[sent]);
			break;
		}
	}
	long deadline = now_ms() + timeout;
	static unsigned char buf[65536];
	while (!err && answered < sent) {
		int progress = 0;
		for (long i = 0; i < sent; i++) {
			ssize_t got = recv(fd[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (got < 0)
				continue; /* EAGAIN, or ECONNREFUSED: nobody on the port, which the count shows */
			progress = 1;
			if (replied[i])
				continue;
			replied[i] = 1;
			answered++;
			good += good_reply(&j, buf, (size_t)got);
		}
		if (progress)
			continue;
		long left = deadline - now_ms();
		if (left <= 0)
			break;
		struct pollfd p[UDPQ_FLOWS_MAX];
		for (long i = 0; i < sent; i++)
			p[i] = (struct pollfd){ .fd = fd[i], .events = replied[i] ? 0 : POLLIN };
		poll(p, (nfds_t)sent, (int)left);
	}
	for (long i = 0; i < sent; i++)
		close(fd[i]);
	reply_result(r, err ? -1 : answered, err);
	reply_int(r, "sent", sent);
	reply_int(r, "answered", answered);
	reply_int(r, "good", good);
}

const struct command udpq_commands[] = {
	{ "udpq", 6, 6, "udpq ADDRESS PORT N TIMEOUT_MS PAYLOAD_HEX any|ntp|EXPECT_HEX", cmd_udpq },
	{ NULL, 0, 0, NULL, NULL },
};
