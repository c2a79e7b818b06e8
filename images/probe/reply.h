/* One JSON object per command: built field by field, written as one line. */
#ifndef PROBE_REPLY_H
#define PROBE_REPLY_H

#include <stddef.h>

#define REPLY_MAX 8192

struct reply {
	char buf[REPLY_MAX];
	size_t len;
	int overflow;
	unsigned long seq;
	char cmd[32];
};

void reply_begin(struct reply *r, unsigned long seq, const char *cmd);
void reply_str(struct reply *r, const char *key, const char *value);
void reply_int(struct reply *r, const char *key, long long value);
void reply_null(struct reply *r, const char *key);
/* "ret" and "errno" (a symbolic name, or null when ret >= 0). */
void reply_result(struct reply *r, long long ret, int err);
/* A nested object: reply_open(r, "states"); reply_int(...); reply_close(r); */
void reply_open(struct reply *r, const char *key);
void reply_close(struct reply *r);
/* Writes the object and a newline to stdout, and flushes. */
void reply_end(struct reply *r);

const char *errno_name(int err);

#endif
