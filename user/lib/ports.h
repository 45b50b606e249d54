/* SPDX-License-Identifier: GPL-2.0 */
/* The router's own ports, which the NAT must leave alone. */
#ifndef NTS_PORTS_H
#define NTS_PORTS_H

#include <linux/types.h>
#include <nts/config.h>

#include "netdev.h"

struct port_range {
	__u16 lo;
	__u16 hi;
};

/* net.ipv4.ip_local_port_range of the current network namespace. */
int local_port_range(struct port_range *r);

/*
 * The larger stretch of 1024-65535 outside @local; empty (1024-1023) when
 * @local leaves nothing.
 */
struct port_range nat_port_range_default(const struct port_range *local);

/* How many ports @r holds: 0 when HI < LO. */
static inline unsigned int port_range_size(const struct port_range *r)
{
	return r->hi >= r->lo ? r->hi - r->lo + 1U : 0;
}

/* Fewer ports than this by default: the NAT would starve, refuse it. */
#define NAT_PORTS_MIN 1024

/* "LO-HI"; 0 or -EINVAL. */
int port_range_parse(const char *s, struct port_range *r);

static inline int port_range_overlap(const struct port_range *a,
				     const struct port_range *b)
{
	return a->lo <= b->hi && b->lo <= a->hi;
}

/*
 * Mark the ports of every TCP and UDP socket bound to one of @addrs or to
 * the wildcard address in this network namespace (IPv6 wildcard too).
 */
int ports_scan(struct nts_ports used[NTS_PORTS_MAX],
	       const struct addr_set *addrs);

static inline void ports_set(struct nts_ports *p, __u16 port)
{
	p->bits[port / 64] |= 1ULL << (port % 64);
}

static inline int ports_test(const struct nts_ports *p, __u16 port)
{
	return !!(p->bits[port / 64] & (1ULL << (port % 64)));
}

#endif /* NTS_PORTS_H */
