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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
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
static volatile sig_atomic_t respawn;
int probe_under_init;

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

static void want_respawn(int sig)
{
	(void)sig;
	respawn = 1;
}

/* As PID 1 of a container the probe cannot be killed from inside its own pid namespace, so it forks:
 * the child does the work (and can crash for real), the parent waits and exits with its status. A
 * worker that recycles itself (SIGUSR1, then exit 0) is replaced by a new one instead. `probe init`
 * runs so anywhere (the netns and vm backends recycle their probes too). */
static int run_as_init(int (*body)(void))
{
	signal(SIGTERM, forward);
	signal(SIGINT, forward);
	signal(SIGUSR1, want_respawn);
	pid_t parent = getpid();
	for (;;) {
		respawn = 0;
		pid_t pid = fork();
		if (pid < 0)
			return body();
		if (pid == 0) {
			/* Outside a pid namespace of its own, the worker would outlive its init. */
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (getppid() != parent)
				_exit(1);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			signal(SIGUSR1, SIG_DFL);
			probe_under_init = 1;
			return body();
		}
		child_pid = pid;
		int status;
		pid_t w;
		while ((w = waitpid(-1, &status, 0)) != pid)
			if (w < 0 && errno != EINTR)
				return 1;
		if (!(respawn && WIFEXITED(status) && WEXITSTATUS(status) == 0))
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
		return run_as_init(serve);
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return getpid() == 1 ? run_as_init(hold) : hold();
	for (size_t i = 0; argc >= 2 && i < sizeof(demo_modes) / sizeof(demo_modes[0]); i++)
		if (!strcmp(argv[1], demo_modes[i].name))
			return demo_modes[i].run(argc - 2, argv + 2);
	if (argc != 1) {
		fprintf(stderr, "usage: probe          (commands on stdin, JSON lines on stdout)\n"
				"       probe hold     (keep this network namespace alive)\n"
				"       probe init     (the probe as a worker that can be recycled, as in a container)\n"
				"       probe agent    (the guest agent, on a guest's control port)\n"
				"       probe enter NETNS UID CAPS|- [no-new-privs] [pdeathsig] [init]   (become an actor, then the probe)\n"
				"       probe serve NAME ADDRESS|INTERFACE PORT [reuseaddr]   (the demo's UDP services)\n"
				"       probe ask ADDRESS PORT COUNT [INTERVAL_MS]            (the demo's client)\n"
				"       probe bound udp PORT MIN                              (the demo's healthcheck)\n");
		return 2;
	}
	return getpid() == 1 ? run_as_init(serve) : serve();
}
