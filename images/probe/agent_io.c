/*
 * The agent's lines and checks, shared by its requests (agent.c, agent_spawn.c, agent_native.c): each
 * protocol line is written with one write() on the control port, so lines of concurrent requests
 * never mix.
 */
#include "agent.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int agent_ctl = -1; /* the control port, for writing */

/* One protocol line, in one write(). */
void say(const char *fmt, ...)
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
	for (ssize_t w; n > 0 && (w = write(agent_ctl, line, n)) != n;)
		if (w >= 0 || errno != EINTR)
			return;
}

void output(const char *id, const char *text)
{
	say("O %s %.*s", id, MAX_OUTPUT, text);
}

/* A request that could not be carried out. */
void refuse(const char *id, const char *fmt, ...)
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
void child_signals(void)
{
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

int exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

int number_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

