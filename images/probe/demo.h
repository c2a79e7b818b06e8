/* The probe's non-interactive modes for the standing hijack demo (compose.yaml): serve answers UDP
 * requests with its name, ask sends requests and says who answered, bound is a healthcheck. Each
 * writes plain lines to stdout, one per event, so that the services' logs tell the story. The
 * interactive line protocol (main.c) is untouched by them. */
#ifndef PROBE_DEMO_H
#define PROBE_DEMO_H

#include <netinet/in.h>
#include <signal.h>

/* argv starts after the mode's name; each returns the process's exit status. */
int demo_serve(int argc, char **argv);
int demo_ask(int argc, char **argv);
int demo_bound(int argc, char **argv);

/* One line on stdout, prefixed with who says it, written at once (stdout is a pipe to docker). */
void demo_log(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An IPv4 literal, or the name of an interface (eth0): its IPv4 address, looked up at run time so
 * that compose.yaml need not know the address docker gave the container. 0 on success. */
int demo_ipv4(const char *addr_or_ifname, struct in_addr *out);

/* SIGTERM and SIGINT set this and interrupt a blocking call (no SA_RESTART): as PID 1 of a
 * container the process would otherwise ignore them, and docker stop would wait for its timeout. */
extern volatile sig_atomic_t demo_stopping;
void demo_catch_stop(void);

#endif
