/* SPDX-License-Identifier: GPL-2.0 */
/* Datapath configuration: one entry of the pinned `config` array. */
#ifndef NTS_CONFIG_H
#define NTS_CONFIG_H

#include <linux/types.h>

#define NTS_NEGO_PORT 20053
/* Global addresses a router may own on its WAN interface. */
#define NTS_ADDRS_MAX 8

enum nts_cfg_flags {
	NTS_CFG_ENABLED = 1 << 0,	/* user space finished setting up */
	NTS_CFG_SYN_PASS = 1 << 1,	/* unsolicited SYNs go to the stack */
	NTS_CFG_HAIRPIN = 1 << 2,	/* inside hosts reach mapped ports */
	/*
	 * User space only: ntsload created the clsact qdisc on the WAN /
	 * the LAN, so the ntsload that takes the datapath off (maybe after
	 * --keep, maybe --detach) removes it when it is left empty.
	 */
	NTS_CFG_OWN_QDISC_WAN = 1 << 3,
	NTS_CFG_OWN_QDISC_LAN = 1 << 4,
};

struct nts_config {
	__be32 wan_addr;	/* the source of outbound NAT */
	__u32 wan_ifindex;
	__u16 port_lo;		/* NAT range for TCP/UDP, host order */
	__u16 port_hi;
	__u32 flags;		/* enum nts_cfg_flags */
	__u32 phl_min_ttl;	/* seconds a registration lasts at least */
	__u16 nego_port;	/* never opened from the RC, host order */
	__u8 mapping;		/* enum nat_mapping */
	__u8 filtering;		/* enum nat_filtering */
	__u32 lan_ifindex;	/* hairpin: nts_lan_in is attached there */
	__u32 naddrs;
	__be32 addrs[NTS_ADDRS_MAX];	/* all of the router's own, WAN */
};

/*
 * Ports the router's own sockets use, which the NAT must never hand out:
 * one bit per port, one map entry per protocol.
 */
enum nts_port_proto {
	NTS_PORTS_TCP = 0,
	NTS_PORTS_UDP = 1,
	NTS_PORTS_MAX,
};

struct nts_ports {
	__u64 bits[65536 / 64];
};

#endif /* NTS_CONFIG_H */
