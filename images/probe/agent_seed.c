/*
 * The agent's `seed HEX` request: mixes the host's random bytes into the guest's entropy pool and
 * reseeds its generator at once (RNDADDENTROPY, then RNDRESEEDCRNG; root). A guest restored from a
 * saved state (lab/backend/vm/guest-snapshot.ts) would otherwise draw the same numbers as every other
 * restore of that state until its generator reseeds itself: the same namespace hash mixes, ephemeral
 * ports and hash secrets.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent.h"

#define SEED_BYTES_MAX 256

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void agent_seed(const char *id, char **w, int n)
{
	size_t len = n == 2 ? strlen(w[1]) : 0;
	if (n != 2 || len < 32 || len > 2 * SEED_BYTES_MAX || len % 2)
		return refuse(id, "usage: seed HEX (16 to %d bytes of the host's randomness, in lower-case hex)",
			      SEED_BYTES_MAX);
	struct rand_pool_info *seed = malloc(sizeof(*seed) + SEED_BYTES_MAX);
	if (!seed)
		return refuse(id, "seed: %s", strerror(errno));
	unsigned char *bytes = (unsigned char *)seed->buf;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(w[1][2 * i]), lo = hex_digit(w[1][2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(seed);
			return refuse(id, "seed: '%c%c' is not a lower-case hex byte", w[1][2 * i], w[1][2 * i + 1]);
		}
		bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	seed->buf_size = (int)(len / 2);
	seed->entropy_count = (int)(len / 2 * 8);
	int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		free(seed);
		return refuse(id, "seed: /dev/urandom: %s", strerror(errno));
	}
	const char *step = "RNDADDENTROPY";
	int ok = ioctl(fd, RNDADDENTROPY, seed) == 0;
	if (ok) {
		step = "RNDRESEEDCRNG";
		ok = ioctl(fd, RNDRESEEDCRNG) == 0;
	}
	int saved = errno;
	close(fd);
	free(seed);
	if (!ok)
		return refuse(id, "seed: %s: %s", step, strerror(saved));
	say("R %s 0", id);
}
