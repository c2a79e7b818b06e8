/* What the fuzz harness's parts share: the limits of one input, and how an input ends early. */
#ifndef PROBE_FUZZ_H
#define PROBE_FUZZ_H

#include <setjmp.h>
#include <stddef.h>

/* Sockets one input may make (socket() and accept() together); past that, EMFILE. */
#define FUZZ_SOCKETS_PER_INPUT 128
/* The probe's monotonic clock runs this much faster than the real one, so a loop that spins until a
 * deadline (udp-load at rate 0 for 600 s) ends within milliseconds. */
#define FUZZ_CLOCK_WARP 100000

/* Where the probe's crash and exit come back to: they end the input as they would end the process. */
extern jmp_buf fuzz_input_ended;

/* stand_ins.c: the libc calls fuzz.sh redirects (redirect.syms). */
void stand_ins_begin_input(void);
/* Aborts if a file or socket the input opened is still open; puts the CPU affinity back. */
void stand_ins_end_input(void);

/* reply_check.c: the protocol's promise about each reply, checked as the probe writes it. */
void reply_check_begin_input(void);
/* One write() of the probe to stdout: exactly one JSON object and its newline. Aborts otherwise. */
void reply_check(const char *buf, size_t n);

#endif
