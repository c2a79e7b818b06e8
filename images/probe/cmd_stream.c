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
		if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
			break; /* nothing queued, and no time left to wait for more */
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
	long timer_ms[16]; /* the longest time left on a timer, by state; -1: no timer seen */
	for (int i = 0; i < 16; i++) timer_ms[i] = -1;
	const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	int opened = 0;
	for (int f = 0; f < 2; f++) {
		FILE *fp = fopen(files[f], "r");
		if (!fp) continue;
		opened++;
		char line[512];
		if (!fgets(line, sizeof(line), fp)) { fclose(fp); continue; } /* header */
		while (fgets(line, sizeof(line), fp)) {
			unsigned lport, rport, st, tr;
			unsigned long when;
			int n = sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x %*x:%*x %x:%lx", &lport, &rport, &st, &tr, &when);
			if (n < 3 || (lport != port && rport != port) || st >= 16)
				continue;
			counts[st]++;
			/* "tr:tm->when": timer kind, and clock ticks (USER_HZ) until it fires; 0: no timer */
			long ms = n == 5 && tr != 0 ? (long)when * (1000 / sysconf(_SC_CLK_TCK)) : -1;
			if (ms > timer_ms[st]) timer_ms[st] = ms;
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
	reply_open(r, "timers_ms");
	for (unsigned i = 0; i < 16; i++)
		if (timer_ms[i] >= 0) reply_int(r, tcp_state_name(i), timer_ms[i]);
	reply_close(r);
}

/* COUNT connections to one address, each from its own socket (so its own source port), kept under
 * NAME until it is closed. Answers how many connected and, for the others, the first errno. */
static void cmd_connectn(const struct args *a, struct reply *r)
{
	long count, timeout;
	int family = !strcmp(a->argv[3], "4") ? AF_INET : !strcmp(a->argv[3], "6") ? AF_INET6 : 0;
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_long(a->argv[2], 1, ACCEPTED_MAX, &count))
		FAIL(r, "bad count '%s' (1 to %d)", a->argv[2], ACCEPTED_MAX);
	if (!family)
		FAIL(r, "unknown family '%s' (4 or 6)", a->argv[3]);
	if (parse_sockaddr(family, a->argv[4], a->argv[5], &ss, &len))
		FAIL(r, "bad address or port '%s %s'", a->argv[4], a->argv[5]);
	if (parse_long(a->argv[6], 0, 600000, &timeout))
		FAIL(r, "bad timeout '%s' (milliseconds)", a->argv[6]);
	const char *why;
	struct probe_socket *g = sockets_add(a->argv[1], -1, family, SOCK_STREAM, &why);
	if (!g)
		FAIL(r, "%s", why);
	long ok = 0, failed = 0;
	int first_err = 0;
	for (long i = 0; i < count; i++) {
		int fd = socket(family, SOCK_STREAM, 0), err = 0;
		if (fd < 0) {
			err = errno;
		} else {
			fcntl(fd, F_SETFL, O_NONBLOCK);
			if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
				err = errno;
				if (err == EINPROGRESS) {
					struct pollfd p = { .fd = fd, .events = POLLOUT };
					socklen_t l = sizeof(err);
					err = poll(&p, 1, (int)timeout) == 0 ? ETIMEDOUT : 0;
					if (!err)
						getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
				}
			}
			fcntl(fd, F_SETFL, 0);
		}
		if (!err && sockets_keep_accepted(g, fd) == 0) {
			ok++;
			continue;
		}
		if (!err) err = EMFILE;
		if (fd >= 0) close(fd);
		if (!first_err) first_err = err;
		failed++;
	}
	reply_result(r, ok == 0 && failed ? -1 : ok, first_err);
	reply_int(r, "connected", ok);
	reply_int(r, "failed", failed);
	if (failed) reply_str(r, "first_errno", errno_name(first_err));
}

/* Closes a listener and keeps the connections it accepted (they stay under its name). */
static void cmd_closelistener(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	if (s->fd < 0)
		FAIL(r, "'%s' has no socket of its own to close", a->argv[1]);
	int ret = close(s->fd);
	s->fd = -1;
	reply_result(r, ret, errno);
	reply_int(r, "kept", s->n_accepted);
}

/* Closes the connections a listener accepted, and keeps the listener. */
static void cmd_closeaccepted(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	int n = s->n_accepted;
	for (int i = 0; i < n; i++)
		close(s->accepted[i]);
	s->n_accepted = 0;
	reply_result(r, n, 0);
	reply_int(r, "closed", n);
}

const struct command stream_commands[] = {
	{ "connect", 3, 4, "connect NAME ADDRESS PORT [TIMEOUT_MS]", cmd_connect },
	{ "accept", 2, 3, "accept NAME COUNT [TIMEOUT_MS]", cmd_accept },
	{ "tcpstates", 1, 1, "tcpstates PORT", cmd_tcpstates },
	{ "connectn", 6, 6, "connectn NAME COUNT 4|6 ADDRESS PORT TIMEOUT_MS", cmd_connectn },
	{ "closeaccepted", 1, 1, "closeaccepted NAME", cmd_closeaccepted },
	{ "closelistener", 1, 1, "closelistener NAME", cmd_closelistener },
	{ NULL, 0, 0, NULL, NULL },
};
