/*
 * The agent's native requests (images/guest/PROTOCOL.md): kill, netns add|del|wire|sysctl, flush,
 * flush-pid and sockstat, done by the agent itself in arrival order, with no program started. For a
 * namespace's inside it enters the namespace and comes back (setns): a single-threaded process may.
 */
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* kill PID…: SIGKILL to each; status 1 (and a line each) when one of them could not be signalled. */
void agent_kill(const char *id, char **w, int n)
{
	if (n < 2)
		return refuse(id, "usage: kill PID… (SIGKILL to each)");
	for (int i = 1; i < n; i++)
		if (!number_ok(w[i]))
			return refuse(id, "kill: bad pid '%s' (a number; the signal is always SIGKILL)", w[i]);
	int failed = 0;
	for (int i = 1; i < n; i++)
		if (kill((pid_t)atol(w[i]), SIGKILL) < 0) {
			say("O %s kill: %s: %s", id, w[i], strerror(errno));
			failed = 1;
		}
	say("R %s %d", id, failed);
}

static const char NETNS_DIR[] = "/run/netns";

/* As ip does: /run/netns a shared mount, so that a namespace mounted there shows in every mount
 * namespace that came from this one. */
static int netns_dir_shared(const char *id)
{
	static int done;
	if (done)
		return 0;
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
		    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
			say("O %s netns: cannot make %s a shared mount: %s", id, NETNS_DIR, strerror(errno));
			return -1;
		}
	}
	done = 1;
	return 0;
}

/* A new network namespace mounted on /run/netns/NAME: the agent enters it, mounts it and goes back. */
static int netns_add(const char *id, const char *name, int home)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, name);
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0) {
		say("O %s netns add: cannot create namespace file \"%s\": %s", id, path, strerror(errno));
		return -1;
	}
	close(fd);
	const char *failed = NULL;
	int err = 0;
	if (unshare(CLONE_NEWNET) < 0)
		failed = "unshare", err = errno;
	else if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
		failed = "bind mount", err = errno;
	if (setns(home, CLONE_NEWNET) < 0) {
		/* The agent would now make every later namespace inside this one: better to end the guest. */
		say("O %s netns add: cannot return to the root network namespace: %s", id, strerror(errno));
		_exit(1);
	}
	if (failed) {
		umount2(path, MNT_DETACH);
		unlink(path);
		say("O %s netns add %s: %s: %s", id, name, failed, strerror(err));
		return -1;
	}
	return 0;
}

static int netns_del(const char *id, const char *name)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, name);
	umount2(path, MNT_DETACH);
	if (unlink(path) < 0) {
		say("O %s netns del: cannot remove namespace file \"%s\": %s", id, path, strerror(errno));
		return -1;
	}
	return 0;
}

static const char NETNS_USAGE[] = "usage: netns add|del NAME…, netns wire SWITCH NETNS,IPV4/LEN,IPV6/LEN…, "
				  "netns sysctl NETNS KEY VALUE";

/* netns wire SWITCH NETNS,IPV4/LEN,IPV6/LEN…: a lab's bridge, veths, addresses and route (agent_wire.c). */
static void wire(const char *id, char **w, int n)
{
	if (n < 4)
		return refuse(id, "%s", NETNS_USAGE);
	if (!name_ok(w[2]))
		return refuse(id, "netns: bad name '%s' (letters, digits, . _ -)", w[2]);
	for (int i = 3; i < n; i++) {
		char copy[512];
		snprintf(copy, sizeof(copy), "%s", w[i]);
		copy[strcspn(copy, ",")] = '\0';
		if (!name_ok(copy) || !strchr(w[i], ','))
			return refuse(id, "netns wire: bad namespace '%s' (NETNS,IPV4/LEN,IPV6/LEN)", w[i]);
	}
	char why[600];
	if (agent_wire(w[2], n - 3, w + 3, why, sizeof(why)) < 0)
		return refuse(id, "netns wire: %s", why);
	say("R %s 0", id);
}

/* netns sysctl NETNS KEY VALUE…: the value is the rest of the line, its words joined by one space. */
static void sysctl(const char *id, char **w, int n)
{
	if (n < 5)
		return refuse(id, "%s", NETNS_USAGE);
	if (!name_ok(w[2]))
		return refuse(id, "netns: bad name '%s' (letters, digits, . _ -)", w[2]);
	const char *key = w[3];
	if (strncmp(key, "net.", 4) || strstr(key, "..") || strchr(key, '/'))
		return refuse(id, "netns sysctl: bad key '%s' (net.…)", key);
	char value[512] = "";
	for (int i = 4; i < n; i++)
		snprintf(value + strlen(value), sizeof(value) - strlen(value), "%s%s", i > 4 ? " " : "", w[i]);
	char why[600];
	if (agent_sysctl(w[2], key, value, why, sizeof(why)) < 0)
		return refuse(id, "netns sysctl: %s", why);
	say("R %s 0", id);
}

/* netns add|del NAME…: every name is tried; status 1 when one failed. */
void agent_netns(const char *id, char **w, int n)
{
	if (n >= 2 && !strcmp(w[1], "wire"))
		return wire(id, w, n);
	if (n >= 2 && !strcmp(w[1], "sysctl"))
		return sysctl(id, w, n);
	int add = n >= 2 && !strcmp(w[1], "add"), del = n >= 2 && !strcmp(w[1], "del");
	if (n < 3 || (!add && !del))
		return refuse(id, "%s", NETNS_USAGE);
	for (int i = 2; i < n; i++)
		if (!name_ok(w[i]))
			return refuse(id, "netns: bad name '%s' (letters, digits, . _ -)", w[i]);
	int home = -1;
	if (add && (netns_dir_shared(id) < 0 || (home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)) {
		if (home < 0)
			say("O %s netns add: /proc/self/ns/net: %s", id, strerror(errno));
		say("R %s 1", id);
		return;
	}
	int failed = 0;
	for (int i = 2; i < n; i++)
		failed |= (add ? netns_add(id, w[i], home) : netns_del(id, w[i])) < 0;
	if (home >= 0)
		close(home);
	say("R %s %d", id, failed);
}

/* Refuses the request (its name in w[0]) unless it names a pid or more: usage, or the first bad pid. */
static int pids_ok(const char *id, char **w, int n)
{
	if (n < 2) {
		refuse(id, "usage: %s PID…", w[0]);
		return 0;
	}
	for (int i = 1; i < n; i++)
		if (!number_ok(w[i])) {
			refuse(id, "%s: bad pid '%s' (a number)", w[0], w[i]);
			return 0;
		}
	return 1;
}

/* Flushes (agent_flush_here) the network namespace at DIR/WORD SUFFIX for each word, going back to the
 * agent's own after each; status 1 when one could not be entered or flushed. */
static void flush_paths(const char *id, char **w, int n, const char *dir, const char *suffix)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return refuse(id, "%s: /proc/self/ns/net: %s", w[0], strerror(errno));
	int failed = 0;
	for (int i = 1; i < n; i++) {
		char path[300], err[300];
		snprintf(path, sizeof(path), "%s/%s%s", dir, w[i], suffix);
		int ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
			say("O %s %s: no network namespace '%s': %s", id, w[0], w[i], strerror(errno));
			failed = 1;
		} else if (agent_flush_here(err, sizeof(err)) < 0) {
			say("O %s %s %s: %s", id, w[0], w[i], err);
			failed = 1;
		}
		if (ns >= 0)
			close(ns);
		if (setns(home, CLONE_NEWNET) < 0) {
			say("O %s %s: cannot return to the agent's network namespace: %s", id, w[0], strerror(errno));
			_exit(1);
		}
	}
	close(home);
	say("R %s %d", id, failed);
}

/* flush NETNS…: in each namespace under /run/netns, what `ss -K state connected`, `ip tcp_metrics
 * flush all` and `ip neigh flush all` do. */
void agent_flush(const char *id, char **w, int n)
{
	if (n < 2)
		return refuse(id, "usage: flush NETNS…");
	for (int i = 1; i < n; i++)
		if (!name_ok(w[i]))
			return refuse(id, "flush: bad name '%s' (letters, digits, . _ -)", w[i]);
	flush_paths(id, w, n, NETNS_DIR, "");
}

/* flush-pid PID…: the same, in the network namespace of each process (a docker holder's). */
void agent_flush_pid(const char *id, char **w, int n)
{
	if (pids_ok(id, w, n))
		flush_paths(id, w, n, "/proc", "/ns/net");
}

/* sockstat PID…: /proc/PID/net/sockstat and sockstat6 (the counts of PID's network namespace), each
 * line as "O <id> <PID> <line>". */
void agent_sockstat(const char *id, char **w, int n)
{
	if (!pids_ok(id, w, n))
		return;
	for (int i = 1; i < n; i++)
		for (int six = 0; six < 2; six++) {
			char path[64], buf[4096];
			snprintf(path, sizeof(path), "/proc/%s/net/sockstat%s", w[i], six ? "6" : "");
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t got = 0;
			for (ssize_t r; fd >= 0 && got < (ssize_t)sizeof(buf) - 1 &&
					(r = read(fd, buf + got, sizeof(buf) - 1 - got)) != 0;) {
				if (r < 0) {
					if (errno == EINTR)
						continue;
					got = -1;
					break;
				}
				got += r;
			}
			int e = errno;
			if (fd >= 0)
				close(fd);
			if (fd < 0 || got < 0)
				return refuse(id, "sockstat: %s: %s", path, strerror(e));
			buf[got] = '\0';
			for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
				say("O %s %s %s", id, w[i], line);
		}
	say("R %s 0", id);
}

