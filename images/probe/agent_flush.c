/*
 * What `ss -K state connected`, `ip -n NS tcp_metrics flush all` and `ip -n NS neigh flush all` do, by
 * sock_diag, generic netlink and rtnetlink from the agent itself (agent.c's `flush` request): the TCP
 * sockets the kernel kept after their owners closed them (TIME_WAIT, FIN_WAIT, LAST_ACK…) destroyed
 * where the kernel can, the TCP metrics cache emptied, and every neighbour entry that is not permanent
 * or noarp deleted. The sockets are made inside the namespace (a netlink socket belongs to its maker's
 * namespace); the caller goes back to its own.
 */
#include "agent.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/inet_diag.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp_metrics.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 32768

static unsigned seq;

/* Sends one request and reads until its ACK (or the end of a dump, each message to `each`). 0, or a
 * negative errno. */
static int talk(int fd, struct nlmsghdr *req, int (*each)(int fd, struct nlmsghdr *, void *), void *ctx)
{
	req->nlmsg_seq = ++seq;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	static char buf[BUF];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error;
			}
			if (each) {
				int r = each(fd, h, ctx);
				if (r < 0)
					return r;
			}
		}
	}
}

/* --- neighbours ---------------------------------------------------------------------------------- */

struct doomed {
	char msgs[BUF * 4];
	size_t used;
	int count;
};

/* ip's default for a flush: every state but permanent and noarp, and entries with no state. */
static int keep(const struct ndmsg *n)
{
	return n->ndm_state && !(n->ndm_state & ~(NUD_PERMANENT | NUD_NOARP));
}

static int collect(int fd, struct nlmsghdr *h, void *ctx)
{
	(void)fd;
	struct doomed *d = ctx;
	if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg)))
		return 0;
	struct ndmsg *n = NLMSG_DATA(h);
	if (keep(n) || (n->ndm_flags & NTF_PROXY))
		return 0;
	if (d->used + NLMSG_ALIGN(h->nlmsg_len) > sizeof(d->msgs))
		return 0; /* the next round takes it */
	memcpy(d->msgs + d->used, h, h->nlmsg_len);
	d->used += NLMSG_ALIGN(h->nlmsg_len);
	d->count++;
	return 0;
}

static int neigh_flush(int fd)
{
	static struct doomed d;
	/* As ip does: rounds of dump and delete until a dump finds nothing to delete. */
	for (int round = 0; round < 10; round++) {
		struct {
			struct nlmsghdr h;
			struct ndmsg n;
		} dump = { { NLMSG_LENGTH(sizeof(struct ndmsg)), RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, 0, 0 },
			   { .ndm_family = AF_UNSPEC } };
		d.used = 0;
		d.count = 0;
		int r = talk(fd, &dump.h, collect, &d);
		if (r < 0)
			return r;
		if (!d.count)
			return 0;
		for (size_t at = 0; at < d.used;) {
			struct nlmsghdr *h = (struct nlmsghdr *)(d.msgs + at);
			at += NLMSG_ALIGN(h->nlmsg_len);
			h->nlmsg_type = RTM_DELNEIGH;
			h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			r = talk(fd, h, NULL, NULL);
			if (r < 0 && r != -ENOENT) /* gone meanwhile: fine */
				return r;
		}
	}
	return -EBUSY;
}

/* --- TCP metrics --------------------------------------------------------------------------------- */

struct family {
	int id;
};

static int family_id(int fd, struct nlmsghdr *h, void *ctx)
{
	(void)fd;
	struct family *f = ctx;
	struct genlmsghdr *g = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN); len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			f->id = *(unsigned short *)((char *)a + NLA_HDRLEN);
	return 0;
}

static int tcp_metrics_flush(int fd)
{
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		struct nlattr a;
		char name[NLA_ALIGN(sizeof(TCP_METRICS_GENL_NAME))];
	} get = { { 0, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 0, 0 },
		  { CTRL_CMD_GETFAMILY, 1, 0 },
		  { NLA_HDRLEN + sizeof(TCP_METRICS_GENL_NAME), CTRL_ATTR_FAMILY_NAME },
		  TCP_METRICS_GENL_NAME };
	get.h.nlmsg_len = sizeof(get);
	struct family f = { -1 };
	int r = talk(fd, &get.h, family_id, &f);
	if (r < 0)
		return r;
	if (f.id < 0)
		return -ENOENT;
	/* TCP_METRICS_CMD_DEL without an address: every entry, both families. */
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
	} del = { { sizeof(del), (unsigned short)f.id, NLM_F_REQUEST | NLM_F_ACK, 0, 0 },
		  { TCP_METRICS_CMD_DEL, TCP_METRICS_GENL_VERSION, 0 } };
	return talk(fd, &del.h, NULL, NULL);
}

/* --- TCP sockets no process holds ---------------------------------------------------------------- */

/* ss's "connected": every state but LISTEN and CLOSE. A listener belongs to a live process. */
#define CONNECTED (~((1u << TCP_CLOSE) | (1u << TCP_LISTEN)) & 0xfffu)

/* A sock_diag request: a dump of the sockets in some states, or SOCK_DESTROY of one. */
struct diag_req {
	struct nlmsghdr h;
	struct inet_diag_req_v2 r;
};

struct found {
	struct inet_diag_req_v2 socks[256]; /* each one's family and id, as its SOCK_DESTROY names it */
	int count;
};

static int found_one(int fd, struct nlmsghdr *h, void *ctx)
{
	(void)fd;
	struct found *f = ctx;
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
		return 0;
	if (f->count == (int)(sizeof(f->socks) / sizeof(f->socks[0])))
		return 0; /* the next round takes it */
	struct inet_diag_msg *m = NLMSG_DATA(h);
	f->socks[f->count++] = (struct inet_diag_req_v2){ .sdiag_family = m->idiag_family,
							  .sdiag_protocol = IPPROTO_TCP,
							  .idiag_states = ~0u,
							  .id = m->id };
	return 0;
}

/*
 * SOCK_DESTROY on each TCP socket of the namespace that no process holds, as `ss -K` does (the kernel's
 * tcp_abort). Best effort: a kernel without inet_diag, or one whose tcp_abort cannot drop TIME_WAIT
 * (older kernels), leaves them, and the pool's count of the namespace's sockets then says it is not empty
 * (lab/backend/netns/netns-pool.ts): that count decides, never this.
 */
static void tcp_destroy(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return;
	static struct found f;
	for (int round = 0; round < 10; round++) {
		f.count = 0;
		for (int fam = 0; fam < 2; fam++) {
			struct diag_req dump = { { sizeof(dump), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 0, 0 },
						 { .sdiag_family = fam ? AF_INET6 : AF_INET,
						   .sdiag_protocol = IPPROTO_TCP,
						   .idiag_states = CONNECTED } };
			if (talk(fd, &dump.h, found_one, &f) < 0)
				goto done; /* no inet_diag in this kernel: nothing to destroy with */
		}
		if (!f.count)
			break;
		int destroyed = 0;
		for (int i = 0; i < f.count; i++) {
			struct diag_req kill = { { sizeof(kill), SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, 0, 0 }, f.socks[i] };
			destroyed += talk(fd, &kill.h, NULL, NULL) == 0;
		}
		if (!destroyed)
			break; /* what is left, this kernel cannot destroy */
	}
done:
	close(fd);
}

int agent_flush_here(char *err, size_t size)
{
	tcp_destroy();
	int route = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int generic = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int r = route < 0 || generic < 0 ? -errno : 0;
	const char *what = "netlink socket";
	if (!r && (r = tcp_metrics_flush(generic)) < 0)
		what = "tcp_metrics flush";
	if (!r && (r = neigh_flush(route)) < 0)
		what = "neigh flush";
	if (route >= 0)
		close(route);
	if (generic >= 0)
		close(generic);
	if (r < 0)
		snprintf(err, size, "%s: %s", what, strerror(-r));
	return r < 0 ? -1 : 0;
}
