/*
 * The agent's `spawn <port-name> <netns> <uid> <caps> [init]` (images/guest/PROTOCOL.md): the
 * arguments checked in the agent, then a watcher process opens the port, starts the probe on it (the
 * enter code in-process, then one exec of the probe), says S and R, and X when the probe ends.
 */
#include "agent.h"
#include "enter.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The /dev node of the virtio port named `name` (e.g. reuselab.p0 -> /dev/vport0p2); 0 if found. */
static int port_dev(const char *name, char *dev, size_t size)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	if (!d)
		return -1;
	int found = -1;
	for (struct dirent *e; found < 0 && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], got[256];
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, got, sizeof(got) - 1);
		close(fd);
		if (n <= 0)
			continue;
		got[n] = '\0';
		got[strcspn(got, "\n")] = '\0';
		if (!strcmp(got, name)) {
			snprintf(dev, size, "/dev/%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* The watcher: opens the port, starts the probe on it, says S and R, waits for it and says X. The port
 * is open before the host is told to use it, because virtio_console drops what the host sends to a port
 * nobody in the guest has open. */
static void watch_probe(const char *id, char **w, const char *dev)
{
	child_signals();
	const char *port = w[1], *netns = w[2], *uid = w[3], *caps = w[4], *init = w[5];
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		refuse(id, "spawn: %s (%s): %s", port, dev, strerror(errno));
		_exit(0);
	}
	/* While the host is not connected to the port's socket (or QEMU's news of it is still on its way),
	 * virtio_console makes the port look readable and a read returns EOF: a probe started now would end
	 * at once. Wait up to 2 s for the host instead. */
	for (int tries = 0;; tries++) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 0) == 0)
			break;
		if (tries == 40) {
			refuse(id, "spawn: %s (%s): the host is not connected to this port's socket", port, dev);
			_exit(0);
		}
		sleep_ms(50);
	}
	char err[300];
	snprintf(err, sizeof(err), "/tmp/%s.err", port);
	pid_t pid = fork();
	if (pid == 0) {
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || (e >= 0 && dup2(e, 2) < 0))
			_exit(127);
		/* The probe enters the namespace and the credentials itself, then execs itself (enter.c). */
		char ns[300], caps_copy[1024];
		snprintf(ns, sizeof(ns), "/run/netns/%s", netns);
		snprintf(caps_copy, sizeof(caps_copy), "%s", caps);
		char *args[] = { ns, (char *)uid, caps_copy, "no-new-privs", (char *)init, NULL };
		_exit(enter_main(init ? 5 : 4, args));
	}
	close(fd);
	if (pid < 0) {
		refuse(id, "spawn: %s (%s): fork: %s", port, dev, strerror(errno));
		_exit(0);
	}
	say("S %s %d", id, (int)pid);
	say("R %s 0", id);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(0);
	say("X %s %d", port, exit_status(status));
	_exit(0);
}

/* spawn <port-name> <netns> <uid> <caps> [init]: w[0] is "spawn". */
void agent_spawn(const char *id, char **w, int n)
{
	if (n != 5 && n != 6)
		return refuse(id, "usage: spawn <port-name> <netns> <uid> <caps> [init]");
	const char *port = w[1], *netns = w[2], *uid = w[3], *caps = w[4], *init = n == 6 ? w[5] : NULL;
	if (!name_ok(port))
		return refuse(id, "spawn: bad port name '%s'", port);
	char path[300];
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	if (!name_ok(netns) || access(path, F_OK) < 0)
		return refuse(id, "spawn: no network namespace '%s' (create it first: ip netns add %s)", netns, netns);
	if (!number_ok(uid))
		return refuse(id, "spawn: bad uid '%s' (a number)", uid);
	if (init && strcmp(init, "init"))
		return refuse(id, "spawn: unknown option '%s' (init, or nothing)", init);
	/* ^[a-z_]+(,[a-z_]+)*$ or - */
	int good = strcmp(caps, "-") == 0;
	if (!good) {
		good = 1;
		for (const char *c = caps, *start = caps;; c++) {
			if (*c == ',' || !*c) {
				if (c == start)
					good = 0;
				start = c + 1;
				if (!*c)
					break;
			} else if (!islower((unsigned char)*c) && *c != '_') {
				good = 0;
			}
		}
	}
	if (!good)
		return refuse(id, "spawn: bad capability list '%s' (like net_admin,setuid, or - for none)", caps);
	char dev[300];
	if (port_dev(port, dev, sizeof(dev)) < 0)
		return refuse(id, "spawn: no virtio port named '%s'", port);
	if (strcmp(caps, "-")) {
		char copy[1024];
		snprintf(copy, sizeof(copy), "%s", caps);
		for (char *cap = strtok(copy, ","); cap; cap = strtok(NULL, ","))
			/* Checked here rather than left to the probe, which would fail after S as a probe that exits at once. */
			if (enter_cap_number(cap) < 0)
				return refuse(id, "spawn: unknown capability '%s'", strncmp(cap, "cap_", 4) ? cap : cap + 4);
	}
	pid_t pid = fork();
	if (pid == 0) {
		w[5] = (char *)init;
		watch_probe(id, w, dev);
	}
	if (pid < 0)
		refuse(id, "spawn: fork: %s", strerror(errno));
}

