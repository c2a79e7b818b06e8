/* The actor's process: hello, sleep, setuid, pin-cpu, sysctl, crash (a real SIGKILL), exit, recycle. */
#include "commands.h"
#include "sockets.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL_VERSION 2

/* Its capability sets as the kernel shows them in /proc/self/status: "held" is the effective,
 * permitted and inheritable sets as one mask, "bounding" what an exec could ever give it; -1 each
 * where it cannot be read. */
static void capability_sets(long long *held, long long *bounding)
{
	*held = *bounding = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return;
	char line[256];
	int seen = 0;
	long long sets = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char name[16];
		if (sscanf(line, "Cap%15[A-Za-z]:%llx", name, &v) != 2)
			continue;
		if (!strcmp(name, "Inh") || !strcmp(name, "Prm") || !strcmp(name, "Eff")) {
			sets |= (long long)v;
			seen++;
		} else if (!strcmp(name, "Bnd")) {
			*bounding = (long long)v;
		}
	}
	fclose(f);
	if (seen == 3)
		*held = sets;
}

static void cmd_hello(const struct args *a, struct reply *r)
{
	(void)a;
	reply_result(r, 0, 0);
	reply_int(r, "version", PROTOCOL_VERSION);
	reply_int(r, "pid", getpid());
	reply_int(r, "uid", getuid());
	reply_int(r, "euid", geteuid());
	reply_int(r, "gid", getgid());
	long long held, bounding;
	capability_sets(&held, &bounding);
	reply_int(r, "caps", held);
	reply_int(r, "bounding", bounding);
	struct utsname u;
	if (uname(&u) == 0)
		reply_str(r, "release", u.release);
}

static void cmd_sleep(const struct args *a, struct reply *r)
{
	long ms;
	if (parse_long(a->argv[1], 0, 600000, &ms))
		FAIL(r, "bad duration '%s' (milliseconds, up to 600000)", a->argv[1]);
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	reply_result(r, 0, 0);
}

/* Sockets keep the uid they were created with: this changes the process, not them. */
static void cmd_setuid(const struct args *a, struct reply *r)
{
	long uid;
	if (parse_long(a->argv[1], 0, 2147483647L, &uid))
		FAIL(r, "bad uid '%s'", a->argv[1]);
	int ret = setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid);
	reply_result(r, ret, errno);
	reply_int(r, "uid", getuid());
}

/* Runs the process on one CPU only. What it sends over loopback or a veth is then received on that
 * CPU too (netif_rx queues to the sender's CPU), which is what SO_INCOMING_CPU is matched against. */
static void cmd_pin_cpu(const struct args *a, struct reply *r)
{
	long cpu;
	if (parse_long(a->argv[1], 0, CPU_SETSIZE - 1, &cpu))
		FAIL(r, "bad cpu '%s' (0 to %d)", a->argv[1], CPU_SETSIZE - 1);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	int ret = sched_setaffinity(0, sizeof(set), &set);
	reply_result(r, ret, errno);
	reply_int(r, "cpu", sched_getcpu());
}

/* Reads a sysctl of this network namespace: "sysctl net.ipv4.tcp_fin_timeout". */
static void cmd_sysctl(const struct args *a, struct reply *r)
{
	char path[256];
	const char *name = a->argv[1];
	if (strlen(name) > 200 || strstr(name, "..") || strchr(name, '/'))
		FAIL(r, "bad sysctl name '%s' (dotted, like net.ipv4.tcp_fin_timeout)", name);
	int n = snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (char *p = path + 10; p < path + n; p++)
		if (*p == '.') *p = '/';
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		reply_result(r, -1, errno);
		return;
	}
	char value[256];
	ssize_t got = read(fd, value, sizeof(value) - 1);
	int err = errno;
	close(fd);
	if (got < 0) {
		reply_result(r, -1, err);
		return;
	}
	while (got > 0 && (value[got - 1] == '\n' || value[got - 1] == ' '))
		got--;
	value[got] = '\0';
	long v;
	reply_result(r, parse_long(value, 0, 2147483647L, &v) == 0 ? v : 0, 0);
	reply_str(r, "value", value);
}

/* No reply: the process dies as kill -9 would kill it, with every socket it holds. */
static void cmd_crash(const struct args *a, struct reply *r)
{
	(void)a;
	(void)r;
	kill(getpid(), SIGKILL);
	_exit(137); /* not reached */
}

static void cmd_exit(const struct args *a, struct reply *r)
{
	long code = 0;
	if (a->argc == 2 && parse_long(a->argv[1], 0, 255, &code))
		FAIL(r, "bad exit code '%s'", a->argv[1]);
	reply_result(r, 0, 0);
	reply_end(r);
	exit((int)code);
}

/* The worker ends, closing every socket it holds, and the container's init forks a new one: cpu and
 * sockets as at the container's start, the uid this one's or UID (only `probe init-as` starts another
 * uid's). Replies first; the new worker numbers lines from 1 again.
 * Its TCP connections are reset, not closed: the run is over, and a connection closed the usual way
 * leaves a socket in TIME_WAIT (or FIN_WAIT) that no process holds, which makes the namespace one that
 * is not used again where the kernel cannot destroy such sockets (5.10 in a guest, the netns backend). */
static void cmd_recycle(const struct args *a, struct reply *r)
{
	if (!probe_under_init)
		FAIL(r, "recycle: only the worker of a container's init (the probe as pid 1) can be recycled");
	long uid = (long)getuid();
	if (a->argc == 2 && parse_long(a->argv[1], 0, 65535, &uid))
		FAIL(r, "bad uid '%s' (0 to 65535)", a->argv[1]);
	if (uid != (long)getuid() && !probe_init_any_uid)
		FAIL(r, "recycle: this init starts workers as uid %u only (`probe init-as` starts any uid's)",
		     (unsigned)getuid());
	int next = (int)uid;
	if (write(probe_recycle_fd, &next, sizeof(next)) != (ssize_t)sizeof(next)) {
		reply_result(r, -1, errno);
		return;
	}
	sockets_reset_all();
	reply_result(r, 0, 0);
	reply_end(r);
	exit(0);
}

const struct command process_commands[] = {
	{ "hello", 0, 0, "hello", cmd_hello },
	{ "sleep", 1, 1, "sleep MILLISECONDS", cmd_sleep },
	{ "setuid", 1, 1, "setuid UID", cmd_setuid },
	{ "pin-cpu", 1, 1, "pin-cpu CPU", cmd_pin_cpu },
	{ "sysctl", 1, 1, "sysctl NAME", cmd_sysctl },
	{ "crash", 0, 0, "crash", cmd_crash },
	{ "exit", 0, 1, "exit [CODE]", cmd_exit },
	{ "recycle", 0, 1, "recycle [UID]", cmd_recycle },
	{ NULL, 0, 0, NULL, NULL },
};
