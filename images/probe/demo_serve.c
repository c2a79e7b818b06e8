/* probe serve NAME ADDRESS PORT [reuseaddr]: a UDP service that answers every request with its own
 * name ("attacker 3" to request "3"), and logs each request it answered. ADDRESS may name an
 * interface (eth0): the attacker of the demo binds whatever address docker gave the victim. */
#include "demo.h"
#include "reply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"

static int open_bound(const char *name, const char *addr, const char *port, int reuseaddr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned short p;
	if (demo_ipv4(addr, &sin.sin_addr) || parse_port(port, &p)) {
		demo_log(name, "bad address or port '%s %s' (an IPv4 address or an interface, and a port)", addr, port);
		return -1;
	}
	sin.sin_port = htons(p);
	char shown[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sin.sin_addr, shown, sizeof(shown));
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	if (fd < 0 || (reuseaddr && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		demo_log(name, "bind udp %s:%u%s failed: %s", shown, p, reuseaddr ? " with SO_REUSEADDR" : "", errno_name(errno));
		return -1;
	}
	demo_log(name, "uid %u bound udp %s:%u%s; answering each request with my name", getuid(), shown, p,
		 reuseaddr ? " with SO_REUSEADDR" : "");
	return fd;
}

int demo_serve(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "reuseaddr"))) {
		fprintf(stderr, "usage: probe serve NAME ADDRESS|INTERFACE PORT [reuseaddr]\n");
		return 2;
	}
	const char *name = argv[0];
	demo_catch_stop();
	int fd = open_bound(name, argv[1], argv[2], argc == 4);
	if (fd < 0)
		return 1;
	long answered = 0;
	while (!demo_stopping) {
		char req[64], ans[128], from[INET_ADDRSTRLEN];
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, req, sizeof(req) - 1, 0, (struct sockaddr *)&peer, &plen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			demo_log(name, "recvfrom failed: %s", errno_name(errno));
			return 1;
		}
		req[n] = '\0';
		req[strcspn(req, "\r\n")] = '\0';
		int alen = snprintf(ans, sizeof(ans), "%s %s", name, req);
		if (sendto(fd, ans, (size_t)alen, 0, (struct sockaddr *)&peer, plen) < 0) {
			demo_log(name, "answering failed: %s", errno_name(errno));
			continue;
		}
		inet_ntop(AF_INET, &peer.sin_addr, from, sizeof(from));
		demo_log(name, "answered request %s from %s:%u (%ld so far)", req, from, ntohs(peer.sin_port), ++answered);
	}
	demo_log(name, "stopping after %ld answers", answered);
	return 0;
}
