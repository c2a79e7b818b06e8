/*
 * `probe agent`: the guest agent (images/guest/PROTOCOL.md). /init runs it with stdin and stdout on the
 * control port. It reads one request per line, "<id> <command line>", and answers with lines of its own
 * (O, S, R, X, E), each written with one write() so that lines of concurrent requests never mix.
 *
 * Requests are served concurrently: an ordinary command line goes to a child that runs bash on it and
 * relays its output, a spawn to a child that opens the port and starts the probe; the loop reads on.
 * Native requests (kill, netns add/del, flush, sockstat) need no program start at all: under software
 * emulation every fork of bash costs a guest ~200 ms, and a run used to make a dozen.
 */
#include "agent.h"
#include "enter.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A longer line of output is cut: the host's lines stay short, and one write() carries one line. */
#define MAX_OUTPUT 3500
#define MAX_REQUEST 65536
#define MAX_WORDS 64

extern char **environ;

static int ctl = -1; /* the control port, for writing */

/* One protocol line, in one write(). */
static void say(const char *fmt, ...)
{
	char line[MAX_OUTPUT + 64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	for (ssize_t w; n > 0 && (w = write(ctl, line, n)) != n;)
		if (w >= 0 || errno != EINTR)
			return;
}

static void output(const char *id, const char *text)
{
	say("O %s %.*s", id, MAX_OUTPUT, text);
}

/* A request that could not be carried out. */
static void refuse(const char *id, const char *fmt, ...)
{
	char msg[MAX_OUTPUT + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	output(id, msg);
	say("R %s 1", id);
}

/* What a child of the agent does first: default signals, as bash gave them before. */
static void child_signals(void)
{
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

static int exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

static int number_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* --- an ordinary command line: bash -c in a child, its output relayed ---------------------------- */

static void relay_line(const char *id, char *line, size_t len)
{
	line[len] = '\0';
	output(id, line);
}

static void run_child(const char *id, const char *command)
{
	child_signals();
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0) {
		refuse(id, "run: pipe: %s", strerror(errno));
		_exit(0);
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	char *const argv[] = { "bash", "-c", (char *)command, NULL };
	pid_t pid;
	int err = posix_spawn(&pid, "/bin/bash", &fa, NULL, argv, environ);
	close(out[1]);
	if (err) {
		refuse(id, "run: /bin/bash: %s", strerror(err));
		_exit(0);
	}
	/* Lines as bash's `read` gave them: a last line without its newline counts; a long one is cut. */
	char line[MAX_OUTPUT + 1], buf[4096];
	size_t len = 0;
	int any = 0;
	for (ssize_t n; (n = read(out[0], buf, sizeof(buf))) != 0;) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				relay_line(id, line, len);
				len = 0;
				any = 0;
			} else {
				if (len < MAX_OUTPUT)
					line[len++] = buf[i];
				any = 1;
			}
		}
	}
	if (any)
		relay_line(id, line, len);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = 255 << 8;
			break;
		}
	say("R %s %d", id, exit_status(status));
	_exit(0);
}

static void run(const char *id, const char *command)
{
	pid_t pid = fork();
	if (pid == 0)
		run_child(id, command);
	if (pid < 0)
		refuse(id, "run: fork: %s", strerror(errno));
}

/* --- spawn: a probe on a virtio port ------------------------------------------------------------- */

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
static void spawn(const char *id, char **w, int n)
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

/* --- native requests: no program started ---------------------------------------------------------- */

/* kill PID…: SIGKILL to each; status 1 (and a line each) when one of them could not be signalled. */
static void kill_pids(const char *id, char **w, int n)
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
static void netns(const char *id, char **w, int n)
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

/* flush NETNS…: in each namespace, what `ip tcp_metrics flush all` and `ip neigh flush all` do. */
static void flush(const char *id, char **w, int n)
{
	if (n < 2)
		return refuse(id, "usage: flush NETNS…");
	for (int i = 1; i < n; i++)
		if (!name_ok(w[i]))
			return refuse(id, "flush: bad name '%s' (letters, digits, . _ -)", w[i]);
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return refuse(id, "flush: /proc/self/ns/net: %s", strerror(errno));
	int failed = 0;
	for (int i = 1; i < n; i++) {
		char path[300], err[300];
		snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, w[i]);
		int ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
			say("O %s flush: no network namespace '%s': %s", id, w[i], strerror(errno));
			failed = 1;
		} else if (agent_flush_here(err, sizeof(err)) < 0) {
			say("O %s flush %s: %s", id, w[i], err);
			failed = 1;
		}
		if (ns >= 0)
			close(ns);
		if (setns(home, CLONE_NEWNET) < 0) {
			say("O %s flush: cannot return to the root network namespace: %s", id, strerror(errno));
			_exit(1);
		}
	}
	close(home);
	say("R %s %d", id, failed);
}

/* sockstat PID…: /proc/PID/net/sockstat and sockstat6 (the counts of PID's network namespace), each
 * line as "O <id> <PID> <line>". */
static void sockstat(const char *id, char **w, int n)
{
	if (n < 2)
		return refuse(id, "usage: sockstat PID…");
	for (int i = 1; i < n; i++)
		if (!number_ok(w[i]))
			return refuse(id, "sockstat: bad pid '%s' (a number)", w[i]);
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

/* --- the loop ------------------------------------------------------------------------------------- */

static void request(char *line)
{
	size_t len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (!len)
		return;
	/* ^([0-9]+)( (.*))?$ */
	size_t digits = strspn(line, "0123456789");
	if (!digits || (line[digits] && line[digits] != ' ')) {
		say("E not '<id> <command line>': %.*s", MAX_OUTPUT, line);
		return;
	}
	char *command = line[digits] ? line + digits + 1 : line + digits;
	line[digits] = '\0';
	const char *id = line;
	char copy[MAX_REQUEST], *w[MAX_WORDS];
	snprintf(copy, sizeof(copy), "%s", command);
	int n = 0;
	for (char *word = strtok(copy, " \t"); word && n < MAX_WORDS; word = strtok(NULL, " \t"))
		w[n++] = word;
	if (n && !strcmp(w[0], "spawn"))
		spawn(id, w, n);
	else if (n && !strcmp(w[0], "kill"))
		kill_pids(id, w, n);
	else if (n && !strcmp(w[0], "netns"))
		netns(id, w, n);
	else if (n && !strcmp(w[0], "flush"))
		flush(id, w, n);
	else if (n && !strcmp(w[0], "sockstat"))
		sockstat(id, w, n);
	else
		run(id, command);
}

int agent_main(int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		fprintf(stderr, "usage: probe agent   (stdin and stdout on the guest's control port)\n");
		return 2;
	}
	/* The control port, kept out of every program the agent starts; 0 and 1 become /dev/null. */
	int in = fcntl(0, F_DUPFD_CLOEXEC, 10);
	ctl = fcntl(1, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDWR);
	if (in < 0 || ctl < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) {
		perror("probe agent");
		return 1;
	}
	if (null > 1)
		close(null);
	/* Children are reaped by the kernel; each child of the agent sets SIGCHLD back first. */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	char release[256] = "";
	int fd = open("/proc/sys/kernel/osrelease", O_RDONLY | O_CLOEXEC);
	ssize_t r = fd >= 0 ? read(fd, release, sizeof(release) - 1) : -1;
	if (fd >= 0)
		close(fd);
	release[r > 0 ? r : 0] = '\0';
	release[strcspn(release, "\n")] = '\0';
	say("READY %s", release);

	/* EOF on the control port means the host closed it: the agent ends and /init powers the guest off. */
	static char buf[MAX_REQUEST];
	size_t have = 0;
	int skipping = 0; /* the rest of a request too long to take */
	for (;;) {
		ssize_t n = read(in, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', buf + have - start))) {
			*nl = '\0';
			if (!skipping)
				request(start);
			skipping = 0;
			start = nl + 1;
		}
		have -= start - buf;
		memmove(buf, start, have);
		if (have == sizeof(buf) - 1) { /* a line longer than any request: refused whole */
			buf[have] = '\0';
			if (!skipping)
				say("E not '<id> <command line>': a request longer than %d bytes", MAX_REQUEST - 2);
			skipping = 1;
			have = 0;
		}
	}
	if (have && !skipping) {
		buf[have] = '\0';
		request(buf);
	}
	return 0;
}
