/*
 * libFuzzer harness for the probe's line protocol. Each input is what an engine might write to the
 * probe's stdin: serve_lines() (main.c) splits it into lines, args_split() into words, finds the
 * command and runs it, and every reply goes through reply_check.c. Commands make their real
 * syscalls, which is why the harness refuses to start outside an empty network namespace (only lo,
 * and lo down: nothing can be sent anywhere). What would end, stall or change the fuzzer's process
 * goes to stand_ins.c instead. Between inputs every socket is closed.
 *
 * Run it through fuzz.sh, which builds it and starts it under `unshare -n`.
 */
#include "../commands.h"
#include "fuzz.h"

#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

jmp_buf fuzz_input_ended;

static _Noreturn void refuse(const char *why)
{
	fprintf(stderr, "harness: %s. It runs commands that make real syscalls, so it only runs in an empty\n"
			"network namespace: start it with images/probe/fuzz/fuzz.sh, or under `unshare -n`.\n", why);
	exit(2);
}

/* The namespace must hold only lo, and lo must be down. */
static void check_network_namespace(void)
{
	FILE *fp = fopen("/proc/self/net/dev", "r");
	if (!fp)
		refuse("cannot read /proc/self/net/dev");
	char line[512];
	for (int i = 0; fgets(line, sizeof(line), fp); i++) {
		char name[64];
		if (i < 2) /* the two header lines */
			continue;
		if (sscanf(line, " %63[^:]:", name) != 1 || strcmp(name, "lo")) {
			fclose(fp);
			refuse("this network namespace has interfaces besides lo");
		}
	}
	fclose(fp);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr = { .ifr_name = "lo" };
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		refuse("cannot read lo's flags");
	close(fd);
	if (ifr.ifr_flags & IFF_UP)
		refuse("lo is up in this network namespace");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	check_network_namespace();
	signal(SIGPIPE, SIG_IGN); /* as the probe's main() does: a send on a reset TCP socket is EPIPE */
	/* stdin as an engine that has nothing more to say: tcp-serve and udp-serve run to their
	 * deadline instead of stopping. The write end stays open so fd 0 never reads EOF either. */
	int p[2];
	if (pipe(p) < 0 || dup2(p[0], STDIN_FILENO) < 0) {
		perror("harness: stdin");
		exit(2);
	}
	close(p[0]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *in; /* static: still valid after a longjmp back from crash or exit */
	if (size == 0)
		return 0; /* the probe answers an empty stdin with nothing; fmemopen refuses a size of 0 */
	in = fmemopen((void *)data, size, "r");
	if (!in)
		abort();
	stand_ins_begin_input();
	reply_check_begin_input();
	if (!setjmp(fuzz_input_ended))
		serve_lines(in);
	fclose(in);
	sockets_remove_all();
	stand_ins_end_input();
	return 0;
}
