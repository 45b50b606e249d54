/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NOTICE path, stage 3: what to answer. For each authentic NOTICE
 * the rate limits (per NTS server, per GN, per name), the PHL, the
 * host's policy and the request cache; a NOTICE for a GN busy with
 * another host is held (slide 21), one for a host behind an inner NTS
 * router relayed (nego_relay.c). Everything else is refused, counted and
 * logged. On one thread: the maps and limits need no lock.
 */
#ifndef NTSLOAD_NEGO_DECIDE_H
#define NTSLOAD_NEGO_DECIDE_H

#include <stdbool.h>
#include <linux/types.h>

#include <nts/policy.h>

#include "log.h"
#include "nego_path.h"
#include "nego_relay.h"
#include "netdev.h"
#include "pin.h"
#include "ratelimit.h"
#include "stats.h"

#define NEGO_DEFER_MAX 256

/* Everything one decide step can hand on (the outbox's size). */
#define NEGO_OUT_MAX (NEGO_BATCH + NEGO_DEFER_MAX + NEGO_RELAY_MAX)

struct nego_deferred {
	struct nego_msg m;
	const struct nts_key *key;
	struct nego_peer peer;
	__u64 since_ns;
	__be32 inside;
	struct nts_policy policy;
};

struct nego_decide_config {
	unsigned int rc_ttl;	       /* seconds an unused RC entry lives */
	unsigned int rc_prefix_ttl;    /* ... a network's (issue 20) */
	unsigned int rc_min_prefix;    /* the shortest network accepted */
	unsigned int rc_min_prefix6;   /* ... IPv6 network */
	unsigned int unbound_window;   /* 0.0.0.0/0's; 0: refused */
	unsigned int rate_gn;	       /* NOTICEs per second per GN */
	unsigned int rate_name;	       /* per FQDN */
	unsigned int rate_server;      /* per NTS server (source address) */
	bool expose_none;	       /* hosts without a policy: nothing */
	unsigned int relay_timeout_ms; /* an inner router's answer */
	__u16 port;		       /* NTS-Nego's, inner routers' too */
};

struct nego_decide {
	const struct nts_maps *maps;
	const struct addr_set *addrs; /* the router's, kept by ntsload */
	unsigned int rc_ttl;
	unsigned int rc_prefix_ttl, rc_min_prefix, rc_min_prefix6;
	unsigned int unbound_window;
	struct ratelimit *rl_gn, *rl_name, *rl_server;
	struct ratelimit *rl_unsigned; /* answers to what is not authentic */
	struct nts_policy default_policy;
	struct nego_deferred *defer; /* NEGO_DEFER_MAX */
	int ndefer;
	struct nego_relays *relay;
	struct log_limit *log;
	struct stats_batch *counts;
};

/*
 * Log lines go to @log, counts to @counts; @inner signs relayed NOTICEs.
 * 0 or -ENOMEM.
 */
int nego_decide_init(struct nego_decide *d, const struct nego_decide_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs,
		     const struct nts_keyring *inner, struct log_limit *log,
		     struct stats_batch *counts);
void nego_decide_fini(struct nego_decide *d);
/* Decide on every datagram of @b, and on its ICMP errors. */
void nego_decide_batch(struct nego_decide *d, const struct nego_batch *b,
		       struct nego_outbox *ob);
/* Relayed NOTICEs that the answer stage could not send. */
void nego_decide_unsent(struct nego_decide *d, const struct nego_unsent *u,
			int n, struct nego_outbox *ob);
/* Held NOTICEs that can be answered now; inner routers that are late. */
void nego_decide_tick(struct nego_decide *d, struct nego_outbox *ob);
/* Keys reloaded: what waits takes the new key of the same name. */
void nego_decide_rekey(struct nego_decide *d, const struct nts_keyring *kr);
/* Anything waiting for a tick? */
bool nego_decide_waiting(const struct nego_decide *d);

/*
 * nego_decide6.c: an authentic IPv6 NOTICE (NEGO_F_V6) within its
 * limits: phl6, the policy, rc6; answered at once.
 */
void nego_notice6(struct nego_decide *d, const struct nego_in *in, __u64 now,
		  struct nego_outbox *ob);

/* A NOTICE for a network (issue 20), not for the host of a /32 or /128? */
static inline bool nego_for_network(const struct nego_msg *m)
{
	return m->prefix && m->plen < (m->v6 ? 128 : 32);
}
/* Accepted: counted, and as a network's when it is one. */
void nego_count_accept(struct nego_decide *d, const struct nego_msg *m);

#endif /* NTSLOAD_NEGO_DECIDE_H */
