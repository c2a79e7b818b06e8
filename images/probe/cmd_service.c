/* Clients of real services, for the service audit (lab/audit): dnsq asks a DNS server, httpget and
 * httploop ask an HTTP server. Each counts what really answered, so an attacker that took the
 * service's traffic shows as questions without answers.
 *
 *   dnsq ADDRESS PORT N TIMEOUT_MS [FLOWS]
 *                                         N DNS queries (type A, distinct ids), dealt in turn to FLOWS
 *                                         UDP sockets (default 1), each its own source port: its own
 *                                         flow, hashed on its own in a SO_REUSEPORT group
 *   httpget ADDRESS PORT N TIMEOUT_MS     N HTTP/1.0 GET / requests, one connection each
 *   httploop ADDRESS PORT DURATION_MS TIMEOUT_MS
 *                                         GET / again and again for DURATION_MS (restart, reload) */
#include "commands.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define QUERIES_MAX 1000
#define FLOWS_MAX 256
#define TIMEOUT_MAX 600000
#define STATUSES_MAX 8
#define LOOP_TRIES_MAX 100000
#define LOOP_PACE_MS 20 /* one request per 20 ms at most: a refused connect would otherwise spin */

static int family_of(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

/* The question every query asks; the audit's DNS servers are told to answer it themselves. */
static const char QNAME[] = "\x08reuselab\x04test";

static size_t dns_query(unsigned char *buf, unsigned short id)
{
	size_t n = 0;
	buf[n++] = (unsigned char)(id >> 8);
	buf[n++] = (unsigned char)id;
	buf[n++] = 0x01; /* RD */
	buf[n++] = 0x00;
	static const unsigned char counts[8] = { 0, 1, 0, 0, 0, 0, 0, 0 }; /* one question */
	memcpy(buf + n, counts, sizeof(counts));
	n += sizeof(counts);
	memcpy(buf + n, QNAME, sizeof(QNAME)); /* with its terminating zero label */
	n += sizeof(QNAME);
	static const unsigned char type_class[4] = { 0, 1, 0, 1 }; /* A, IN */
	memcpy(buf + n, type_class, sizeof(type_class));
	return n + sizeof(type_class);
}

static void address_text(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned short port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(out, size, "%s %u", host, port);
}

static const char *const RCODES[16] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
	"NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

struct dns_flows {
	int fd[FLOWS_MAX];
	long n;
};

static void flows_close(struct dns_flows *f)
{
	for (long i = 0; i < f->n; i++)
		close(f->fd[i]);
	f->n = 0;
}

/* All N queries go out first, query k from flow k % FLOWS, then answers are taken until every id has
 * one or the time is up: a query the attacker took is simply never answered. "answered" counts
 * distinct ids answered, "rcodes" those answers by RCODE (REFUSED is an answer, not a service); "from"
 * is the source of the first answer. */
static void cmd_dnsq(const struct args *a, struct reply *r)
{
	int family = family_of(a->argv[1]);
	struct sockaddr_storage to;
	socklen_t len;
	long n, timeout, nflows = 1;
	if (parse_sockaddr(family, a->argv[1], a->argv[2], &to, &len))
		FAIL(r, "bad address or port '%s %s'", a->argv[1], a->argv[2]);
	if (parse_long(a->argv[3], 1, QUERIES_MAX, &n))
		FAIL(r, "bad count '%s' (1 to %d)", a->argv[3], QUERIES_MAX);
	if (parse_long(a->argv[4], 0, TIMEOUT_MAX, &timeout))
		FAIL(r, "bad timeout '%s' (milliseconds)", a->argv[4]);
	if (a->argc > 5 && parse_long(a->argv[5], 1, FLOWS_MAX, &nflows))
		FAIL(r, "bad flow count '%s' (1 to %d)", a->argv[5], FLOWS_MAX);
	if (nflows > n)
		nflows = n;

	static struct dns_flows flows;
	int err = 0;
	for (flows.n = 0; flows.n < nflows; flows.n++) {
		flows.fd[flows.n] = socket(family, SOCK_DGRAM, 0);
		if (flows.fd[flows.n] < 0) {
			err = errno;
			flows_close(&flows);
			reply_result(r, -1, err);
			return;
		}
	}
	static unsigned short next_id;
	if (!next_id)
		next_id = (unsigned short)(now_ms() * 7919 + getpid());
	unsigned short first = next_id;
	next_id = (unsigned short)(next_id + n);
	static unsigned char seen[QUERIES_MAX];
	memset(seen, 0, sizeof(seen));

	long sent = 0, answered = 0, stray = 0, rcodes[16] = { 0 };
	unsigned char buf[512];
	for (; sent < n; sent++) {
		size_t qlen = dns_query(buf, (unsigned short)(first + sent));
		if (sendto(flows.fd[sent % nflows], buf, qlen, 0, (struct sockaddr *)&to, len) < 0) {
			err = errno;
			break;
		}
	}
	char from[INET6_ADDRSTRLEN + 8] = "";
	long deadline = now_ms() + timeout;
	while (!err && answered < sent) {
		int progress = 0;
		for (long i = 0; i < nflows && !err; i++) {
			struct sockaddr_storage src;
			socklen_t slen = sizeof(src);
			ssize_t got = recvfrom(flows.fd[i], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&src, &slen);
			if (got < 0) {
				if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
					err = errno;
				continue;
			}
			progress = 1;
			unsigned short id = got >= 12 ? (unsigned short)(buf[0] << 8 | buf[1]) : 0;
			unsigned short k = (unsigned short)(id - first);
			if (got >= 12 && (buf[2] & 0x80) && k < sent && !seen[k]) { /* QR set: an answer to one of ours */
				seen[k] = 1;
				answered++;
				rcodes[buf[3] & 0x0f]++;
				if (!from[0])
					address_text(&src, from, sizeof(from));
			} else {
				stray++;
			}
		}
		if (progress || err)
			continue;
		long left = deadline - now_ms();
		if (left <= 0)
			break;
		struct pollfd p[FLOWS_MAX];
		for (long i = 0; i < nflows; i++)
			p[i] = (struct pollfd){ .fd = flows.fd[i], .events = POLLIN };
		poll(p, (nfds_t)nflows, (int)left);
	}
	flows_close(&flows);
	reply_result(r, err ? -1 : answered, err);
	reply_int(r, "sent", sent);
	reply_int(r, "flows", nflows);
	reply_int(r, "answered", answered);
	reply_int(r, "noerror", rcodes[0]);
	reply_open(r, "rcodes");
	for (int i = 0; i < 16; i++)
		if (rcodes[i])
			reply_int(r, RCODES[i], rcodes[i]);
	reply_close(r);
	reply_int(r, "stray", stray);
	if (from[0])
		reply_str(r, "from", from);
	else
		reply_null(r, "from");
}

/* One HTTP/1.0 GET /: connected, sent, and read to the end of the status line, all within
 * timeout ms. Returns the status code, or -1 with *err (ETIMEDOUT when the time ran out, EPROTO when
 * what came back was not HTTP/1.x). */
struct http_target {
	struct sockaddr_storage to;
	socklen_t len;
	int family;
};

static int wait_for(int fd, short events, long deadline)
{
	long left = deadline - now_ms();
	if (left <= 0)
		return -1;
	struct pollfd p = { .fd = fd, .events = events };
	return poll(&p, 1, (int)left) > 0 ? 0 : -1;
}

static int http_get_once(const struct http_target *t, long timeout, int *err)
{
	long deadline = now_ms() + timeout;
	int fd = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	int status = -1;
	*err = ETIMEDOUT;
	if (connect(fd, (const struct sockaddr *)&t->to, t->len) < 0 && errno != EINPROGRESS) {
		*err = errno;
		goto out;
	}
	if (wait_for(fd, POLLOUT, deadline))
		goto out;
	int soerr = 0;
	socklen_t elen = sizeof(soerr);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen);
	if (soerr) {
		*err = soerr;
		goto out;
	}
	static const char request[] = "GET / HTTP/1.0\r\nHost: reuselab\r\n\r\n";
	if (send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL) < 0) {
		*err = errno;
		goto out;
	}
	char head[16];
	size_t have = 0;
	while (have < 12) {
		ssize_t got = recv(fd, head + have, 12 - have, 0);
		if (got > 0) {
			have += (size_t)got;
			continue;
		}
		if (got == 0) {
			*err = EPROTO; /* closed before a status line */
			goto out;
		}
		if (errno != EAGAIN && errno != EINTR) {
			*err = errno;
			goto out;
		}
		if (wait_for(fd, POLLIN, deadline))
			goto out;
	}
	long code;
	head[12] = '\0';
	if (strncmp(head, "HTTP/1.", 7) || head[8] != ' ' || parse_long(head + 9, 100, 999, &code)) {
		*err = EPROTO;
		goto out;
	}
	status = (int)code;
	*err = 0;
out:
	close(fd);
	return status;
}

struct http_tally {
	long tries, ok, failed;
	int codes[STATUSES_MAX];
	long code_counts[STATUSES_MAX];
	int errs[STATUSES_MAX];
	long err_counts[STATUSES_MAX];
};

static void count_in(int *keys, long *counts, int key)
{
	for (int i = 0; i < STATUSES_MAX; i++) {
		if (counts[i] && keys[i] != key)
			continue;
		keys[i] = key;
		counts[i]++;
		return;
	}
}

static void tally_one(struct http_tally *t, const struct http_target *target, long timeout)
{
	int err;
	int status = http_get_once(target, timeout, &err);
	t->tries++;
	if (status > 0) {
		t->ok++;
		count_in(t->codes, t->code_counts, status);
	} else {
		t->failed++;
		count_in(t->errs, t->err_counts, err);
	}
}

static void reply_tally(struct reply *r, const struct http_tally *t)
{
	reply_result(r, t->ok, 0);
	reply_int(r, "tries", t->tries);
	reply_int(r, "ok", t->ok);
	reply_int(r, "failed", t->failed);
	reply_open(r, "status");
	for (int i = 0; i < STATUSES_MAX && t->code_counts[i]; i++) {
		char key[8];
		snprintf(key, sizeof(key), "%d", t->codes[i]);
		reply_int(r, key, t->code_counts[i]);
	}
	reply_close(r);
	reply_open(r, "errors");
	for (int i = 0; i < STATUSES_MAX && t->err_counts[i]; i++)
		/* EPROTO stands for "answered, but not HTTP/1.x" (or closed before a status line). */
		reply_int(r, t->errs[i] == EPROTO ? "not-http" : errno_name(t->errs[i]), t->err_counts[i]);
	reply_close(r);
}

static int http_args(const struct args *a, struct http_target *t, long *timeout, struct reply *r)
{
	t->family = family_of(a->argv[1]);
	if (parse_sockaddr(t->family, a->argv[1], a->argv[2], &t->to, &t->len)) {
		command_error(r, "bad address or port '%s %s'", a->argv[1], a->argv[2]);
		return -1;
	}
	if (parse_long(a->argv[4], 1, TIMEOUT_MAX, timeout)) {
		command_error(r, "bad timeout '%s' (milliseconds)", a->argv[4]);
		return -1;
	}
	return 0;
}

static void cmd_httpget(const struct args *a, struct reply *r)
{
	struct http_target target;
	long n, timeout;
	if (http_args(a, &target, &timeout, r))
		return;
	if (parse_long(a->argv[3], 1, QUERIES_MAX, &n))
		FAIL(r, "bad count '%s' (1 to %d)", a->argv[3], QUERIES_MAX);
	struct http_tally t = { 0 };
	while (t.tries < n)
		tally_one(&t, &target, timeout);
	reply_tally(r, &t);
}

/* Requests one after another for DURATION_MS: what a client sees while the service restarts. */
static void cmd_httploop(const struct args *a, struct reply *r)
{
	struct http_target target;
	long duration, timeout;
	if (http_args(a, &target, &timeout, r))
		return;
	if (parse_long(a->argv[3], 1, TIMEOUT_MAX, &duration))
		FAIL(r, "bad duration '%s' (milliseconds)", a->argv[3]);
	struct http_tally t = { 0 };
	long end = now_ms() + duration;
	/* At least one try, however long this process waited for a CPU before its first. */
	do {
		long next = now_ms() + LOOP_PACE_MS;
		tally_one(&t, &target, timeout);
		long left = next - now_ms();
		if (left > 0)
			poll(NULL, 0, (int)left);
	} while (now_ms() < end && t.tries < LOOP_TRIES_MAX);
	reply_tally(r, &t);
}

const struct command service_commands[] = {
	{ "dnsq", 4, 5, "dnsq ADDRESS PORT N TIMEOUT_MS [FLOWS]", cmd_dnsq },
	{ "httpget", 4, 4, "httpget ADDRESS PORT N TIMEOUT_MS", cmd_httpget },
	{ "httploop", 4, 4, "httploop ADDRESS PORT DURATION_MS TIMEOUT_MS", cmd_httploop },
	{ NULL, 0, 0, NULL, NULL },
};
