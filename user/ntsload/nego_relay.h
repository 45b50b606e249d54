/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the decide stage (nego_decide.c calls it, it calls no stage):
 * cascaded NTS routers, the paper's slides 22-23. A NOTICE for a host
 * behind an inner NTS router is relayed to it, signed with --inner-key,
 * and answered once it answered.
 */
#ifndef NTSLOAD_NEGO_RELAY_H
#define NTSLOAD_NEGO_RELAY_H

#include <stdbool.h>
#include <linux/types.h>

#include "keys.h"
#include "log.h"
#include "nego_path.h"
#include "pin.h"
#include "stats.h"

#define NEGO_RELAY_MAX 256
#define NEGO_INNER_MAX 256

/* A NOTICE relayed to an inner NTS router, waiting for its answer. */
struct nego_relay {
	struct nego_msg m; /* the NOTICE we got */
	const struct nts_key *key;
	struct nego_peer peer;
	__be32 via;    /* for our ACCEPT */
	__be32 inside; /* the inner router */
	__be32 ext;    /* our RC entry is rc[GN, ext] */
	__u8 txid;     /* of the NOTICE we sent it */
	bool known;    /* it answered before */
	__u64 deadline_ns;
};

/* What we learnt of an inside address: an NTS router or not. */
struct nego_inner {
	__be32 addr;
	bool router;
	__u64 until_ns;
};

struct nego_relays {
	const struct nts_keyring *keys; /* --inner-key: what we sign with */
	const struct nts_maps *maps;
	__u16 port; /* inner routers listen on ours */
	unsigned int timeout_ms;
	struct nego_relay r[NEGO_RELAY_MAX];
	int n;
	struct nego_inner inner[NEGO_INNER_MAX];
	int ninner;
	__u8 next_txid;
	struct log_limit *log;
	struct stats_batch *counts;
};

/* Should a NOTICE for @inside be relayed to it? */
bool relay_wanted(struct nego_relays *rs, __be32 inside, __u64 now);
/* Relay NOTICE @m (our RC entry made) to the inner router @inside. */
void relay_start(struct nego_relays *rs, const struct nego_msg *m,
		 const struct nts_key *key, const struct nego_peer *p,
		 __be32 via, __be32 inside, __u64 now, struct nego_outbox *ob);
/* An answer to a relayed NOTICE? Then it is dealt with, and true. */
bool relay_answer(struct nego_relays *rs, const struct nego_in *in,
		  struct nego_outbox *ob);
/* ICMP said @dst, to which we relayed, is unreachable. */
void relay_unreachable(struct nego_relays *rs, __be32 dst,
		       struct nego_outbox *ob);
/* A relayed NOTICE could not be sent. */
void relay_unsent(struct nego_relays *rs, const struct nego_unsent *u,
		  struct nego_outbox *ob);
/* The inner routers that did not answer in time. */
void relay_tick(struct nego_relays *rs, __u64 now, struct nego_outbox *ob);
/* Keys are reloaded: what waits is signed with the key of the same name. */
void relay_rekey(struct nego_relays *rs, const struct nts_keyring *kr);

#endif /* NTSLOAD_NEGO_RELAY_H */
