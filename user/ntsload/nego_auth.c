// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <time.h>

#include "nego_auth.h"

int nego_auth_init(struct nego_auth_stage *a, const struct nts_keyring *keys,
		   const struct nts_keyring *inner, bool insecure,
		   unsigned int replay_max, __u64 not_before,
		   struct nego_pool *pool)
{
	a->outer.keys = keys;
	a->outer.insecure = insecure;
	/* The nonce caches are in memory: they remember from our start. */
	a->outer.not_before = not_before;
	a->outer.replay = nego_replay_new(replay_max);
	a->inner.keys = inner;
	a->inner.not_before = not_before;
	a->inner.replay = nego_replay_new(replay_max);
	a->pool = pool;
	if (!a->outer.replay || !a->inner.replay) {
		nego_auth_fini(a);
		return -ENOMEM;
	}
	return 0;
}

void nego_auth_fini(struct nego_auth_stage *a)
{
	nego_replay_free(a->outer.replay);
	nego_replay_free(a->inner.replay);
	a->outer.replay = a->inner.replay = NULL;
}

struct verify_job {
	const struct nego_auth_stage *a;
	struct nego_batch *b;
};

/* On any thread: reads the datagram and the keys, writes its verdict. */
static void verify_one(void *arg, size_t i)
{
	const struct verify_job *job = arg;
	const struct nego_auth_stage *a = job->a;
	struct nego_in *in = &job->b->in[i];
	const struct nego_auth *by = &a->outer;
	struct nego_hdr h;

	/* A NOTICE is the NTS server's; anything else, an inner router's. */
	if (in->len >= sizeof(h)) {
		memcpy(&h, in->buf, sizeof(h));
		if ((h.type & NEGO_TYPE_MASK) != NEGO_NOTICE)
			by = &a->inner;
	}
	in->err = nego_verify(in->buf, in->len, by, a->now, &in->m, &in->key);
}

void nego_auth_batch(struct nego_auth_stage *a, struct nego_batch *b)
{
	struct verify_job job = { .a = a, .b = b };
	int i;

	a->now = time(NULL);
	pool_run(a->pool, verify_one, &job, b->n);
	for (i = 0; i < b->n; i++) {
		struct nego_in *in = &b->in[i];

		if (in->err)
			continue;
		in->err = nego_replay_check(in->m.type == NEGO_NOTICE
						    ? a->outer.replay
						    : a->inner.replay,
					    &in->m, a->now);
	}
}
