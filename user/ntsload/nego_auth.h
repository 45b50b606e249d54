/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NOTICE path, stage 2: what each datagram of a batch is, and
 * whether it is authentic. NOTICEs are checked against the keys of -k;
 * answers (from inner routers, to NOTICEs we relayed) against those of
 * --inner-key. Decoding and MACs run on every core (nego_pool.c); the
 * nonces then, on the calling thread, in the order the datagrams came,
 * so that the replay caches need no lock and a replayed copy within the
 * same batch is caught as in any other.
 */
#ifndef NTSLOAD_NEGO_AUTH_H
#define NTSLOAD_NEGO_AUTH_H

#include "keys.h"
#include "nego.h"
#include "nego_path.h"
#include "nego_pool.h"

struct nego_auth_stage {
	struct nego_auth outer; /* NOTICEs: -k */
	struct nego_auth inner; /* inner routers' answers */
	struct nego_pool *pool; /* may be NULL: one thread */
	__u64 now;		/* Unix time of the batch */
};

/*
 * @keys and @inner are the rings to check with (kept by the caller,
 * which may swap their contents between batches). 0 or -ENOMEM.
 */
int nego_auth_init(struct nego_auth_stage *a, const struct nts_keyring *keys,
		   const struct nts_keyring *inner, bool insecure,
		   unsigned int replay_max, __u64 not_before,
		   struct nego_pool *pool);
void nego_auth_fini(struct nego_auth_stage *a);
/* Fill in err, m and key of every datagram of @b. */
void nego_auth_batch(struct nego_auth_stage *a, struct nego_batch *b);

#endif /* NTSLOAD_NEGO_AUTH_H */
