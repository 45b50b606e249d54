// SPDX-License-Identifier: GPL-2.0
/* Random bytes, drawn from the kernel a batch at a time per thread. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "rand.h"

/* As much as getrandom() gives without a signal cutting it short. */
#define RAND_POOL 256

static __thread unsigned char pool[RAND_POOL];
static __thread size_t left;

int nts_random(void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t n;
	ssize_t got;

	while (len) {
		if (!left) {
			got = getrandom(pool, sizeof(pool), 0);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return got < 0 ? -errno : -EIO;
			left = got;
			continue;
		}
		n = len < left ? len : left;
		/* From the end of what is left; then it is gone. */
		memcpy(out, pool + left - n, n);
		memset(pool + left - n, 0, n);
		left -= n;
		out += n;
		len -= n;
	}
	return 0;
}
