/* SPDX-License-Identifier: GPL-2.0 */
/* What we need to know about network interfaces. */
#ifndef NTS_NETDEV_H
#define NTS_NETDEV_H

#include <stdbool.h>
#include <linux/types.h>

#include <nts/config.h>

/* The router's global addresses; the first is the source of outbound NAT. */
struct addr_set {
	__be32 a[NTS_ADDRS_MAX];
	int n;
};

static inline bool addr_set_has(const struct addr_set *s, __be32 addr)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->a[i] == addr)
			return true;
	return false;
}

static inline bool addr_set_eq(const struct addr_set *x,
			       const struct addr_set *y)
{
	int i;

	if (x->n != y->n)
		return false;
	for (i = 0; i < x->n; i++)
		if (x->a[i] != y->a[i])
			return false;
	return true;
}

/* The IPv4 addresses of @ifname, at most NTS_ADDRS_MAX; 0 or -errno
 * (-EADDRNOTAVAIL: none). */
int netdev_ipv4_addrs(const char *ifname, struct addr_set *s);

/* Is @addr one of @ifname's IPv4 addresses (however many it has)? */
bool netdev_has_ipv4(const char *ifname, __be32 addr);

/*
 * How many tc filters (of any kind, BPF or not) are attached under
 * @parent (e.g. the clsact qdisc's ingress or egress) of @ifindex, over
 * rtnetlink; 0 when there is no such qdisc; or -errno.
 */
int netdev_tc_filters(int ifindex, __u32 parent);

/*
 * Whether the device accepts XDP_REDIRECTed frames (NETDEV_XDP_ACT_NDO_XMIT,
 * which for a veth also means its peer can receive them). Asked over the
 * "netdev" generic netlink family, Linux 6.3 and later; -EOPNOTSUPP where
 * the kernel can't tell.
 */
int netdev_xdp_ndo_xmit(int ifindex, bool *capable);

#endif /* NTS_NETDEV_H */
