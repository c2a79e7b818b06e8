/* TCP load for the bench: a worker that accepts until told to stop, and a client that opens many
 * short connections and times each one.
 *
 * One connection: the client calls connect(); the worker accept()s it, writes one byte and closes
 * it; the client reads that byte. The client's latency is connect() to that byte: the handshake, the
 * wait in the accept queue, the worker's accept and write, and the byte's trip back, all on the
 * client's clock. The client then resets the connection (SO_LINGER 0), so neither side keeps
 * TIME_WAIT and a bounded run never runs out of ephemeral ports. */
#include "bench.h"
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONCURRENCY_MAX 1024
#define LOAD_COUNT_MAX 10000000L
/* In-flight connections may finish this long after new ones stopped; the rest are "timed_out". */
#define GRACE_US 1000000LL
/* A worker looks at stdin at least this often, however busy its listener is. */
#define ACCEPT_BURST 256

static int accept_burst(int lfd, long *accepted, long *write_errors)
{
	for (int i = 0; i < ACCEPT_BURST; i++) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED ? 0 : -1;
		(*accepted)++;
		if (write(fd, "k", 1) != 1)
			(*write_errors)++; /* the client gave up on it already */
		close(fd);
	}
	return 1; /* more may be queued */
}

/* tcp-serve NAME MAX_MS: accepts on a listening socket (and answers each connection with one byte)
 * until a line arrives on stdin or MAX_MS passed, then takes what is still queued. */
static void cmd_tcp_serve(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	long max_ms;
	if (parse_long(a->argv[2], 1, 600000, &max_ms))
		FAIL(r, "bad duration '%s' (milliseconds, 1 to 600000)", a->argv[2]);
	if (s->fd < 0 || s->type != SOCK_STREAM)
		FAIL(r, "'%s' is not a TCP socket", a->argv[1]);

	int flags = fcntl(s->fd, F_GETFL);
	fcntl(s->fd, F_SETFL, flags | O_NONBLOCK);
	long accepted = 0, write_errors = 0;
	long long start = now_us(), deadline = start + max_ms * 1000LL;
	int err = 0, stopped = 0;
	for (;;) {
		long long left = deadline - now_us();
		if (left <= 0)
			break;
		struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
		if (poll(p, 2, (int)(left / 1000) + 1) < 0 && errno != EINTR) {
			err = errno;
			break;
		}
		if (p[0].revents && accept_burst(s->fd, &accepted, &write_errors) < 0) {
			err = errno;
			break;
		}
		if (p[1].revents || stop_requested()) {
			stopped = 1;
			break;
		}
	}
	while (!err && accept_burst(s->fd, &accepted, &write_errors) > 0)
		; /* connections already queued belong to this worker's count */
	fcntl(s->fd, F_SETFL, flags);
	reply_result(r, err && !accepted ? -1 : accepted, err);
	reply_int(r, "accepted", accepted);
	reply_int(r, "write_errors", write_errors);
	reply_str(r, "ended_by", stopped ? "stop" : err ? "error" : "deadline");
	reply_int(r, "elapsed_us", now_us() - start);
}

struct load {
	struct pollfd pfd[CONCURRENCY_MAX];
	long long t0[CONCURRENCY_MAX];
	int active;
	long started, completed, failed, timed_out;
	int first_err;
	long long first_start, last_done;
	struct histogram hist;
};

enum ending { COMPLETED, FAILED, TIMED_OUT };

static void finish(struct load *l, int i, enum ending how, int err)
{
	int fd = l->pfd[i].fd;
	if (how == TIMED_OUT) {
		l->timed_out++;
	} else if (how == FAILED) {
		l->failed++;
		if (!l->first_err) l->first_err = err;
	} else {
		long long now = now_us();
		l->completed++;
		l->last_done = now;
		hist_add(&l->hist, now - l->t0[i]);
	}
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	l->active--; /* keep the in-flight ones packed at the front */
	l->pfd[i] = l->pfd[l->active];
	l->t0[i] = l->t0[l->active];
}

static void start_one(struct load *l, const struct sockaddr_storage *to, socklen_t len)
{
	long long t0 = now_us();
	if (!l->started) l->first_start = t0;
	l->started++;
	int fd = socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || (connect(fd, (const struct sockaddr *)to, len) < 0 && errno != EINPROGRESS)) {
		l->failed++;
		if (!l->first_err) l->first_err = errno;
		if (fd >= 0) close(fd);
		return;
	}
	l->pfd[l->active] = (struct pollfd){ .fd = fd, .events = POLLIN };
	l->t0[l->active++] = t0;
}

/* One reply byte (or why there is none) on a connection poll() says is ready. */
static int outcome(int fd)
{
	char byte;
	ssize_t n = read(fd, &byte, 1);
	if (n == 1) return 0;
	if (n == 0) return ECONNRESET; /* closed without the byte */
	if (errno == EAGAIN) return -1; /* not yet: an error flag without data (cannot happen) */
	return errno;
}

/* tcp-load ADDRESS PORT COUNT DURATION_MS CONCURRENCY: keeps CONCURRENCY connections in flight,
 * starting new ones until COUNT were started or DURATION_MS passed; the last ones get one more
 * second to finish. */
static void cmd_tcp_load(const struct args *a, struct reply *r)
{
	struct sockaddr_storage to;
	socklen_t len;
	long count, duration, concurrency;
	if (load_args(a, r, LOAD_COUNT_MAX, &to, &len, &count, &duration))
		return;
	if (parse_long(a->argv[5], 1, CONCURRENCY_MAX, &concurrency))
		FAIL(r, "bad concurrency '%s' (1 to %d)", a->argv[5], CONCURRENCY_MAX);

	static struct load l;
	memset(&l, 0, sizeof(l));
	long long start = now_us(), stop_starting = start + duration * 1000LL, hard_end = stop_starting + GRACE_US;
	for (;;) {
		long long now = now_us();
		/* the clock is read again for each one: a connect that fails at once (ENETUNREACH,
		 * EADDRNOTAVAIL) frees its slot at once, and COUNT alone would then bound the loop */
		while (l.active < concurrency && l.started < count && (now = now_us()) < stop_starting)
			start_one(&l, &to, len);
		if (l.active == 0 && (l.started >= count || now >= stop_starting))
			break;
		if (now >= hard_end) {
			while (l.active)
				finish(&l, 0, TIMED_OUT, 0);
			break;
		}
		long long wait = (now < stop_starting && l.started < count ? stop_starting : hard_end) - now;
		if (poll(l.pfd, (nfds_t)l.active, (int)(wait / 1000) + 1) <= 0)
			continue;
		for (int i = l.active - 1; i >= 0; i--) { /* backwards: finish() moves the last one into i */
			if (!l.pfd[i].revents) continue;
			int err = outcome(l.pfd[i].fd);
			if (err < 0) continue;
			finish(&l, i, err ? FAILED : COMPLETED, err);
		}
	}
	reply_result(r, l.completed, 0);
	reply_int(r, "started", l.started);
	reply_int(r, "completed", l.completed);
	reply_int(r, "failed", l.failed);
	reply_int(r, "timed_out", l.timed_out);
	if (l.first_err) reply_str(r, "first_errno", errno_name(l.first_err));
	reply_int(r, "start_us", l.first_start);
	reply_int(r, "end_us", l.last_done ? l.last_done : now_us());
	hist_reply(r, &l.hist);
}

const struct command bench_tcp_commands[] = {
	{ "tcp-serve", 2, 2, "tcp-serve NAME MAX_MS", cmd_tcp_serve },
	{ "tcp-load", 5, 5, "tcp-load ADDRESS PORT COUNT DURATION_MS CONCURRENCY", cmd_tcp_load },
	{ NULL, 0, 0, NULL, NULL },
};
