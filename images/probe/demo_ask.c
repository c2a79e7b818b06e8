/* probe ask ADDRESS PORT COUNT [INTERVAL_MS]: the demo's client. Sends COUNT requests ("1", "2", …)
 * from one UDP socket, one every INTERVAL_MS, waits a bounded time for each answer, and logs who
 * answered it: the answer starts with the name of the service that sent it. */
#include "demo.h"
#include "reply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "args.h"

#define WHO "client"
#define ANSWER_WAIT_MS 500
#define COUNT_MAX 1000

static long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Waits up to ANSWER_WAIT_MS for the answer to request seq and copies the answerer's name into
 * who; an answer to an earlier request (late) is skipped. 0 when answered, -1 when not. */
static int await_answer(int fd, long seq, char *who, size_t who_len)
{
	long deadline = mono_ms() + ANSWER_WAIT_MS;
	for (long left; (left = deadline - mono_ms()) > 0 && !demo_stopping;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		char ans[128], name[64];
		ssize_t n = recv(fd, ans, sizeof(ans) - 1, MSG_DONTWAIT);
		if (n < 0)
			continue;
		ans[n] = '\0';
		long got;
		if (sscanf(ans, "%63s %ld", name, &got) == 2 && got == seq) {
			snprintf(who, who_len, "%s", name);
			return 0;
		}
	}
	return -1;
}

static void pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR && !demo_stopping)
		;
}

int demo_ask(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned short port;
	long count, interval = 200;
	if (argc < 3 || argc > 4 || demo_ipv4(argv[0], &to.sin_addr) || parse_port(argv[1], &port) ||
	    parse_long(argv[2], 1, COUNT_MAX, &count) || (argc == 4 && parse_long(argv[3], 0, 60000, &interval))) {
		fprintf(stderr, "usage: probe ask ADDRESS PORT COUNT [INTERVAL_MS]   (COUNT 1 to %d)\n", COUNT_MAX);
		return 2;
	}
	to.sin_port = htons(port);
	demo_catch_stop();
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		demo_log(WHO, "socket failed: %s", errno_name(errno));
		return 1;
	}
	demo_log(WHO, "uid %u sends %ld requests to %s:%u/udp, one every %ld ms", getuid(), count, argv[0], port, interval);
	long answered = 0;
	for (long seq = 1; seq <= count && !demo_stopping; seq++) {
		long started = mono_ms();
		char req[32], who[64];
		int len = snprintf(req, sizeof(req), "%ld", seq);
		if (sendto(fd, req, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			demo_log(WHO, "request %ld/%ld not sent: %s", seq, count, errno_name(errno));
		} else if (await_answer(fd, seq, who, sizeof(who)) == 0) {
			answered++;
			demo_log(WHO, "request %ld/%ld answered by %s", seq, count, who);
		} else {
			demo_log(WHO, "request %ld/%ld unanswered after %d ms", seq, count, ANSWER_WAIT_MS);
		}
		pause_ms(started + interval - mono_ms());
	}
	demo_log(WHO, "done: %ld of %ld requests answered", answered, count);
	return demo_stopping ? 1 : 0;
}
