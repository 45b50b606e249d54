/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --v6-router PREFIX=ROUTER_IPv4: which NTS router an AAAA record's
 * address is behind (issue 19). NTS-Nego itself stays IPv4, so the
 * router of an IPv6 address is named by the IPv4 address it listens on.
 * No sockets, no state: parsed once, matched per record.
 */
#ifndef NTSDNS_V6ROUTE_H
#define NTSDNS_V6ROUTE_H

#include <stddef.h>
#include <stdint.h>

struct nts_v6route {
	uint8_t prefix[16]; /* the bits past len are 0 */
	unsigned int len;   /* 0..128 */
	uint32_t router;    /* IPv4, network order */
};

/*
 * "2001:db8:1::/48=198.51.100.2" into @r ("/LEN" left out: /128). On
 * error -EINVAL and, in @err, what is wrong and what would do.
 */
int v6route_parse(const char *arg, struct nts_v6route *r, char *err,
		  size_t errlen);

/* The route of @n in @r with the longest prefix holding @addr, or NULL. */
const struct nts_v6route *v6route_match(const struct nts_v6route *r, size_t n,
					const uint8_t addr[16]);

#endif /* NTSDNS_V6ROUTE_H */
