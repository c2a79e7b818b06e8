#include "bench.h"
#include "commands.h"

#include "args.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int stop_requested(void)
{
#ifdef __GLIBC__
	/* main.c reads lines with getchar(): a line the engine sent may already sit in stdio's buffer,
	 * where poll() cannot see it. */
	if (stdin->_IO_read_ptr < stdin->_IO_read_end)
		return 1;
#endif
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

static int bucket_of(long long us)
{
	if (us < 8)
		return us < 0 ? 0 : (int)us;
	int octave = 63 - __builtin_clzll((unsigned long long)us);
	int index = (octave - 2) * 8 + (int)((us >> (octave - 3)) & 7);
	return index < HIST_BUCKETS ? index : HIST_BUCKETS - 1;
}

void hist_add(struct histogram *h, long long us)
{
	h->count[bucket_of(us)]++;
	if (h->n == 0 || us < h->min) h->min = us;
	if (us > h->max) h->max = us;
	h->n++;
}

void hist_reply(struct reply *r, const struct histogram *h)
{
	reply_open(r, "hist");
	for (int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->count[i]) continue;
		char k[8];
		snprintf(k, sizeof(k), "%d", i);
		reply_int(r, k, h->count[i]);
	}
	reply_close(r);
	reply_int(r, "lat_min_us", h->min);
	reply_int(r, "lat_max_us", h->max);
}

int bench_target(const char *addr, const char *port, struct sockaddr_storage *ss, socklen_t *len)
{
	return parse_sockaddr(strchr(addr, ':') ? AF_INET6 : AF_INET, addr, port, ss, len);
}

int load_args(const struct args *a, struct reply *r, long count_max, struct sockaddr_storage *to, socklen_t *len, long *count, long *duration)
{
	if (bench_target(a->argv[1], a->argv[2], to, len))
		command_error(r, "bad address or port '%s %s'", a->argv[1], a->argv[2]);
	else if (parse_long(a->argv[3], 1, count_max, count))
		command_error(r, "bad count '%s' (1 to %ld)", a->argv[3], count_max);
	else if (parse_long(a->argv[4], 1, 600000, duration))
		command_error(r, "bad duration '%s' (milliseconds, 1 to 600000)", a->argv[4]);
	else
		return 0;
	return -1;
}
