/* SPDX-License-Identifier: GPL-2.0 */
/* What we need to know about network interfaces. */
#ifndef NTS_NETDEV_H
#define NTS_NETDEV_H

#include <stdbool.h>
#include <linux/types.h>

/* The first IPv4 address of @ifname; 0 or -errno (-EADDRNOTAVAIL: none). */
int netdev_ipv4_addr(const char *ifname, __be32 *addr);

/*
 * Whether the device accepts XDP_REDIRECTed frames (NETDEV_XDP_ACT_NDO_XMIT,
 * which for a veth also means its peer can receive them). Asked over the
 * "netdev" generic netlink family, Linux 6.3 and later; -EOPNOTSUPP where
 * the kernel can't tell.
 */
int netdev_xdp_ndo_xmit(int ifindex, bool *capable);

#endif /* NTS_NETDEV_H */
