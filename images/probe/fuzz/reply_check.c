/*
 * What main.c promises about each reply, checked on every one the probe writes during fuzzing:
 *
 *   1. one write is one line: a JSON object and "\n", nothing else; strings are printable ASCII with
 *      \" \\ \uXXXX escapes (the probe escapes every other byte: it echoes what it was sent);
 *   2. its values are strings, integers, null or objects;
 *   3. it begins with "seq" (larger than the last reply's: one reply per line at most) and "cmd";
 *   4. it is a refusal ("error") or the kernel's answer ("ret" with "errno"), never both or neither;
 *   5. no top-level key appears twice.
 *
 * A reply that breaks one aborts the fuzzer, which keeps the input that made it.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 4
#define KEYS_MAX 64
#define KEY_MAX 64

enum kind { STRING, INTEGER, NUL, OBJECT };

struct cursor {
	const char *start, *p, *end;
};

static unsigned long last_seq;

void reply_check_begin_input(void) { last_seq = 0; }

static _Noreturn void bad(const struct cursor *c, const char *why)
{
	fprintf(stderr, "harness: a reply breaks the protocol (%s) at byte %td of:\n%.*s\n", why, c->p - c->start,
		(int)(c->end - c->start), c->start);
	abort();
}

static int next(struct cursor *c)
{
	if (c->p == c->end)
		bad(c, "it ends early");
	return (unsigned char)*c->p++;
}

static void expect(struct cursor *c, char ch, const char *why)
{
	if (next(c) != ch) {
		c->p--;
		bad(c, why);
	}
}

static int is_hex(int ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'); }

/* A string; its first KEY_MAX-1 characters (escapes left as they are) go to out when out is set. */
static void string(struct cursor *c, char *out)
{
	size_t n = 0;
	expect(c, '"', "a string must start with '\"'");
	for (;;) {
		int ch = next(c);
		if (ch == '"')
			break;
		if (ch < 0x20 || ch >= 0x7f) {
			c->p--;
			bad(c, "a raw control or non-ASCII byte in a string");
		}
		if (ch == '\\') {
			int e = next(c);
			if (e == 'u') {
				for (int i = 0; i < 4; i++)
					if (!is_hex(next(c)))
						bad(c, "\\u needs four hex digits");
			} else if (!strchr("\"\\/bfnrt", e)) {
				bad(c, "an escape JSON does not have");
			}
		}
		if (out && n < KEY_MAX - 1)
			out[n++] = (char)ch;
	}
	if (out)
		out[n] = '\0';
}

static unsigned long integer(struct cursor *c)
{
	unsigned long v = 0;
	if (c->p < c->end && *c->p == '-')
		c->p++;
	int first = next(c);
	if (first < '0' || first > '9')
		bad(c, "a number must start with a digit");
	v = (unsigned long)(first - '0');
	if (first == '0')
		return 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		v = v * 10 + (unsigned long)(*c->p++ - '0');
	return v;
}

static void object(struct cursor *c, int depth, int top);

static enum kind value(struct cursor *c, int depth, unsigned long *num)
{
	if (c->p == c->end)
		bad(c, "a value is missing");
	switch (*c->p) {
	case '"':
		string(c, NULL);
		return STRING;
	case '{':
		object(c, depth + 1, 0);
		return OBJECT;
	case 'n':
		if (c->end - c->p < 4 || memcmp(c->p, "null", 4))
			bad(c, "not a JSON value");
		c->p += 4;
		return NUL;
	default:
		*num = integer(c);
		return INTEGER;
	}
}

static void object(struct cursor *c, int depth, int top)
{
	char keys[KEYS_MAX][KEY_MAX];
	int n = 0, has_error = 0, has_ret = 0, has_errno = 0;
	if (depth > DEPTH_MAX)
		bad(c, "objects nested too deep");
	expect(c, '{', "an object must start with '{'");
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		if (top)
			bad(c, "an empty reply");
		return;
	}
	for (;; n++) {
		char key[KEY_MAX];
		string(c, key);
		expect(c, ':', "a key must be followed by ':'");
		unsigned long num = 0;
		enum kind k = value(c, depth, &num);
		if (top) {
			if (n == 0 && (strcmp(key, "seq") || k != INTEGER))
				bad(c, "the first key must be \"seq\", an integer");
			if (n == 0 && num <= last_seq)
				bad(c, "seq did not grow: two replies to one line");
			if (n == 0)
				last_seq = num;
			if (n == 1 && (strcmp(key, "cmd") || k != STRING))
				bad(c, "the second key must be \"cmd\", a string");
			for (int i = 0; i < n && i < KEYS_MAX; i++)
				if (!strcmp(keys[i], key))
					bad(c, "a key appears twice");
			if (n < KEYS_MAX)
				memcpy(keys[n], key, KEY_MAX);
			has_error |= !strcmp(key, "error");
			has_ret |= !strcmp(key, "ret");
			has_errno |= !strcmp(key, "errno");
		}
		int ch = next(c);
		if (ch == '}')
			break;
		if (ch != ',') {
			c->p--;
			bad(c, "members must be separated by ','");
		}
	}
	if (top && has_error == has_ret)
		bad(c, has_error ? "both \"error\" and \"ret\"" : "neither \"error\" nor \"ret\"");
	if (top && has_ret != has_errno)
		bad(c, "\"ret\" without \"errno\", or \"errno\" without \"ret\"");
}

void reply_check(const char *buf, size_t n)
{
	struct cursor c = { buf, buf, buf + n };
	if (n < 2 || buf[n - 1] != '\n')
		bad(&c, "a write that is not one whole line");
	c.end--; /* the newline */
	object(&c, 0, 1);
	if (c.p != c.end)
		bad(&c, "bytes after the object");
}
