/*
 * Stand-ins for the libc calls through which the probe could stall, end, or change the fuzzer's
 * process. fuzz.sh renames the probe's own references to them (redirect.syms, objcopy), so only the
 * probe's calls land here: libFuzzer and the sanitizers keep the real ones.
 *
 *   clock_gettime      the monotonic clock runs FUZZ_CLOCK_WARP times faster, plus any time skipped:
 *   poll, nanosleep    never wait: poll looks (timeout 0) and, if nothing is ready, skips its timeout
 *                      on that clock; nanosleep skips its whole duration. Deadlines still expire.
 *   kill               crash's SIGKILL to itself ends the input, as it ends the process; any other
 *                      signal to anyone aborts (the probe sends none).
 *   exit, _exit        end the input (exit's reply is already written).
 *   setresuid          fails with EPERM, without a call: the fuzzer keeps its uid.
 *   sched_setaffinity  real; the harness puts the affinity back after the input.
 *   socket, accept     real, at most FUZZ_SOCKETS_PER_INPUT per input (then EMFILE); every fd is
 *   open               remembered, and must be closed once the probe's sockets are.
 *   fopen              real, for reading only (tcpstates, udp-counters read /proc/net).
 *   write              to stdout: checked as one reply (reply_check.c) and dropped; else real.
 *   fork, waitpid, pause, signal, sigaction, setns, setresgid, setgroups, prctl, fexecve, mount,
 *   umount2, unshare, posix_spawn
 *                      only main()'s other modes (enter, agent) use them: reaching one from a line aborts.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TRACKED_MAX 8192

/* Microseconds: the probe reads its clock to the µs at most, and a long run skips a lot of time. */
static long long origin_us = -1, skipped_us;
static int sockets_made, n_tracked, affinity_changed;
static int tracked[TRACKED_MAX];
static cpu_set_t initial_affinity;

static long long real_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void track(int fd)
{
	if (fd >= 0 && n_tracked < TRACKED_MAX)
		tracked[n_tracked++] = fd;
}

void stand_ins_begin_input(void)
{
	if (origin_us < 0) {
		origin_us = real_us();
		sched_getaffinity(0, sizeof(initial_affinity), &initial_affinity);
	}
	sockets_made = 0;
	n_tracked = 0;
}

void stand_ins_end_input(void)
{
	for (int i = 0; i < n_tracked; i++) {
		if (fcntl(tracked[i], F_GETFD) != -1) {
			fprintf(stderr, "harness: fd %d, opened by this input, is still open after the probe closed every socket\n",
				tracked[i]);
			abort();
		}
	}
	if (affinity_changed && sched_setaffinity(0, sizeof(initial_affinity), &initial_affinity) == 0)
		affinity_changed = 0;
}

int fuzz_clock_gettime(clockid_t id, struct timespec *ts)
{
	if (id != CLOCK_MONOTONIC)
		return clock_gettime(id, ts);
	long long v = origin_us + (real_us() - origin_us) * FUZZ_CLOCK_WARP + skipped_us;
	ts->tv_sec = v / 1000000;
	ts->tv_nsec = v % 1000000 * 1000;
	return 0;
}

int fuzz_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int ready = poll(fds, n, 0);
	if (ready == 0 && timeout < 0) {
		fprintf(stderr, "harness: poll() with no timeout and nothing ready: the probe would wait forever\n");
		abort();
	}
	if (ready == 0)
		skipped_us += timeout * 1000LL;
	return ready;
}

int fuzz_nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)rem;
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L) {
		errno = EINVAL;
		return -1;
	}
	skipped_us += req->tv_sec * 1000000LL + (req->tv_nsec + 999) / 1000;
	return 0;
}

int fuzz_kill(pid_t pid, int sig)
{
	if (pid == getpid() && sig == SIGKILL)
		longjmp(fuzz_input_ended, 1);
	fprintf(stderr, "harness: the probe sent signal %d to pid %d (it only ever kills itself)\n", sig, (int)pid);
	abort();
}

_Noreturn void fuzz_exit(int code)
{
	(void)code;
	longjmp(fuzz_input_ended, 2);
}

_Noreturn void fuzz__exit(int code)
{
	(void)code;
	longjmp(fuzz_input_ended, 3);
}

int fuzz_setresuid(uid_t r, uid_t e, uid_t s)
{
	(void)r, (void)e, (void)s;
	errno = EPERM;
	return -1;
}

int fuzz_sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
	affinity_changed = 1;
	return sched_setaffinity(pid, size, set);
}

int fuzz_socket(int domain, int type, int protocol)
{
	if (sockets_made == FUZZ_SOCKETS_PER_INPUT) {
		errno = EMFILE;
		return -1;
	}
	sockets_made++;
	int fd = socket(domain, type, protocol);
	track(fd);
	return fd;
}

int fuzz_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (sockets_made == FUZZ_SOCKETS_PER_INPUT) {
		errno = EMFILE;
		return -1;
	}
	int conn = accept(fd, addr, len);
	if (conn >= 0)
		sockets_made++;
	track(conn);
	return conn;
}

int fuzz_open(const char *path, int flags, ...)
{
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)) {
		fprintf(stderr, "harness: the probe opened '%s' for writing (flags %#x)\n", path, flags);
		abort();
	}
	int fd = open(path, flags);
	track(fd);
	return fd;
}

FILE *fuzz_fopen(const char *path, const char *mode)
{
	if (strcmp(mode, "r")) {
		fprintf(stderr, "harness: the probe opened '%s' with mode '%s' (only \"r\" is expected)\n", path, mode);
		abort();
	}
	return fopen(path, mode);
}

ssize_t fuzz_write(int fd, const void *buf, size_t n)
{
	if (fd != STDOUT_FILENO)
		return write(fd, buf, n);
	reply_check(buf, n);
	return (ssize_t)n;
}

static _Noreturn void forbidden(const char *name)
{
	fprintf(stderr, "harness: a command line reached %s(), which only main()'s other modes use\n", name);
	abort();
}

#define FORBIDDEN(name) void fuzz_forbidden_##name(void) { forbidden(#name); }
FORBIDDEN(fork)
FORBIDDEN(waitpid)
FORBIDDEN(pause)
FORBIDDEN(signal)
FORBIDDEN(sigaction)
/* `probe enter` (enter.c): it changes the process's namespace and identity, then replaces it. */
FORBIDDEN(setns)
FORBIDDEN(setresgid)
FORBIDDEN(setgroups)
FORBIDDEN(prctl)
FORBIDDEN(fexecve)
/* `probe agent` (agent*.c): it makes and removes network namespaces and starts programs. */
FORBIDDEN(mount)
FORBIDDEN(umount2)
FORBIDDEN(unshare)
FORBIDDEN(posix_spawn)
