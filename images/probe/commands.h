/* The probe's commands: each file registers a table of them, main.c dispatches by name. */
#ifndef PROBE_COMMANDS_H
#define PROBE_COMMANDS_H

#include "args.h"
#include "reply.h"
#include "sockets.h"

#include <stdio.h>

struct command {
	const char *name;
	int min_args, max_args; /* words after the command's name */
	const char *usage;
	void (*run)(const struct args *a, struct reply *r);
};

/* Each table ends with an entry whose name is NULL. */
extern const struct command socket_commands[];
extern const struct command stream_commands[];
extern const struct command dgram_commands[];
extern const struct command process_commands[];
extern const struct command bench_tcp_commands[];
extern const struct command bench_udp_commands[];
extern const struct command service_commands[];
extern const struct command payload_commands[];
extern const struct command ledger_commands[];

/* A reply that says the command was not understood; nothing was called. */
void command_error(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reply with a command error and leave the handler. */
#define FAIL(r, ...) do { command_error((r), __VA_ARGS__); return; } while (0)
/* The socket named by argv[i], or NULL after replying with an error. */
struct probe_socket *socket_arg(const struct args *a, int i, struct reply *r);

/* Set in the worker a container's init forked (main.c): recycle may then ask the init for a new worker. */
extern int probe_under_init;
/* The worker's end of its init's pipe: `recycle` writes the next worker's uid there (main.c). */
extern int probe_recycle_fd;
/* Whether the init starts workers of any uid (`probe init-as`), or only of its own (`probe init`). */
extern int probe_init_any_uid;

/* Milliseconds on the monotonic clock. */
long now_ms(void);

/* The protocol loop (main.c): answers each line of in until it ends; 0 at its end. The probe runs it
 * on stdin; fuzz/harness.c feeds it arbitrary bytes. */
int serve_lines(FILE *in);

#endif
