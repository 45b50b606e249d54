// SPDX-License-Identifier: GPL-2.0
/* --v6-router: the IPv6 prefixes behind each NTS router, longest first. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "v6route.h"

/* Does @a start with the first @len bits of @p? */
static bool has_prefix(const uint8_t a[16], const uint8_t p[16],
		       unsigned int len)
{
	unsigned int whole = len / 8, rest = len % 8;
	uint8_t mask = (uint8_t)(0xff00 >> rest);

	if (memcmp(a, p, whole))
		return false;
	return !rest || !((a[whole] ^ p[whole]) & mask);
}

/* "/LEN" (or nothing: 128) into @len; false if it isn't 0..128. */
static bool parse_len(const char *s, unsigned int *len)
{
	unsigned long v;
	char *end;

	if (!*s) {
		*len = 128;
		return true;
	}
	if (*s != '/' || s[1] < '0' || s[1] > '9')
		return false;
	errno = 0;
	v = strtoul(s + 1, &end, 10);
	if (*end || errno || v > 128)
		return false;
	*len = v;
	return true;
}

/*
 * A prefix with bits set past its length is a typo as often as not
 * (2001:db8::1/48 for 2001:db8::/48): refused, with the one it may mean.
 */
static bool host_bits(const struct nts_v6route *r, char *err, size_t errlen,
		      const char *prefix)
{
	uint8_t net[16] = {};
	char text[INET6_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < r->len; i++)
		net[i / 8] |= r->prefix[i / 8] & (0x80 >> (i % 8));
	if (!memcmp(net, r->prefix, 16))
		return false;
	inet_ntop(AF_INET6, net, text, sizeof(text));
	snprintf(err, errlen,
		 "'%s' has bits set past /%u: give the network, e.g. %s/%u",
		 prefix, r->len, text, r->len);
	return true;
}

int v6route_parse(const char *arg, struct nts_v6route *r, char *err,
		  size_t errlen)
{
	const char *eq = strchr(arg, '=');
	char prefix[INET6_ADDRSTRLEN + 8], *slash;
	struct in_addr router;
	size_t n;

	memset(r, 0, sizeof(*r));
	n = eq ? (size_t)(eq - arg) : 0;
	if (!eq || !n || n >= sizeof(prefix)) {
		snprintf(err, errlen,
			 "'%s' is not PREFIX=ROUTER_IPv4 (e.g. "
			 "2001:db8:1::/48=198.51.100.2)",
			 arg);
		return -EINVAL;
	}
	memcpy(prefix, arg, n);
	prefix[n] = '\0';
	slash = strchr(prefix, '/');
	if (!parse_len(slash ? slash : "", &r->len)) {
		snprintf(err, errlen,
			 "'%s': the prefix length must be /0 to /128", prefix);
		return -EINVAL;
	}
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET6, prefix, r->prefix) != 1) {
		snprintf(err, errlen,
			 "'%s' is not an IPv6 address (e.g. 2001:db8:1::)",
			 prefix);
		return -EINVAL;
	}
	if (slash)
		*slash = '/';
	if (host_bits(r, err, errlen, prefix))
		return -EINVAL;
	/* NTS-Nego goes to the router over IPv4: its address is one. */
	if (inet_pton(AF_INET, eq + 1, &router) != 1 || !router.s_addr) {
		snprintf(err, errlen,
			 "'%s' is not the router's IPv4 address (its "
			 "NTS-Nego address, e.g. 198.51.100.2)",
			 eq + 1);
		return -EINVAL;
	}
	r->router = router.s_addr;
	return 0;
}

const struct nts_v6route *v6route_match(const struct nts_v6route *r, size_t n,
					const uint8_t addr[16])
{
	const struct nts_v6route *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (has_prefix(addr, r[i].prefix, r[i].len) &&
		    (!best || r[i].len > best->len))
			best = &r[i];
	return best;
}
