/* TCP: connect, accept (connections are kept open until their listener is closed), tcpstates. */
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Blocking connect bounded by a timeout; works for UDP too (sets the default peer). */
static void cmd_connect(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	struct sockaddr_storage ss;
	socklen_t len;
	long timeout = 2000;
	if (parse_sockaddr(s->family, a->argv[2], a->argv[3], &ss, &len))
		FAIL(r, "bad address or port '%s %s'", a->argv[2], a->argv[3]);
	if (a->argc == 5 && parse_long(a->argv[4], 0, 600000, &timeout))
		FAIL(r, "bad timeout '%s' (milliseconds)", a->argv[4]);

	int flags = fcntl(s->fd, F_GETFL);
	fcntl(s->fd, F_SETFL, flags | O_NONBLOCK);
	int ret = connect(s->fd, (struct sockaddr *)&ss, len), err = errno;
	if (ret < 0 && err == EINPROGRESS) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		int n = poll(&p, 1, (int)timeout);
		if (n == 0) {
			err = ETIMEDOUT;
		} else {
			socklen_t l = sizeof(err);
			getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l);
			ret = err ? -1 : 0;
		}
	}
	fcntl(s->fd, F_SETFL, flags);
	reply_result(r, ret, err);
}

static void cmd_accept(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	long want, timeout = 2000;
	if (parse_long(a->argv[2], 0, ACCEPTED_MAX, &want))
		FAIL(r, "bad count '%s'", a->argv[2]);
	if (a->argc == 4 && parse_long(a->argv[3], 0, 600000, &timeout))
		FAIL(r, "bad timeout '%s' (milliseconds)", a->argv[3]);

	long got = 0, deadline = now_ms() + timeout;
	int err = 0;
	while (got < want) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		int fd = accept(s->fd, NULL, NULL);
		if (fd < 0) {
			err = errno;
			if (err == EAGAIN || err == EINTR) continue;
			break;
		}
		if (sockets_keep_accepted(s, fd)) {
			close(fd);
			err = EMFILE;
			break;
		}
		got++;
	}
	reply_result(r, err && got == 0 ? -1 : got, err);
	reply_int(r, "accepted", got);
	reply_int(r, "held", s->n_accepted);
}

static const char *tcp_state_name(unsigned st)
{
	static const char *names[] = { "UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
		"NEW_SYN_RECV" };
	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "UNKNOWN";
}

/* Counts this netns's TCP sockets with PORT at either end, by state, from /proc/net/tcp{,6}. */
static void cmd_tcpstates(const struct args *a, struct reply *r)
{
	unsigned short port;
	if (parse_port(a->argv[1], &port))
		FAIL(r, "bad port '%s'", a->argv[1]);
	unsigned counts[16] = { 0 };
	const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	int opened = 0;
	for (int f = 0; f < 2; f++) {
		FILE *fp = fopen(files[f], "r");
		if (!fp) continue;
		opened++;
		char line[512];
		if (!fgets(line, sizeof(line), fp)) { fclose(fp); continue; } /* header */
		while (fgets(line, sizeof(line), fp)) {
			unsigned lport, rport, st;
			if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x", &lport, &rport, &st) == 3 &&
			    (lport == port || rport == port) && st < 16)
				counts[st]++;
		}
		fclose(fp);
	}
	if (!opened) {
		reply_result(r, -1, ENOENT);
		return;
	}
	unsigned total = 0;
	for (int i = 0; i < 16; i++) total += counts[i];
	reply_result(r, total, 0);
	reply_open(r, "states");
	for (unsigned i = 0; i < 16; i++)
		if (counts[i]) reply_int(r, tcp_state_name(i), counts[i]);
	reply_close(r);
}

const struct command stream_commands[] = {
	{ "connect", 3, 4, "connect NAME ADDRESS PORT [TIMEOUT_MS]", cmd_connect },
	{ "accept", 2, 3, "accept NAME COUNT [TIMEOUT_MS]", cmd_accept },
	{ "tcpstates", 1, 1, "tcpstates PORT", cmd_tcpstates },
	{ NULL, 0, 0, NULL, NULL },
};
