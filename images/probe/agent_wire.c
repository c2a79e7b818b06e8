/*
 * A lab's wiring (lab/backend/netns/netns-wiring.ts) by rtnetlink from the agent itself: the `ip -batch`
 * lines the host would otherwise send, message for message as ip sends them.
 *
 *   in the switch namespace:  link add br0 type bridge; link set br0 up
 *                             link add pI type veth peer name eth0 netns NS; link set pI master br0 up
 *   in each namespace NS:     link set lo up; addr add IPV4/LEN dev eth0; addr add IPV6/LEN dev eth0 nodad
 *                             link set eth0 up; route add 224.0.0.0/4 dev eth0
 */
#include "agent.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct msg {
	struct nlmsghdr h;
	char body[2048];
};

static struct rtattr *attr(struct msg *m, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)m + NLMSG_ALIGN(m->h.nlmsg_len));
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static struct rtattr *nest(struct msg *m, int type)
{
	return attr(m, type, NULL, 0);
}

static void nest_end(struct msg *m, struct rtattr *a)
{
	a->rta_len = (char *)m + m->h.nlmsg_len - (char *)a;
}

static void *header(struct msg *m, int type, int flags, size_t size)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = NLMSG_LENGTH(size);
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return NLMSG_DATA(&m->h);
}

/* Sends and waits for the ACK: 0 or a negative errno. */
static int ask(int fd, struct msg *m)
{
	static unsigned seq;
	m->h.nlmsg_seq = ++seq;
	if (send(fd, m, m->h.nlmsg_len, 0) < 0)
		return -errno;
	char buf[8192];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_seq == m->h.nlmsg_seq && h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
}

/* ip link set DEV [master MASTER] up */
static int link_up(int fd, int index, int master)
{
	struct msg m;
	struct ifinfomsg *i = header(&m, RTM_NEWLINK, 0, sizeof(*i));
	i->ifi_family = AF_UNSPEC;
	i->ifi_index = index;
	i->ifi_change = IFF_UP;
	i->ifi_flags = IFF_UP;
	if (master)
		attr(&m, IFLA_MASTER, &master, sizeof(master));
	return ask(fd, &m);
}

/* The index of link NAME in the current namespace, or a negative errno. */
static int index_of(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", name);
	int i = ioctl(fd, SIOCGIFINDEX, &r) < 0 ? -errno : r.ifr_ifindex;
	close(fd);
	return i;
}

/* ip link add br0 type bridge */
static int add_bridge(int fd)
{
	struct msg m;
	struct ifinfomsg *i = header(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*i));
	i->ifi_family = AF_UNSPEC;
	attr(&m, IFLA_IFNAME, "br0", 4);
	struct rtattr *info = nest(&m, IFLA_LINKINFO);
	attr(&m, IFLA_INFO_KIND, "bridge", 7);
	nest_end(&m, info);
	return ask(fd, &m);
}

/* ip link add NAME type veth peer name eth0 netns NS */
static int add_veth(int fd, const char *name, int ns)
{
	struct msg m;
	struct ifinfomsg *i = header(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*i));
	i->ifi_family = AF_UNSPEC;
	attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	struct rtattr *info = nest(&m, IFLA_LINKINFO);
	attr(&m, IFLA_INFO_KIND, "veth", 5);
	struct rtattr *data = nest(&m, IFLA_INFO_DATA);
	struct rtattr *peer = nest(&m, VETH_INFO_PEER);
	struct ifinfomsg peer_info = { .ifi_family = AF_UNSPEC };
	memcpy((char *)&m + m.h.nlmsg_len, &peer_info, sizeof(peer_info));
	m.h.nlmsg_len += NLMSG_ALIGN(sizeof(peer_info));
	attr(&m, IFLA_IFNAME, "eth0", 5);
	attr(&m, IFLA_NET_NS_FD, &ns, sizeof(ns));
	nest_end(&m, peer);
	nest_end(&m, data);
	nest_end(&m, info);
	return ask(fd, &m);
}

/* ip addr add ADDRESS/LEN dev INDEX [nodad] */
static int add_address(int fd, int index, const char *cidr, char *why, size_t size)
{
	char text[INET6_ADDRSTRLEN + 8];
	snprintf(text, sizeof(text), "%s", cidr);
	char *slash = strchr(text, '/');
	unsigned char bytes[16];
	int six = strchr(text, ':') != NULL;
	if (!slash || inet_pton(six ? AF_INET6 : AF_INET, (*slash = '\0', text), bytes) != 1) {
		snprintf(why, size, "bad address '%s' (ADDRESS/LENGTH)", cidr);
		return -EINVAL;
	}
	int len = atoi(slash + 1);
	struct msg m;
	struct ifaddrmsg *a = header(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*a));
	a->ifa_family = six ? AF_INET6 : AF_INET;
	a->ifa_prefixlen = len;
	a->ifa_index = index;
	a->ifa_flags = six ? IFA_F_NODAD : 0;
	a->ifa_scope = 0;
	attr(&m, IFA_LOCAL, bytes, six ? 16 : 4);
	attr(&m, IFA_ADDRESS, bytes, six ? 16 : 4);
	int r = ask(fd, &m);
	if (r < 0)
		snprintf(why, size, "addr add %s: %s", cidr, strerror(-r));
	return r;
}

/* ip route add 224.0.0.0/4 dev INDEX */
static int add_multicast_route(int fd, int index)
{
	struct msg m;
	struct rtmsg *r = header(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*r));
	r->rtm_family = AF_INET;
	r->rtm_dst_len = 4;
	r->rtm_table = RT_TABLE_MAIN;
	r->rtm_protocol = RTPROT_BOOT;
	r->rtm_scope = RT_SCOPE_LINK;
	r->rtm_type = RTN_UNICAST;
	unsigned char dst[4] = { 224, 0, 0, 0 };
	attr(&m, RTA_DST, dst, 4);
	attr(&m, RTA_OIF, &index, sizeof(index));
	return ask(fd, &m);
}

static int route_socket(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

#define FAIL(...) (snprintf(why, size, __VA_ARGS__), -1)

/* The switch namespace's side: the bridge and one veth per namespace (its eth0 end put there). */
static int wire_switch(int n, char **specs, char *why, size_t size)
{
	int fd = route_socket(), r;
	if (fd < 0)
		return FAIL("netlink socket: %s", strerror(errno));
	if ((r = add_bridge(fd)) < 0 || (r = link_up(fd, index_of("br0"), 0)) < 0) {
		close(fd);
		return FAIL("bridge br0: %s", strerror(-r));
	}
	int bridge = index_of("br0");
	for (int i = 0; i < n; i++) {
		char path[300], port[16];
		snprintf(path, sizeof(path), "/run/netns/%.*s", (int)strcspn(specs[i], ","), specs[i]);
		snprintf(port, sizeof(port), "p%d", i);
		int ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0) {
			close(fd);
			return FAIL("%s: %s", path, strerror(errno));
		}
		r = add_veth(fd, port, ns);
		close(ns);
		if (r < 0 || (r = link_up(fd, index_of(port), bridge)) < 0) {
			close(fd);
			return FAIL("veth %s: %s", port, strerror(-r));
		}
	}
	close(fd);
	return 0;
}

/* One namespace's side: lo and eth0 up, the addresses, the multicast route. */
static int wire_namespace(char *v4, char *v6, char *why, size_t size)
{
	int fd = route_socket(), r;
	if (fd < 0)
		return FAIL("netlink socket: %s", strerror(errno));
	int eth0 = index_of("eth0");
	if ((r = link_up(fd, index_of("lo"), 0)) < 0)
		snprintf(why, size, "link set lo up: %s", strerror(-r));
	else if (eth0 < 0)
		snprintf(why, size, "eth0: %s", strerror(-(r = eth0)));
	else if ((r = add_address(fd, eth0, v4, why, size)) < 0 || (r = add_address(fd, eth0, v6, why, size)) < 0)
		;
	else if ((r = link_up(fd, eth0, 0)) < 0)
		snprintf(why, size, "link set eth0 up: %s", strerror(-r));
	else if ((r = add_multicast_route(fd, eth0)) < 0)
		snprintf(why, size, "route add 224.0.0.0/4 dev eth0: %s", strerror(-r));
	close(fd);
	return r < 0 ? -1 : 0;
}

/* Runs fn in namespace /run/netns/NAME and comes back to `home`; -1 with why set on failure. A failure
 * to come back ends the agent (everything after would run in the wrong namespace). */
static int in_netns(const char *name, int home, int (*fn)(void *), void *arg, char *why, size_t size)
{
	char path[300];
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
		int e = errno;
		if (ns >= 0)
			close(ns);
		return FAIL("no network namespace '%s': %s", name, strerror(e));
	}
	close(ns);
	int r = fn(arg);
	if (setns(home, CLONE_NEWNET) < 0) {
		fprintf(stderr, "probe agent: cannot return to the root network namespace: %s\n", strerror(errno));
		_exit(1);
	}
	return r;
}

struct switch_args {
	int n;
	char **specs;
	char *why;
	size_t size;
};

static int switch_side(void *p)
{
	struct switch_args *a = p;
	return wire_switch(a->n, a->specs, a->why, a->size);
}

struct ns_args {
	char *v4, *v6, *why;
	size_t size;
};

static int namespace_side(void *p)
{
	struct ns_args *a = p;
	return wire_namespace(a->v4, a->v6, a->why, a->size);
}

int agent_wire(const char *sw, int n, char **specs, char *why, size_t size)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return FAIL("/proc/self/ns/net: %s", strerror(errno));
	struct switch_args sa = { n, specs, why, size };
	int r = in_netns(sw, home, switch_side, &sa, why, size);
	for (int i = 0; r == 0 && i < n; i++) {
		char spec[512];
		snprintf(spec, sizeof(spec), "%s", specs[i]);
		char *name = strtok(spec, ","), *v4 = strtok(NULL, ","), *v6 = strtok(NULL, ",");
		if (!name || !v4 || !v6) {
			r = FAIL("bad namespace '%s' (NETNS,IPV4/LEN,IPV6/LEN)", specs[i]);
			break;
		}
		struct ns_args na = { v4, v6, why, size };
		char inner[400] = "";
		na.why = inner;
		na.size = sizeof(inner);
		r = in_netns(name, home, namespace_side, &na, why, size);
		if (r < 0 && inner[0])
			snprintf(why, size, "%s: %s", name, inner);
	}
	close(home);
	return r;
}

/* Writes VALUE to /proc/sys/KEY (dots as slashes) inside namespace NAME. */
struct sysctl_args {
	const char *key, *value;
	char *why;
	size_t size;
};

static int write_sysctl(void *p)
{
	struct sysctl_args *a = p;
	char path[300];
	snprintf(path, sizeof(path), "/proc/sys/%s", a->key);
	for (char *c = path + strlen("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	char line[600];
	int len = snprintf(line, sizeof(line), "%s\n", a->value);
	if (fd < 0 || write(fd, line, len) != len) {
		snprintf(a->why, a->size, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int agent_sysctl(const char *netns, const char *key, const char *value, char *why, size_t size)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return FAIL("/proc/self/ns/net: %s", strerror(errno));
	struct sysctl_args a = { key, value, why, size };
	int r = in_netns(netns, home, write_sysctl, &a, why, size);
	close(home);
	return r;
}
