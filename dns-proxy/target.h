/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NTS policy: which answers are negotiated (a positive answer to one
 * A question whose A records' owner, after the CNAME chain, is a host
 * name in an NTS zone), and how the routers' word changes them (those
 * A records' TTL and address). No sockets, no state; fuzzed.
 */
#ifndef NTSDNS_TARGET_H
#define NTSDNS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dnsmsg.h"
#include "zones.h"

/* CNAMEs followed from the question to the A records. */
#define DNS_CNAME_MAX 16

/* An A record of an answer, where it is in the message. */
struct nts_rr {
	size_t ttl_off; /* of the TTL; the address is 6 bytes on */
	uint32_t addr;	/* network order */
};

/* The A records an answer is to be negotiated for. */
struct nts_target {
	char fqdn[256]; /* their owner, as NTS-Nego carries it */
	const struct nts_zone *zone;
	struct nts_rr *rr;
	size_t n;
};

/*
 * If @r (read from @buf) answers an A question with A records whose
 * owner, after the CNAME chain, is in one of @zs's zones: 1 and @t
 * filled (nts_target_free() it). 0 when it passes unchanged, -ENOMEM.
 */
int nts_target_find(const uint8_t *buf, size_t len, const struct dnsmsg *r,
		    const struct nts_zones *zs, struct nts_target *t);
void nts_target_free(struct nts_target *t);

/* Set @rr's TTL to @ttl and, if @addr isn't NULL, its address. */
void nts_rewrite(uint8_t *buf, const struct nts_rr *rr, uint32_t ttl,
		 const uint32_t *addr);

/* What the router at one address of an answer said (network order). */
struct nts_verdict {
	uint32_t router;
	bool accept;
	bool has_addr; /* the ACCEPT carries the address to answer with */
	uint32_t addr;
};

/*
 * The A records of @t (in @buf) whose router accepted, of the @n in @v,
 * get TTL @ttl and the address the ACCEPT carries, if any; the others
 * stay as they are. How many were rewritten.
 */
unsigned int nts_apply(uint8_t *buf, const struct nts_target *t,
		       const struct nts_verdict *v, unsigned int n,
		       uint32_t ttl);

#endif /* NTSDNS_TARGET_H */
