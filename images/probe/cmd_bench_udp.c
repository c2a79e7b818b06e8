/* UDP load for the bench: a worker that receives until told to stop and then drains its queue, a
 * sender bounded in count, time and rate, and the kernel's own counters of where datagrams went.
 *
 * A datagram the sender handed to the kernel ends in exactly one place: a worker's recv, a worker
 * socket's drop counter (its receive buffer was full: SO_MEMINFO's SK_MEMINFO_DROPS), or, before any
 * socket, a device's rx_dropped (the per-CPU backlog was full: /proc/net/dev). udp-counters reads
 * the namespace-wide ones, so the engine can check that they add up. */
#include "bench.h"
#include "commands.h"
#include "proc_pairs.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define RECV_BATCH 64
#define SOCKETS_PER_LOAD 1024
#define LOAD_COUNT_MAX 100000000L
#define DATAGRAM_MAX 1472 /* one Ethernet frame; a bigger one would be fragmented */

/* The socket's own count of datagrams it dropped; -1 when the kernel does not say (before 4.12). */
static long long socket_drops(int fd)
{
	unsigned int mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 || len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return -1;
	return mem[SK_MEMINFO_DROPS];
}

/* Takes every datagram queued now; returns how many. */
static long drain(int fd, long long *first, long long *last)
{
	static char bufs[RECV_BATCH][2048];
	static struct iovec iov[RECV_BATCH];
	static struct mmsghdr msgs[RECV_BATCH];
	long got = 0;
	for (int i = 0; i < RECV_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	for (int round = 0; round < 64; round++) { /* then back to the caller, to look at stdin */
		int n = recvmmsg(fd, msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		long long now = now_us();
		if (!*first) *first = now;
		*last = now;
		got += n;
	}
	return got;
}

/* udp-serve NAME MAX_MS QUIET_MS: receives until a line arrives on stdin or MAX_MS passed; then goes
 * on until nothing has come for QUIET_MS (what the backlog still held), within MAX_MS. */
static void cmd_udp_serve(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	long max_ms, quiet_ms;
	if (parse_long(a->argv[2], 1, 600000, &max_ms))
		FAIL(r, "bad duration '%s' (milliseconds, 1 to 600000)", a->argv[2]);
	if (parse_long(a->argv[3], 0, 60000, &quiet_ms))
		FAIL(r, "bad quiet period '%s' (milliseconds, 0 to 60000)", a->argv[3]);
	if (s->fd < 0 || s->type != SOCK_DGRAM)
		FAIL(r, "'%s' is not a UDP socket", a->argv[1]);

	long long start = now_us(), deadline = start + max_ms * 1000LL, first = 0, last = 0, quiet_from = 0;
	long received = 0;
	int stopped = 0;
	for (;;) {
		long got = drain(s->fd, &first, &last);
		received += got;
		long long now = now_us();
		if (got) quiet_from = now;
		if (now >= deadline)
			break;
		if (!stopped && stop_requested()) {
			stopped = 1;
			quiet_from = now;
		}
		if (stopped && now - quiet_from >= quiet_ms * 1000LL)
			break;
		if (got)
			continue;
		long long until = stopped ? quiet_from + quiet_ms * 1000LL : deadline;
		if (until > deadline) until = deadline;
		struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
		poll(p, stopped ? 1 : 2, (int)((until - now) / 1000) + 1);
	}
	s->received += received;
	reply_result(r, received, 0);
	reply_int(r, "received", received);
	reply_int(r, "drops", socket_drops(s->fd));
	reply_int(r, "first_us", first);
	reply_int(r, "last_us", last);
	reply_str(r, "ended_by", stopped ? "stop" : "deadline");
}

static void pace(long long start, long sent, long rate)
{
	if (rate <= 0) return;
	long long due = start + sent * 1000000LL / rate, ahead = due - now_us();
	if (ahead <= 0) return;
	struct timespec ts = { .tv_sec = ahead / 1000000, .tv_nsec = (ahead % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

/* udp-load ADDRESS PORT COUNT DURATION_MS RATE SOCKETS SIZE: sends up to COUNT datagrams of SIZE
 * bytes within DURATION_MS, at most RATE a second (0: as fast as it can), from SOCKETS sockets in
 * turn, a batch of 32 each, so from SOCKETS source ports. */
static void cmd_udp_load(const struct args *a, struct reply *r)
{
	struct sockaddr_storage to;
	socklen_t len;
	long count, duration, rate, nsock, size;
	if (load_args(a, r, LOAD_COUNT_MAX, &to, &len, &count, &duration))
		return;
	if (parse_long(a->argv[5], 0, 100000000L, &rate))
		FAIL(r, "bad rate '%s' (datagrams a second; 0: unpaced)", a->argv[5]);
	if (parse_long(a->argv[6], 1, SOCKETS_PER_LOAD, &nsock))
		FAIL(r, "bad socket count '%s' (1 to %d)", a->argv[6], SOCKETS_PER_LOAD);
	if (parse_long(a->argv[7], 1, DATAGRAM_MAX, &size))
		FAIL(r, "bad size '%s' (1 to %d bytes)", a->argv[7], DATAGRAM_MAX);

	static int fds[SOCKETS_PER_LOAD];
	for (long i = 0; i < nsock; i++) {
		fds[i] = socket(to.ss_family, SOCK_DGRAM, 0);
		if (fds[i] < 0) {
			int err = errno;
			while (i--) close(fds[i]);
			reply_result(r, -1, err);
			return;
		}
	}
	static char payload[DATAGRAM_MAX];
	memset(payload, 'r', sizeof(payload));
	struct iovec iov = { .iov_base = payload, .iov_len = (size_t)size };
	struct mmsghdr msgs[BATCH];
	for (int i = 0; i < BATCH; i++)
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &to, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };

	long sent = 0, errors = 0;
	int first_err = 0;
	long long start = now_us(), deadline = start + duration * 1000LL;
	for (long turn = 0; sent < count && now_us() < deadline; turn++) {
		pace(start, sent, rate);
		unsigned batch = count - sent < BATCH ? (unsigned)(count - sent) : BATCH;
		int n = sendmmsg(fds[turn % nsock], msgs, batch, 0);
		if (n > 0) {
			sent += n;
		} else {
			errors++; /* the kernel refused it (ENOBUFS…): not sent, not counted as lost */
			if (!first_err) first_err = errno;
		}
	}
	long long end = now_us();
	for (long i = 0; i < nsock; i++)
		close(fds[i]);
	reply_result(r, sent, 0);
	reply_int(r, "sent", sent);
	reply_int(r, "send_errors", errors);
	if (first_err) reply_str(r, "first_errno", errno_name(first_err));
	reply_int(r, "start_us", start);
	reply_int(r, "end_us", end);
}

static void udp_field(const char *name, long long value, void *r)
{
	reply_int(r, name, value);
}

/* The numbers of /proc/net/snmp's Udp pair of lines, as an object under their own names. */
static int snmp_udp(struct reply *r)
{
	reply_open(r, "udp");
	int ret = proc_pairs("/proc/net/snmp", "Udp", udp_field, r);
	reply_close(r);
	return ret;
}

/* Each device's rx_dropped (/proc/net/dev's receive "drop"), where a full backlog counts a datagram
 * it throws away before any socket sees it. */
static int dev_drops(struct reply *r)
{
	FILE *fp = fopen("/proc/net/dev", "r");
	if (!fp) return -1;
	char line[512];
	reply_open(r, "rx_dropped");
	while (fgets(line, sizeof(line), fp)) {
		char name[64];
		unsigned long long bytes, packets, errs, drop;
		if (sscanf(line, " %63[^:]: %llu %llu %llu %llu", name, &bytes, &packets, &errs, &drop) == 5)
			reply_int(r, name, (long long)drop);
	}
	reply_close(r);
	fclose(fp);
	return 0;
}

/* udp-counters: this network namespace's UDP counters and its devices' receive drops. */
static void cmd_udp_counters(const struct args *a, struct reply *r)
{
	(void)a;
	int err = 0;
	if (snmp_udp(r) < 0) err = errno ? errno : ENOENT;
	if (dev_drops(r) < 0 && !err) err = errno;
	reply_result(r, err ? -1 : 0, err);
}

/* What the engine sends to end a running tcp-serve or udp-serve (any line would); alone, nothing. */
static void cmd_stop(const struct args *a, struct reply *r)
{
	(void)a;
	reply_result(r, 0, 0);
}

const struct command bench_udp_commands[] = {
	{ "udp-serve", 3, 3, "udp-serve NAME MAX_MS QUIET_MS", cmd_udp_serve },
	{ "udp-load", 7, 7, "udp-load ADDRESS PORT COUNT DURATION_MS RATE SOCKETS SIZE", cmd_udp_load },
	{ "udp-counters", 0, 0, "udp-counters", cmd_udp_counters },
	{ "stop", 0, 0, "stop", cmd_stop },
	{ NULL, 0, 0, NULL, NULL },
};
