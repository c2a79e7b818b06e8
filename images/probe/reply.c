#include "reply.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put(struct reply *r, const char *s, size_t n)
{
	if (r->len + n + 2 >= REPLY_MAX) { /* keep room for "}\n" */
		r->overflow = 1;
		return;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

static void puts_raw(struct reply *r, const char *s) { put(r, s, strlen(s)); }

/* JSON string escaping: the probe echoes user input in error messages. */
static void put_json_string(struct reply *r, const char *s)
{
	put(r, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\'; esc[1] = (char)*p;
			put(r, esc, 2);
		} else if (*p < 0x20 || *p >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put(r, esc, 6);
		} else {
			put(r, (const char *)p, 1);
		}
	}
	put(r, "\"", 1);
}

static void key(struct reply *r, const char *k)
{
	char last = r->len ? r->buf[r->len - 1] : '{';
	if (last != '{')
		put(r, ",", 1);
	put_json_string(r, k);
	put(r, ":", 1);
}

void reply_begin(struct reply *r, unsigned long seq, const char *cmd)
{
	r->len = 0;
	r->overflow = 0;
	r->seq = seq;
	snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
	puts_raw(r, "{");
	reply_int(r, "seq", (long long)seq);
	reply_str(r, "cmd", cmd);
}

void reply_str(struct reply *r, const char *k, const char *v) { key(r, k); put_json_string(r, v); }
void reply_null(struct reply *r, const char *k) { key(r, k); puts_raw(r, "null"); }

void reply_int(struct reply *r, const char *k, long long v)
{
	char num[32];
	key(r, k);
	snprintf(num, sizeof(num), "%lld", v);
	puts_raw(r, num);
}

void reply_result(struct reply *r, long long ret, int err)
{
	reply_int(r, "ret", ret);
	if (ret < 0)
		reply_str(r, "errno", errno_name(err));
	else
		reply_null(r, "errno");
}

void reply_open(struct reply *r, const char *k) { key(r, k); puts_raw(r, "{"); }
void reply_close(struct reply *r) { puts_raw(r, "}"); }

void reply_end(struct reply *r)
{
	if (r->overflow) { /* never emit broken JSON */
		char cmd[sizeof(r->cmd)];
		memcpy(cmd, r->cmd, sizeof(cmd));
		reply_begin(r, r->seq, cmd);
		reply_str(r, "error", "reply too long");
	}
	r->buf[r->len++] = '}';
	r->buf[r->len++] = '\n';
	size_t off = 0;
	while (off < r->len) {
		ssize_t n = write(STDOUT_FILENO, r->buf + off, r->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3); /* the engine went away: nothing left to report to */
		off += (size_t)n;
	}
}

const char *errno_name(int err)
{
	switch (err) {
#define E(x) case x: return #x;
	E(EPERM) E(ENOENT) E(EINTR) E(EIO) E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT)
	E(EBUSY) E(EEXIST) E(ENODEV) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOSPC) E(EPIPE)
	E(ENOPROTOOPT) E(EPROTONOSUPPORT) E(EOPNOTSUPP) E(EAFNOSUPPORT) E(EADDRINUSE)
	E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS)
	E(EISCONN) E(ENOTCONN) E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTUNREACH) E(EALREADY)
	E(EINPROGRESS) E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOTSOCK) E(ENOSYS)
#undef E
	default: return "EUNKNOWN";
	}
}
