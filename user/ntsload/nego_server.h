/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The router's side of NTS-Nego: NOTICEs in, ACCEPT/REJECT/REFUSED out,
 * request cache entries made (DESIGN sections 1 and 3).
 */
#ifndef NTSLOAD_NEGO_SERVER_H
#define NTSLOAD_NEGO_SERVER_H

#include <stdbool.h>
#include <netinet/in.h>
#include <linux/types.h>

#include <nts/policy.h>

#include "fmt.h"
#include "keys.h"
#include "log.h"
#include "nego.h"
#include "netdev.h"
#include "pin.h"
#include "ratelimit.h"
#include "stats.h"

#define NEGO_DEFER_MAX 256
#define NEGO_RELAY_MAX 256
#define NEGO_INNER_MAX 256
/* "NAME for GN A (from B:P)", NAME escaped (fmt_escape) */
#define NEGO_WHAT_MAX (FMT_ESCAPED_MAX + 64)

/* Where a NOTICE came from, and to which of our addresses. */
struct nego_peer {
	struct sockaddr_in from;
	__be32 to;
};

struct nego_deferred {
	struct nego_msg m;
	const struct nts_key *key;
	struct nego_peer peer;
	__u64 since_ns;
	__be32 inside;
	struct nts_policy policy;
};

/* A NOTICE relayed to an inner NTS router, waiting for its answer. */
struct nego_relay {
	struct nego_msg m;		/* the NOTICE we got */
	const struct nts_key *key;
	struct nego_peer peer;
	__be32 via;			/* for our ACCEPT */
	__be32 inside;			/* the inner router */
	__be32 ext;			/* our RC entry is rc[GN, ext] */
	__u8 txid;			/* of the NOTICE we sent it */
	bool known;			/* it answered before */
	__u64 deadline_ns;
};

/* What we learnt of an inside address: an NTS router or not. */
struct nego_inner {
	__be32 addr;
	bool router;
	__u64 until_ns;
};

struct nego_server {
	int fd;			/* on the port of every address */
	const struct addr_set *addrs;	/* the router's, kept by ntsload */
	__u16 port;
	struct nts_keyring keys;
	struct nego_auth auth;
	const struct nts_maps *maps;
	unsigned int rc_ttl;	/* seconds an unused RC entry lives */
	struct ratelimit *rl_gn;
	struct ratelimit *rl_name;
	struct nts_policy default_policy;
	struct nego_deferred defer[NEGO_DEFER_MAX];
	int ndefer;
	/* cascading: relay.c */
	struct nts_keyring inner_keys;	/* --inner-key */
	struct nego_auth inner_auth;
	unsigned int relay_timeout_ms;
	struct nego_relay relays[NEGO_RELAY_MAX];
	int nrelays;
	struct nego_inner inner[NEGO_INNER_MAX];
	int ninner;
	__u8 next_txid;
	/* log lines this second, and those left out */
	struct log_limit log;
	struct stats_batch counts;	/* nego_* counters, flushed per batch */
};

struct nego_config {
	__u16 port;
	bool insecure;
	unsigned int rc_ttl;
	unsigned int rate_gn;	/* NOTICEs per second per GN */
	unsigned int rate_name;	/* per FQDN */
	bool expose_none;	/* hosts without a policy expose nothing */
	unsigned int relay_timeout_ms;	/* an inner router's answer */
	unsigned int replay_max;	/* nonces remembered at once */
	__u64 started;		/* Unix time: NOTICEs signed before, refused */
};

/* Keys must be loaded into s->keys first. 0 or -errno (printed). */
int nego_server_init(struct nego_server *s, const struct nego_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs);
void nego_server_fini(struct nego_server *s);
/* Read and answer what has arrived. */
void nego_server_input(struct nego_server *s);
/* Answer the deferred NOTICEs that can be answered now. */
void nego_server_tick(struct nego_server *s);
/*
 * Replace the keys (-k) and inner keys (--inner-key) with @keys and
 * @inner, which the server takes over (they are left empty). NOTICEs
 * waiting are re-signed with the new keys of the same names.
 */
void nego_server_set_keys(struct nego_server *s, struct nts_keyring *keys,
			  struct nts_keyring *inner);
/* How soon nego_server_tick() wants to run again: -1 for no hurry. */
int nego_server_timeout_ms(const struct nego_server *s);

/* For relay.c. */
__attribute__((format(printf, 2, 3))) void
nego_log(struct nego_server *s, const char *fmt, ...);
void nego_count(struct nego_server *s, enum nts_stat id);
void answer_via(struct nego_server *s, const struct nego_msg *n,
		const struct nts_key *key, const struct nego_peer *p,
		enum nego_type type, __be32 via);

/*
 * Cascaded NTS routers (slides 22-23): a NOTICE for a host behind an
 * inner NTS router is relayed to it, signed with --inner-key, and
 * answered once it answered.
 */
bool relay_wanted(struct nego_server *s, __be32 inside, __u64 now);
void relay_start(struct nego_server *s, const struct nego_msg *m,
		 const struct nts_key *key, const struct nego_peer *p,
		 __be32 via, __be32 inside, __u64 now);
/* An answer to a relayed NOTICE? Then it is handled and true. */
bool relay_answer(struct nego_server *s, const __u8 *buf, size_t len,
		  const struct nego_peer *p);
/* An ICMP error about something we sent to @dst. */
void relay_unreachable(struct nego_server *s, __be32 dst);
void relay_tick(struct nego_server *s, __u64 now);

#endif /* NTSLOAD_NEGO_SERVER_H */
