/* socket, setsockopt, getsockopt, bind, listen, getsockname, shutdown, disconnect, close. */
#include "commands.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void cmd_socket(const struct args *a, struct reply *r)
{
	int type, family;
	if (!strcmp(a->argv[2], "tcp")) type = SOCK_STREAM;
	else if (!strcmp(a->argv[2], "udp")) type = SOCK_DGRAM;
	else FAIL(r, "unknown protocol '%s' (tcp or udp)", a->argv[2]);
	if (!strcmp(a->argv[3], "4")) family = AF_INET;
	else if (!strcmp(a->argv[3], "6")) family = AF_INET6;
	else FAIL(r, "unknown family '%s' (4 or 6)", a->argv[3]);
	if (sockets_find(a->argv[1]))
		FAIL(r, "socket '%s' exists; close it first", a->argv[1]);

	int fd = socket(family, type, 0);
	if (fd < 0) {
		reply_result(r, -1, errno);
		return;
	}
	const char *why;
	if (!sockets_add(a->argv[1], fd, family, type, &why)) {
		close(fd);
		FAIL(r, "%s", why);
	}
	reply_result(r, fd, 0);
}

enum optkind { INT, ADDR4, MREQ, LINGER };
struct sockopt {
	const char *name;
	int level4, opt4, level6, opt6; /* opt < 0: not for that family */
	enum optkind kind;
};

static const struct sockopt sockopts[] = {
	{ "reuseaddr", SOL_SOCKET, SO_REUSEADDR, SOL_SOCKET, SO_REUSEADDR, INT },
	{ "reuseport", SOL_SOCKET, SO_REUSEPORT, SOL_SOCKET, SO_REUSEPORT, INT },
	{ "rcvbuf", SOL_SOCKET, SO_RCVBUF, SOL_SOCKET, SO_RCVBUF, INT },
	{ "sndbuf", SOL_SOCKET, SO_SNDBUF, SOL_SOCKET, SO_SNDBUF, INT },
	{ "incoming_cpu", SOL_SOCKET, SO_INCOMING_CPU, SOL_SOCKET, SO_INCOMING_CPU, INT },
	/* SO_LINGER {1, N}: close() waits up to N s for unsent data; N = 0 aborts with a RST, no TIME_WAIT. */
	{ "linger", SOL_SOCKET, SO_LINGER, SOL_SOCKET, SO_LINGER, LINGER },
	/* An IP-level option that IPv6 sockets take too (ipv6_setsockopt() passes SOL_IP on). */
	{ "bind_address_no_port", IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, INT },
	{ "v6only", 0, -1, IPPROTO_IPV6, IPV6_V6ONLY, INT },
	{ "mcast_loop", IPPROTO_IP, IP_MULTICAST_LOOP, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, INT },
	{ "mcast_ttl", IPPROTO_IP, IP_MULTICAST_TTL, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, INT },
	{ "mcast_all", IPPROTO_IP, IP_MULTICAST_ALL, IPPROTO_IPV6, IPV6_MULTICAST_ALL, INT },
	{ "mcast_if", IPPROTO_IP, IP_MULTICAST_IF, 0, -1, ADDR4 },
	{ "add_membership", IPPROTO_IP, IP_ADD_MEMBERSHIP, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, MREQ },
	{ "drop_membership", IPPROTO_IP, IP_DROP_MEMBERSHIP, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, MREQ },
	{ NULL, 0, 0, 0, 0, INT },
};

static const struct sockopt *find_sockopt(const char *name)
{
	for (const struct sockopt *o = sockopts; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static void cmd_setsockopt(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	const struct sockopt *o = find_sockopt(a->argv[2]);
	if (!o) FAIL(r, "unknown option '%s'", a->argv[2]);
	int v6 = s->family == AF_INET6;
	int level = v6 ? o->level6 : o->level4, opt = v6 ? o->opt6 : o->opt4;
	if (opt < 0) FAIL(r, "option '%s' is not for IPv%c sockets", o->name, v6 ? '6' : '4');

	int ret;
	if (o->kind == INT) {
		long v;
		if (a->argc != 4 || parse_long(a->argv[3], -2147483647L, 2147483647L, &v))
			FAIL(r, "option '%s' takes one integer", o->name);
		int iv = (int)v;
		ret = setsockopt(s->fd, level, opt, &iv, sizeof(iv));
	} else if (o->kind == LINGER) {
		long v;
		if (a->argc != 4 || parse_long(a->argv[3], 0, 65535, &v))
			FAIL(r, "option '%s' takes the seconds to linger, 0 to 65535", o->name);
		struct linger l = { .l_onoff = 1, .l_linger = (int)v };
		ret = setsockopt(s->fd, level, opt, &l, sizeof(l));
	} else if (o->kind == ADDR4) {
		struct in_addr in;
		if (a->argc != 4 || inet_pton(AF_INET, a->argv[3], &in) != 1)
			FAIL(r, "option '%s' takes one IPv4 address", o->name);
		ret = setsockopt(s->fd, level, opt, &in, sizeof(in));
	} else if (!v6) {
		struct ip_mreq m = { .imr_interface.s_addr = htonl(INADDR_ANY) };
		if (inet_pton(AF_INET, a->argv[3], &m.imr_multiaddr) != 1 ||
		    (a->argc == 5 && inet_pton(AF_INET, a->argv[4], &m.imr_interface) != 1))
			FAIL(r, "option '%s' takes a group address and an optional interface address", o->name);
		ret = setsockopt(s->fd, level, opt, &m, sizeof(m));
	} else {
		struct ipv6_mreq m = { .ipv6mr_interface = 0 };
		long ifindex = 0;
		if (inet_pton(AF_INET6, a->argv[3], &m.ipv6mr_multiaddr) != 1 ||
		    (a->argc == 5 && parse_long(a->argv[4], 0, 1 << 20, &ifindex)))
			FAIL(r, "option '%s' takes a group address and an optional interface index", o->name);
		m.ipv6mr_interface = (unsigned)ifindex;
		ret = setsockopt(s->fd, level, opt, &m, sizeof(m));
	}
	reply_result(r, ret, errno);
}

static void cmd_getsockopt(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	const struct sockopt *o = find_sockopt(a->argv[2]);
	if (!o || o->kind != INT) FAIL(r, "option '%s' cannot be read", a->argv[2]);
	int v6 = s->family == AF_INET6;
	int level = v6 ? o->level6 : o->level4, opt = v6 ? o->opt6 : o->opt4;
	if (opt < 0) FAIL(r, "option '%s' is not for IPv%c sockets", o->name, v6 ? '6' : '4');
	int v = 0;
	socklen_t len = sizeof(v);
	int ret = getsockopt(s->fd, level, opt, &v, &len);
	reply_result(r, ret, errno);
	if (ret == 0) reply_int(r, "value", v);
}

static void cmd_bind(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_sockaddr(s->family, a->argv[2], a->argv[3], &ss, &len))
		FAIL(r, "bad IPv%c address or port '%s %s'", s->family == AF_INET ? '4' : '6', a->argv[2], a->argv[3]);
	int ret = bind(s->fd, (struct sockaddr *)&ss, len);
	reply_result(r, ret, errno);
}

static void cmd_listen(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	long backlog = 128;
	if (a->argc == 3 && parse_long(a->argv[2], 0, 65535, &backlog))
		FAIL(r, "bad backlog '%s'", a->argv[2]);
	int ret = listen(s->fd, (int)backlog);
	reply_result(r, ret, errno);
}

static void cmd_getsockname(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int ret = getsockname(s->fd, (struct sockaddr *)&ss, &len);
	reply_result(r, ret, errno);
	if (ret) return;
	char host[INET6_ADDRSTRLEN] = "";
	unsigned port;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	reply_str(r, "addr", host);
	reply_int(r, "port", port);
}

static void cmd_shutdown(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	int how;
	if (!strcmp(a->argv[2], "rd")) how = SHUT_RD;
	else if (!strcmp(a->argv[2], "wr")) how = SHUT_WR;
	else if (!strcmp(a->argv[2], "rdwr")) how = SHUT_RDWR;
	else FAIL(r, "shutdown takes rd, wr or rdwr, not '%s'", a->argv[2]);
	int ret = shutdown(s->fd, how);
	reply_result(r, ret, errno);
}

/* connect(AF_UNSPEC): a UDP socket forgets its peer, a TCP one is disconnected (tcp_disconnect()). */
static void cmd_disconnect(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	int ret = connect(s->fd, &sa, sizeof(sa));
	reply_result(r, ret, errno);
}

static void cmd_close(const struct args *a, struct reply *r)
{
	struct probe_socket *s = socket_arg(a, 1, r);
	if (!s) return;
	int n = s->n_accepted;
	sockets_remove(s);
	reply_result(r, 0, 0);
	reply_int(r, "closed_connections", n);
}

const struct command socket_commands[] = {
	{ "socket", 3, 3, "socket NAME tcp|udp 4|6", cmd_socket },
	{ "setsockopt", 3, 4, "setsockopt NAME OPTION VALUE [INTERFACE]", cmd_setsockopt },
	{ "getsockopt", 2, 2, "getsockopt NAME OPTION", cmd_getsockopt },
	{ "bind", 3, 3, "bind NAME ADDRESS PORT", cmd_bind },
	{ "listen", 1, 2, "listen NAME [BACKLOG]", cmd_listen },
	{ "getsockname", 1, 1, "getsockname NAME", cmd_getsockname },
	{ "shutdown", 2, 2, "shutdown NAME rd|wr|rdwr", cmd_shutdown },
	{ "disconnect", 1, 1, "disconnect NAME", cmd_disconnect },
	{ "close", 1, 1, "close NAME", cmd_close },
	{ NULL, 0, 0, NULL, NULL },
};
