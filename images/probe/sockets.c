#include "sockets.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct probe_socket table[SOCKETS_MAX];
static int used[SOCKETS_MAX];

struct probe_socket *sockets_find(const char *name)
{
	for (int i = 0; i < SOCKETS_MAX; i++)
		if (used[i] && strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

struct probe_socket *sockets_add(const char *name, int fd, int family, int type, const char **why)
{
	if (strlen(name) >= SOCKET_NAME_MAX) {
		*why = "socket name too long";
		return NULL;
	}
	if (sockets_find(name)) {
		*why = "a socket of that name exists; close it first";
		return NULL;
	}
	for (int i = 0; i < SOCKETS_MAX; i++) {
		if (used[i])
			continue;
		memset(&table[i], 0, sizeof(table[i]));
		strcpy(table[i].name, name);
		table[i].fd = fd;
		table[i].family = family;
		table[i].type = type;
		used[i] = 1;
		return &table[i];
	}
	*why = "too many sockets";
	return NULL;
}

void sockets_remove(struct probe_socket *s)
{
	for (int i = 0; i < s->n_accepted; i++)
		close(s->accepted[i]);
	free(s->accepted);
	if (s->fd >= 0) /* a group of connections (connectn) has no socket of its own */
		close(s->fd);
	used[s - table] = 0;
}

void sockets_remove_all(void)
{
	for (int i = 0; i < SOCKETS_MAX; i++)
		if (used[i])
			sockets_remove(&table[i]);
}

/* A close with a zero linger time resets the connection (RST) and frees the socket at once. */
static void reset_on_close(int fd)
{
	struct linger now = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
}

void sockets_reset_all(void)
{
	for (int i = 0; i < SOCKETS_MAX; i++) {
		if (!used[i] || table[i].type != SOCK_STREAM)
			continue;
		if (table[i].fd >= 0)
			reset_on_close(table[i].fd);
		for (int j = 0; j < table[i].n_accepted; j++)
			reset_on_close(table[i].accepted[j]);
	}
}

int sockets_keep_accepted(struct probe_socket *s, int fd)
{
	if (s->n_accepted == ACCEPTED_MAX)
		return -1;
	if (!s->accepted && !(s->accepted = calloc(ACCEPTED_MAX, sizeof(int))))
		return -1;
	s->accepted[s->n_accepted++] = fd;
	return 0;
}
