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

#include "keys.h"
#include "nego.h"
#include "netdev.h"
#include "pin.h"
#include "ratelimit.h"

#define NEGO_DEFER_MAX 256

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
	/* log lines this second, and those left out */
	__u64 log_sec;
	unsigned int log_lines;
	unsigned int log_dropped;
};

struct nego_config {
	__u16 port;
	bool insecure;
	unsigned int rc_ttl;
	unsigned int rate_gn;	/* NOTICEs per second per GN */
	unsigned int rate_name;	/* per FQDN */
	bool expose_none;	/* hosts without a policy expose nothing */
};

/* Keys must be loaded into s->keys first. 0 or -errno (printed). */
int nego_server_init(struct nego_server *s, const struct nego_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs);
void nego_server_fini(struct nego_server *s);
/* Read and answer what has arrived. */
void nego_server_input(struct nego_server *s);
/* Answer the deferred NOTICEs that can be answered now. */
void nego_server_tick(struct nego_server *s);
/* How soon nego_server_tick() wants to run again: -1 for no hurry. */
int nego_server_timeout_ms(const struct nego_server *s);

#endif /* NTSLOAD_NEGO_SERVER_H */
