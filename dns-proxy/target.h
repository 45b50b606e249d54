/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NTS policy: which answers are negotiated (a positive answer to one
 * A or AAAA question whose records' owner, after the CNAME chain, is a
 * host name in an NTS zone), and how the routers' word changes them
 * (those records' TTL and address, or, for AAAA, withheld). No
 * sockets, no state; fuzzed.
 */
#ifndef NTSDNS_TARGET_H
#define NTSDNS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dnsmsg.h"
#include "v6route.h"
#include "zones.h"

/* CNAMEs followed from the question to the A records. */
#define DNS_CNAME_MAX 16
/* Routers of an AAAA answer taken from the name's A records, at most. */
#define NTS_FALLBACK_MAX 16

/* An A or AAAA record of an answer, where it is in the message. */
struct nts_rr {
	size_t ttl_off;	    /* of the TTL; the address is 6 bytes on */
	unsigned int index; /* in the answer section */
	uint32_t addr;	    /* A, network order */
	uint8_t addr6[16];  /* AAAA */
	/*
	 * The IPv4 address of the router to ask: an A record's own; an
	 * AAAA record's by --v6-router, or 0: those of t->fallback.
	 */
	uint32_t router;
	bool withhold; /* left out of the answer (nts_withhold()) */
};

/* The A or AAAA records an answer is to be negotiated for. */
struct nts_target {
	char fqdn[256]; /* their owner, as NTS-Nego carries it */
	const struct nts_zone *zone;
	bool v6; /* AAAA records */
	struct nts_rr *rr;
	size_t n;
	/* AAAA: the addresses of the name's A records, its routers */
	uint32_t fallback[NTS_FALLBACK_MAX];
	size_t nfallback;
};

/* Who is about to connect: the GN, of either family. */
struct nts_gn {
	bool v6;
	uint32_t addr;	   /* IPv4, network order */
	uint8_t addr6[16]; /* v6 */
	/* A network of plen bits (--authoritative's ECS); plen 0: anyone */
	bool prefix;
	uint8_t plen;
};

/*
 * If @r (read from @buf) answers an A or AAAA question with records of
 * that type whose owner, after the CNAME chain, is in one of @zs's
 * zones: 1 and @t filled (nts_target_free() it). 0 when it passes
 * unchanged, -ENOMEM.
 */
int nts_target_find(const uint8_t *buf, size_t len, const struct dnsmsg *r,
		    const struct nts_zones *zs, struct nts_target *t);
void nts_target_free(struct nts_target *t);

/*
 * The router of each AAAA record of @t by the longest of the @n
 * prefixes of @routes that holds its address. How many have none.
 */
size_t nts_target_route6(struct nts_target *t,
			 const struct nts_v6route *routes, size_t n);
/*
 * The A records of @a (an A answer for @t's own name, nts_target_find())
 * are the routers of @t's AAAA records without a --v6-router prefix.
 * How many there are now.
 */
size_t nts_target_fallback(struct nts_target *t, const struct nts_target *a);
/*
 * The distinct routers to notify for @t, in the answer's order, at most
 * @max into @out. How many.
 */
size_t nts_target_routers(const struct nts_target *t, uint32_t *out,
			  size_t max);
/*
 * A query for the A records of @fqdn (RD, no EDNS) into @out: its
 * length, 0 if @fqdn is not a name or it does not fit in @cap.
 */
size_t nts_a_query(const char *fqdn, uint8_t *out, size_t cap);

/* Mark every record of @t withheld, or only those without a router. */
void nts_withhold_all(struct nts_target *t);
size_t nts_withhold_unrouted(struct nts_target *t);
/* How many records of @t are withheld. */
size_t nts_withheld(const struct nts_target *t);

/*
 * @buf (@len bytes, @t's) without @t's withheld records, parsed and
 * written again by ldns, into @out: NOERROR with the rest of the answer
 * (NODATA when none of that type is left). Its length, 0 when it does
 * not parse or fit in @cap.
 */
size_t nts_withhold(const uint8_t *buf, size_t len, const struct nts_target *t,
		    uint8_t *out, size_t cap);

/*
 * Set @rr's TTL to @ttl and, if @addr isn't NULL, its address (4 bytes
 * for an A record, 16 for AAAA: @v6).
 */
void nts_rewrite(uint8_t *buf, const struct nts_rr *rr, uint32_t ttl,
		 const void *addr, bool v6);

/* What the router at one address of an answer said (network order). */
struct nts_verdict {
	uint32_t router;
	bool accept;
	bool refused;
	bool has_addr; /* the ACCEPT carries the address to answer with */
	uint32_t addr;
	uint8_t addr6[16]; /* the same, for an AAAA answer */
};

/*
 * The records of @t (in @buf) whose router accepted, of the @n in @v,
 * get TTL @ttl and the address the ACCEPT carries, if any. An AAAA
 * record no router accepted and one REFUSED is withheld: a router
 * that predates IPv6 REFUSES the NOTICE, and cannot let GN in. The
 * others stay as they are. How many were rewritten.
 */
unsigned int nts_apply(uint8_t *buf, struct nts_target *t,
		       const struct nts_verdict *v, unsigned int n,
		       uint32_t ttl);

#endif /* NTSDNS_TARGET_H */
