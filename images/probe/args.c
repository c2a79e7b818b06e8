#include "args.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int args_split(char *line, struct args *a)
{
	a->argc = 0;
	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (a->argc == ARGS_MAX)
			return -1;
		a->argv[a->argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return 0;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_port(const char *s, unsigned short *out)
{
	long v;
	if (parse_long(s, 0, 65535, &v))
		return -1;
	*out = (unsigned short)v;
	return 0;
}

int parse_sockaddr(int family, const char *addr, const char *port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	unsigned short p;
	if (parse_port(port, &p))
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(p);
		if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
			return -1;
		*len = sizeof(*in);
		return 0;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(p);
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) != 1)
		return -1;
	*len = sizeof(*in6);
	return 0;
}
