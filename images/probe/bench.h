/* What the bench commands share: a microsecond clock, the engine's "stop" line, a latency
 * histogram, and the address a load generator aims at. */
#ifndef PROBE_BENCH_H
#define PROBE_BENCH_H

#include "reply.h"

#include <sys/socket.h>

/* Microseconds on the monotonic clock: one clock for every process on the kernel (containers share
 * it), so the engine may compare the times different actors report. */
long long now_us(void);

/* 1 when a line is waiting on stdin (or stdin ended): the engine asks a running worker to stop by
 * sending its next command. Looks at what stdio already buffered as well as at fd 0. */
int stop_requested(void);

/* Log-linear buckets of microseconds: values below 8 exactly, then 8 buckets per power of two (at
 * most 12.5% wide). lab/bench/histogram.ts reads the same scheme. */
#define HIST_BUCKETS 256
struct histogram {
	long long count[HIST_BUCKETS];
	long long min, max;
	long long n;
};
void hist_add(struct histogram *h, long long us);
/* "hist":{"INDEX":COUNT,...} with only the buckets that counted something, then "lat_min_us" and
 * "lat_max_us". */
void hist_reply(struct reply *r, const struct histogram *h);

/* An IPv4 or IPv6 literal (the family follows from a ':') and a port; -1 when either is bad. */
int bench_target(const char *addr, const char *port, struct sockaddr_storage *ss, socklen_t *len);

/* The first words of tcp-load and udp-load: ADDRESS PORT COUNT DURATION_MS (argv[1] to argv[4]).
 * 0, or -1 after replying with a command error (the caller returns). */
struct args;
int load_args(const struct args *a, struct reply *r, long count_max, struct sockaddr_storage *to, socklen_t *len, long *count, long *duration);

#endif
