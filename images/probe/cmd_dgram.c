/* UDP: send from one socket (a fixed source port), sendvary (a fresh socket, so a fresh source
 * port, for every datagram), and recv, which counts datagrams. */
#include "commands.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COUNT_MAX 1000000

static int send_n(int fd, const struct sockaddr_storage *to, socklen_t len, long n, long *sent)
{
	for (*sent = 0; *sent < n; (*sent)++) {
		char payload[64];
		int plen = snprintf(payload, sizeof(payload), "reuselab %ld", *sent);
		if (sendto(fd, payload, (size_t)plen, 0, (const struct sockaddr *)to, len) < 0)
			return -1;
	}
	return 0;
}

static void cmd_send(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	struct sockaddr_storage to;
	socklen_t len;
	long n, sent;
	if (parse_sockaddr(s->family, a->argv[2], a->argv[3], &to, &len))
		FAIL(r, "bad address or port '%s %s'", a->argv[2], a->argv[3]);
	if (parse_long(a->argv[4], 1, COUNT_MAX, &n))
		FAIL(r, "bad count '%s' (1 to %d)", a->argv[4], COUNT_MAX);
	int ret = send_n(s->fd, &to, len, n, &sent);
	reply_result(r, ret, errno);
	reply_int(r, "sent", sent);
}

static void cmd_sendvary(const struct args *a, struct reply *r)
{
	int family = !strcmp(a->argv[1], "4") ? AF_INET : !strcmp(a->argv[1], "6") ? AF_INET6 : 0;
	if (!family)
		FAIL(r, "unknown family '%s' (4 or 6)", a->argv[1]);
	struct sockaddr_storage to;
	socklen_t len;
	long n, sent = 0;
	if (parse_sockaddr(family, a->argv[2], a->argv[3], &to, &len))
		FAIL(r, "bad address or port '%s %s'", a->argv[2], a->argv[3]);
	if (parse_long(a->argv[4], 1, COUNT_MAX, &n))
		FAIL(r, "bad count '%s' (1 to %d)", a->argv[4], COUNT_MAX);
	int ret = 0, err = 0;
	for (; sent < n; sent++) {
		int fd = socket(family, SOCK_DGRAM, 0);
		long one;
		if (fd < 0 || send_n(fd, &to, len, 1, &one) < 0) {
			ret = -1;
			err = errno;
			if (fd >= 0) close(fd);
			break;
		}
		close(fd);
	}
	reply_result(r, ret, err);
	reply_int(r, "sent", sent);
}

/* Counts datagrams: waits (up to TIMEOUT_MS) until at least MIN have come since this call began,
 * then takes whatever else is queued; with QUIET_MS, goes on taking them until none has come for
 * that long (still bounded by TIMEOUT_MS). */
static void cmd_recv(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	long min, timeout;
	if (parse_long(a->argv[2], 0, COUNT_MAX, &min))
		FAIL(r, "bad count '%s'", a->argv[2]);
	if (parse_long(a->argv[3], 0, 600000, &timeout))
		FAIL(r, "bad timeout '%s' (milliseconds)", a->argv[3]);
	long quiet = 0;
	if (a->argc == 5 && parse_long(a->argv[4], 0, 600000, &quiet))
		FAIL(r, "bad quiet period '%s' (milliseconds)", a->argv[4]);

	static char buf[65536];
	long got = 0, deadline = now_ms() + timeout, last = now_ms();
	int err = 0;
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 && s->type == SOCK_STREAM)
			break; /* a TCP stream's end (peer closed, or reading shut down): recv says 0 forever */
		if (n >= 0) {
			got++;
			last = now_ms();
			continue;
		}
		if (errno != EAGAIN && errno != EINTR) {
			err = errno;
			break;
		}
		long now = now_ms(), left = deadline - now;
		long wait = got < min ? left : last + quiet - now; /* once MIN came, only the quiet period */
		if (wait > left) wait = left;
		if (wait <= 0)
			break;
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		poll(&p, 1, (int)wait);
	}
	s->received += got;
	reply_result(r, err && !got ? -1 : got, err);
	reply_int(r, "received", got);
	reply_int(r, "total", s->received);
}

const struct command dgram_commands[] = {
	{ "send", 4, 4, "send NAME ADDRESS PORT COUNT", cmd_send },
	{ "sendvary", 4, 4, "sendvary 4|6 ADDRESS PORT COUNT", cmd_sendvary },
	{ "recv", 3, 4, "recv NAME MIN TIMEOUT_MS [QUIET_MS]", cmd_recv },
	{ NULL, 0, 0, NULL, NULL },
};
