/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 networks as operators write them. */
#ifndef NTS_CIDR_H
#define NTS_CIDR_H

#include <stdbool.h>
#include <nts/config.h>

/* "192.0.2.0/24", or an address alone (/32). 0 or -EINVAL. */
int cidr4_parse(const char *s, struct nts_cidr4 *out);

/* Is @addr (network byte order) in @c? */
static inline bool cidr4_contains(const struct nts_cidr4 *c, __be32 addr)
{
	return (addr & c->mask) == c->net;
}

#endif /* NTS_CIDR_H */
