/* The probe's sockets, by the name the engine gave them, and the connections each one accepted. */
#ifndef PROBE_SOCKETS_H
#define PROBE_SOCKETS_H

#define SOCKET_NAME_MAX 32
#define SOCKETS_MAX 64
#define ACCEPTED_MAX 4096

struct probe_socket {
	char name[SOCKET_NAME_MAX];
	int fd;
	int family;   /* AF_INET or AF_INET6 */
	int type;     /* SOCK_STREAM or SOCK_DGRAM */
	long received; /* datagrams counted by recv, since the socket was made */
	int *accepted; /* fds of accepted connections, kept open until close */
	int n_accepted;
};

/* NULL if there is no socket of that name. */
struct probe_socket *sockets_find(const char *name);
/* NULL if the name is taken, too long or the table is full; *why says which. */
struct probe_socket *sockets_add(const char *name, int fd, int family, int type, const char **why);
/* Closes the socket and every connection it accepted. */
void sockets_remove(struct probe_socket *s);
/* Closes every socket: the probe's exit does that; the fuzz harness does it between inputs. */
void sockets_remove_all(void);
int sockets_keep_accepted(struct probe_socket *s, int fd);
/* Sets a zero linger time on every TCP socket and connection, so that closing them (the worker's exit
 * at recycle) resets each connection instead of leaving it to the kernel (FIN, then TIME_WAIT). */
void sockets_reset_all(void);

#endif
