/* Splitting a command line into words, and strict parsing of the words. */
#ifndef PROBE_ARGS_H
#define PROBE_ARGS_H

#include <sys/socket.h>

#define ARGS_MAX 8

struct args {
	int argc;
	char *argv[ARGS_MAX];
};

/* Splits in place on spaces and tabs; returns -1 if there are more than ARGS_MAX words. */
int args_split(char *line, struct args *a);

/* Each returns 0 on success, -1 (and leaves *out alone) on anything else. */
int parse_long(const char *s, long min, long max, long *out);
int parse_port(const char *s, unsigned short *out);
/* addr is an IPv4 or IPv6 literal; family must match the socket's (AF_INET or AF_INET6). */
int parse_sockaddr(int family, const char *addr, const char *port, struct sockaddr_storage *ss,
		   socklen_t *len);

#endif
