/*
 * The reuselab probe: one actor's process. It reads one command per line on stdin, makes exactly the
 * syscalls the command names, and answers each with one JSON object per line on stdout:
 *
 *   bind s 0.0.0.0 8080   ->  {"seq":3,"cmd":"bind","ret":-1,"errno":"EADDRINUSE"}
 *   frobnicate            ->  {"seq":4,"cmd":"frobnicate","error":"unknown command 'frobnicate'"}
 *
 * "error" means the command was not understood and nothing was called; "ret"/"errno" are the
 * kernel's answer. `probe hold` only keeps a network namespace alive for actors that join it.
 * `probe enter NETNS UID CAPS …` puts itself in an actor's namespace and credentials, then runs as
 * the probe (enter.c).
 * `probe agent` is the guest agent on a guest's control port (agent.c, images/guest/PROTOCOL.md).
 * `probe serve|ask|bound …` are the standing hijack demo's modes (demo.h), with no protocol at all.
 */
#include "agent.h"
#include "commands.h"
#include "demo.h"
#include "enter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_LEN 1024

static const struct command *const tables[] = {
	socket_commands, stream_commands, dgram_commands, process_commands,
	bench_tcp_commands, bench_udp_commands, service_commands, payload_commands, ledger_commands,
};

void command_error(struct reply *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_str(r, "error", msg);
}

struct probe_socket *socket_arg(const struct args *a, int i, struct reply *r)
{
	struct probe_socket *s = sockets_find(a->argv[i]);
	if (!s)
		command_error(r, "no socket named '%s'", a->argv[i]);
	return s;
}

static const struct command *find_command(const char *name)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct command *c = tables[t]; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

static void execute(char *line, unsigned long seq)
{
	struct reply r;
	struct args a;
	if (args_split(line, &a) < 0) {
		reply_begin(&r, seq, "");
		command_error(&r, "too many words (at most %d)", ARGS_MAX);
		return reply_end(&r);
	}
	if (a.argc == 0 || a.argv[0][0] == '#')
		return; /* blank lines and comments get no answer */
	const struct command *c = find_command(a.argv[0]);
	reply_begin(&r, seq, c ? c->name : a.argv[0]);
	if (!c)
		command_error(&r, "unknown command '%s'", a.argv[0]);
	else if (a.argc - 1 < c->min_args || a.argc - 1 > c->max_args)
		command_error(&r, "usage: %s", c->usage);
	else
		c->run(&a, &r);
	reply_end(&r);
}

/* Reads one line from in into line (without its newline). Returns its length, -1 at EOF, or -2 for
 * a line longer than LINE_MAX_LEN (read to its end and dropped). A NUL byte is kept as a byte that
 * no command accepts, so the line is refused rather than cut short. */
static int read_line(FILE *in, char *line)
{
	int ch, len = 0, too_long = 0;
	while ((ch = getc(in)) != EOF && ch != '\n') {
		if (len == LINE_MAX_LEN) {
			too_long = 1;
			continue;
		}
		line[len++] = ch ? (char)ch : '\x01';
	}
	if (ch == EOF && len == 0 && !too_long)
		return -1;
	line[len] = '\0';
	if (too_long)
		return -2;
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	return len;
}

int serve_lines(FILE *in)
{
	static char line[LINE_MAX_LEN + 1];
	unsigned long seq = 0;
	for (;;) {
		int len = read_line(in, line);
		if (len == -1)
			return 0;
		if (len == -2) {
			struct reply r;
			reply_begin(&r, ++seq, "");
			command_error(&r, "line longer than %d bytes", LINE_MAX_LEN);
			reply_end(&r);
			continue;
		}
		execute(line, ++seq);
	}
}

static int serve(void) { return serve_lines(stdin); }

static volatile sig_atomic_t child_pid;
int probe_under_init;
int probe_recycle_fd = -1;
int probe_init_any_uid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void leave(int sig)
{
	(void)sig;
	_exit(0);
}

/* A worker of `probe init-as`: from its init's root, which keeps CAP_SETUID, CAP_SETGID, CAP_SETPCAP
 * and CAP_KILL, to an actor with no capability: the bounding set emptied, the uid and gid (no
 * supplementary group), every capability set cleared (a uid 0 worker would keep them), no new
 * privileges. What `probe enter - UID - no-new-privs` and its exec give an actor, without the exec;
 * the worker's hello shows the result (gid, caps, bounding). */
static int become(uid_t uid, pid_t parent)
{
	struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	const char *step = enter_identity(uid, NULL, 1);
	if (!step && syscall(SYS_capset, &head, none) < 0)
		step = "capset";
	/* The uid change made it undumpable and cleared its parent-death signal: as after an exec, again. */
	if (!step && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		step = "dumpable";
	if (!step && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		step = "pdeathsig";
	if (!step && getppid() != parent)
		step = "its init is gone";
	if (step)
		fprintf(stderr, "probe init-as: the worker for uid %u: %s: %s\n", (unsigned)uid, step, strerror(errno));
	return step ? -1 : 0;
}

/* As PID 1 of a container the probe cannot be killed from inside its own pid namespace, so it forks:
 * the child does the work (and can crash for real), the parent waits and exits with its status. A
 * worker that recycles itself (`recycle`: the next worker's uid into the init's pipe, then exit 0) is
 * replaced by a new one instead: a pipe, not a signal, because a worker of `init-as` may not signal
 * its init. `probe init` runs so anywhere (the netns and vm backends recycle their probes too); its
 * workers keep its uid. `probe init-as UID` starts each worker as the uid asked for (become), the
 * first as UID. */
static int run_as_init(int (*body)(void), long uid)
{
	int recycle[2];
	if (pipe2(recycle, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "probe init: pipe: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGTERM, forward);
	signal(SIGINT, forward);
	pid_t parent = getpid();
	for (;;) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "probe init: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			/* Outside a pid namespace of its own, the worker would outlive its init. */
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (getppid() != parent)
				_exit(1);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			close(recycle[0]);
			probe_recycle_fd = recycle[1];
			probe_init_any_uid = uid >= 0;
			if (uid >= 0 && become((uid_t)uid, parent) < 0)
				_exit(2);
			probe_under_init = 1;
			return body();
		}
		child_pid = pid;
		int status;
		pid_t w;
		while ((w = waitpid(-1, &status, 0)) != pid)
			if (w < 0 && errno != EINTR)
				return 1;
		int next;
		int asked = read(recycle[0], &next, sizeof(next)) == (ssize_t)sizeof(next);
		if (!(asked && WIFEXITED(status) && WEXITSTATUS(status) == 0))
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (uid >= 0)
			uid = next;
	}
}

static int hold(void)
{
	signal(SIGTERM, leave);
	signal(SIGINT, leave);
	for (;;)
		pause();
	return 0;
}

static const struct mode {
	const char *name;
	int (*run)(int argc, char **argv);
} demo_modes[] = {
	{ "serve", demo_serve },
	{ "ask", demo_ask },
	{ "bound", demo_bound },
};

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "agent"))
		return agent_main(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "enter"))
		return enter_main(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "init"))
		return run_as_init(serve, -1);
	if (argc == 3 && !strcmp(argv[1], "init-as")) {
		char *end;
		errno = 0;
		long uid = strtol(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || uid < 0 || uid > 65535) {
			fprintf(stderr, "probe init-as: bad uid '%s' (a number up to 65535)\n", argv[2]);
			return 2;
		}
		return run_as_init(serve, uid);
	}
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return getpid() == 1 ? run_as_init(hold, -1) : hold();
	for (size_t i = 0; argc >= 2 && i < sizeof(demo_modes) / sizeof(demo_modes[0]); i++)
		if (!strcmp(argv[1], demo_modes[i].name))
			return demo_modes[i].run(argc - 2, argv + 2);
	if (argc != 1) {
		fprintf(stderr, "usage: probe          (commands on stdin, JSON lines on stdout)\n"
				"       probe hold     (keep this network namespace alive)\n"
				"       probe init     (the probe as a worker that can be recycled, as in a container)\n"
				"       probe init-as UID   (as init, as root: each worker an actor of the uid asked for, no capability)\n"
				"       probe agent    (the guest agent, on a guest's control port)\n"
				"       probe enter NETNS UID CAPS|- [no-new-privs] [pdeathsig] [init]   (become an actor, then the probe)\n"
				"       probe serve NAME ADDRESS|INTERFACE PORT [reuseaddr]   (the demo's UDP services)\n"
				"       probe ask ADDRESS PORT COUNT [INTERVAL_MS]            (the demo's client)\n"
				"       probe bound udp PORT MIN                              (the demo's healthcheck)\n");
		return 2;
	}
	return getpid() == 1 ? run_as_init(serve, -1) : serve();
}
