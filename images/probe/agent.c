/*
 * `probe agent`: the guest agent (images/guest/PROTOCOL.md). /init runs it with stdin and stdout on the
 * control port. It reads one request per line, "<id> <command line>", and answers with lines of its own
 * (O, S, R, X, E), each written with one write() so that lines of concurrent requests never mix.
 *
 * Requests are served concurrently: an ordinary command line goes to a child that runs bash on it and
 * relays its output, a spawn to a child that opens the port and starts the probe; the loop reads on.
 * Native requests (kill, netns add/del/wire/sysctl, flush, flush-pid, sockstat: agent_native.c) start no program,
 * and a spawn (agent_spawn.c) only the probe: under software emulation every fork of bash costs a
 * guest ~200 ms, and a run used to make a dozen.
 */
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_REQUEST 65536
#define MAX_WORDS 64

extern char **environ;

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
		agent_spawn(id, w, n);
	else if (n && !strcmp(w[0], "kill"))
		agent_kill(id, w, n);
	else if (n && !strcmp(w[0], "netns"))
		agent_netns(id, w, n);
	else if (n && !strcmp(w[0], "flush"))
		agent_flush(id, w, n);
	else if (n && !strcmp(w[0], "flush-pid"))
		agent_flush_pid(id, w, n);
	else if (n && !strcmp(w[0], "sockstat"))
		agent_sockstat(id, w, n);
	else if (n && !strcmp(w[0], "seed"))
		agent_seed(id, w, n);
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
	agent_ctl = fcntl(1, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDWR);
	if (in < 0 || agent_ctl < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) {
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
