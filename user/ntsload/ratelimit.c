// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "ratelimit.h"

struct ratelimit {
	size_t mask;
	unsigned int rate;
	struct {
		double tokens;
		__u64 last_ns;
	} slot[];
};

struct ratelimit *rl_new(size_t slots, unsigned int rate)
{
	struct ratelimit *rl;
	size_t n = 1;

	while (n < slots)
		n <<= 1;
	rl = calloc(1, sizeof(*rl) + n * sizeof(rl->slot[0]));
	if (rl) {
		rl->mask = n - 1;
		rl->rate = rate;
	}
	return rl;
}

void rl_free(struct ratelimit *rl)
{
	free(rl);
}

bool rl_allow(struct ratelimit *rl, __u64 key, __u64 now_ns)
{
	size_t i = (key * 0x9e3779b97f4a7c15ULL >> 17) & rl->mask;
	double burst = 2.0 * rl->rate, t;

	if (!rl->slot[i].last_ns) {
		t = burst;
	} else {
		t = rl->slot[i].tokens +
		    (now_ns - rl->slot[i].last_ns) / 1e9 * rl->rate;
		if (t > burst)
			t = burst;
	}
	rl->slot[i].last_ns = now_ns;
	if (t < 1.0) {
		rl->slot[i].tokens = t;
		return false;
	}
	rl->slot[i].tokens = t - 1.0;
	return true;
}

__u64 rl_hash(const char *s)
{
	__u64 h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

__u64 rl_hash_bytes(const void *p, size_t len)
{
	const unsigned char *b = p;
	__u64 h = 0xcbf29ce484222325ULL;

	while (len--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}
