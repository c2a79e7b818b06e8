/* What the demo modes share: logging, the address of an interface, stopping on SIGTERM. */
#include "demo.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t demo_stopping;

void demo_log(const char *who, const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s: ", who);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	size_t len = strlen(line);
	if (len < sizeof(line) - 1)
		line[len++] = '\n';
	for (size_t off = 0; off < len;) {
		ssize_t w = write(STDOUT_FILENO, line + off, len - off);
		if (w <= 0)
			return; /* nobody reads the log: the demo goes on without it */
		off += (size_t)w;
	}
}

int demo_ipv4(const char *addr_or_ifname, struct in_addr *out)
{
	if (inet_pton(AF_INET, addr_or_ifname, out) == 1)
		return 0;
	struct ifaddrs *list, *i;
	if (getifaddrs(&list) < 0)
		return -1;
	int found = -1;
	for (i = list; i && found; i = i->ifa_next) {
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, addr_or_ifname)) {
			*out = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			found = 0;
		}
	}
	freeifaddrs(list);
	return found;
}

static void on_stop(int sig)
{
	(void)sig;
	demo_stopping = 1;
}

void demo_catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop }; /* no SA_RESTART: recvfrom returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}
