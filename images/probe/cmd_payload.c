/* Clients for any UDP or TCP service, for the service audit (lab/audit): the audit file gives the
 * request's bytes and what a good reply contains; NTP's client packet and DNS over TCP are built in
 * on the TypeScript side (lab/audit/service-client.ts), judged here.
 *
 *   udpq ADDRESS PORT N TIMEOUT_MS PAYLOAD_HEX JUDGE
 *        N requests, each from a socket of its own (its own source port: its own flow), all sent
 *        first; then replies are taken until every flow has one or the time is up. JUDGE says which
 *        replies are good: "any", "ntp" (mode 4, server, with a stratum 1 to 15: not a kiss-o'-death),
 *        or hex bytes the reply must contain. "answered" counts flows with a reply, "good" those
 *        whose first reply was good.
 *
 *   tcpq ADDRESS PORT N TIMEOUT_MS PAYLOAD_HEX JUDGE
 *        N connections at once (each its own source port: its own flow), each sending the payload once
 *        connected and reading until its reply is complete or the time is up. JUDGE: "any" (any bytes),
 *        "dns" (a DNS-over-TCP answer: its two-byte length and that many bytes; counted by RCODE in
 *        "rcodes": the caller judges them), or hex bytes a good reply contains. "connected" counts
 *        connections made, "answered" flows with reply bytes, "good" good replies (for dns: complete
 *        answers, whatever their RCODE); "errors" what stopped the others: connect's errno,
 *        "no-connect" (still connecting at the end), "no-reply" (connected, no reply: a listener
 *        that never accepts, or a service that does not answer), "closed-without-reply",
 *        "short-reply" (a DNS answer cut short), "unexpected-reply" (bytes without the expected
 *        ones, when the service closed or the time was up). */
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
	enum { ANY, NTP, CONTAINS, DNS } kind;
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

/* The judge named by word ("dns" only where dns_ok); 0, or -1 when word names none. */
static int parse_judge(const char *word, int dns_ok, struct judge *j)
{
	if (!strcmp(word, "any"))
		j->kind = ANY;
	else if (!strcmp(word, "ntp") && !dns_ok)
		j->kind = NTP;
	else if (!strcmp(word, "dns") && dns_ok)
		j->kind = DNS;
	else if (!unhex(word, j->bytes, PAYLOAD_MAX, &j->len) && j->len > 0)
		j->kind = CONTAINS;
	else
		return -1;
	return 0;
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
	if (parse_judge(a->argv[6], 0, &j))
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

#define TCPQ_REPLY_MAX 4096
#define TALLY_MAX 8

struct tcp_flow {
	int fd;
	enum { CONNECTING, SENDING, READING, DONE } state;
	size_t sent, got;
	unsigned char buf[TCPQ_REPLY_MAX];
};

struct tally {
	const char *key[TALLY_MAX];
	long count[TALLY_MAX];
};

static void tally(struct tally *t, const char *key)
{
	for (int i = 0; i < TALLY_MAX; i++) {
		if (t->key[i] && strcmp(t->key[i], key))
			continue;
		t->key[i] = key;
		t->count[i]++;
		return;
	}
}

static void reply_tally(struct reply *r, const char *name, const struct tally *t)
{
	reply_open(r, name);
	for (int i = 0; i < TALLY_MAX && t->key[i]; i++)
		reply_int(r, t->key[i], t->count[i]);
	reply_close(r);
}

static const char *const RCODE_NAMES[16] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
	"NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

/* Whether a flow's reply is complete: a whole DNS message, the expected bytes, or any bytes. */
static int reply_complete(const struct judge *j, const struct tcp_flow *f)
{
	if (j->kind == DNS)
		return f->got >= 2 && f->got >= 2 + ((size_t)f->buf[0] << 8 | f->buf[1]);
	if (j->kind == CONTAINS)
		return memmem(f->buf, f->got, j->bytes, j->len) != NULL;
	return f->got > 0;
}

/* A flow's end: judged when it has a reply, else the reason it has none. */
static void flow_done(struct tcp_flow *f, const struct judge *j, long *answered, long *good, struct tally *rcodes, struct tally *errors, const char *why)
{
	f->state = DONE;
	close(f->fd);
	if (f->got == 0) {
		tally(errors, why);
		return;
	}
	(*answered)++;
	if (!reply_complete(j, f)) {
		tally(errors, j->kind == CONTAINS ? "unexpected-reply" : "short-reply");
		return;
	}
	(*good)++;
	if (j->kind == DNS)
		tally(rcodes, f->got >= 2 + 4 ? RCODE_NAMES[f->buf[2 + 3] & 0x0f] : "short-reply");
}

static void cmd_tcpq(const struct args *a, struct reply *r)
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
	if (parse_judge(a->argv[6], 1, &j))
		FAIL(r, "bad judge '%s' (any, dns, or hex bytes a good reply contains)", a->argv[6]);

	static struct tcp_flow flows[UDPQ_FLOWS_MAX];
	struct tally rcodes = { 0 }, errors = { 0 };
	long opened = 0, connected = 0, answered = 0, good = 0, open_now = 0;
	int err = 0;
	for (; opened < n; opened++) {
		struct tcp_flow *f = &flows[opened];
		f->sent = f->got = 0;
		f->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (f->fd < 0) {
			err = errno;
			break;
		}
		f->state = CONNECTING;
		open_now++;
		if (connect(f->fd, (struct sockaddr *)&to, len) == 0) {
			connected++;
			f->state = SENDING;
		} else if (errno != EINPROGRESS) {
			flow_done(f, &j, &answered, &good, &rcodes, &errors, errno_name(errno));
			open_now--;
		}
	}
	long deadline = now_ms() + timeout;
	while (open_now > 0) {
		static struct pollfd p[UDPQ_FLOWS_MAX];
		for (long i = 0; i < opened; i++) {
			short ev = flows[i].state == READING ? POLLIN : POLLOUT;
			p[i] = (struct pollfd){ .fd = flows[i].state == DONE ? -1 : flows[i].fd, .events = ev };
		}
		long left = deadline - now_ms();
		if (left <= 0 || poll(p, (nfds_t)opened, (int)left) <= 0)
			break;
		for (long i = 0; i < opened; i++) {
			struct tcp_flow *f = &flows[i];
			if (f->state == DONE || !p[i].revents)
				continue;
			if (f->state == CONNECTING) {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);
				getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
				if (soerr) {
					flow_done(f, &j, &answered, &good, &rcodes, &errors, errno_name(soerr));
					open_now--;
					continue;
				}
				connected++;
				f->state = SENDING;
			}
			if (f->state == SENDING) {
				ssize_t w = send(f->fd, payload + f->sent, plen - f->sent, MSG_NOSIGNAL);
				if (w < 0 && errno != EAGAIN) {
					flow_done(f, &j, &answered, &good, &rcodes, &errors, errno_name(errno));
					open_now--;
				} else if (w > 0 && (f->sent += (size_t)w) == plen) {
					f->state = READING;
				}
				continue;
			}
			ssize_t got = recv(f->fd, f->buf + f->got, sizeof(f->buf) - f->got, MSG_DONTWAIT);
			if (got < 0 && errno == EAGAIN)
				continue;
			if (got > 0)
				f->got += (size_t)got;
			if (got <= 0 || reply_complete(&j, f) || f->got == sizeof(f->buf)) {
				flow_done(f, &j, &answered, &good, &rcodes, &errors, got < 0 ? errno_name(errno) : "closed-without-reply");
				open_now--;
			}
		}
	}
	for (long i = 0; i < opened; i++)
		if (flows[i].state != DONE)
			flow_done(&flows[i], &j, &answered, &good, &rcodes, &errors, flows[i].state == CONNECTING ? "no-connect" : "no-reply");
	reply_result(r, err ? -1 : answered, err);
	reply_int(r, "sent", opened);
	reply_int(r, "connected", connected);
	reply_int(r, "answered", answered);
	reply_int(r, "good", good);
	if (j.kind == DNS)
		reply_tally(r, "rcodes", &rcodes);
	reply_tally(r, "errors", &errors);
}

const struct command payload_commands[] = {
	{ "udpq", 6, 6, "udpq ADDRESS PORT N TIMEOUT_MS PAYLOAD_HEX any|ntp|EXPECT_HEX", cmd_udpq },
	{ "tcpq", 6, 6, "tcpq ADDRESS PORT N TIMEOUT_MS PAYLOAD_HEX any|dns|EXPECT_HEX", cmd_tcpq },
	{ NULL, 0, 0, NULL, NULL },
};
