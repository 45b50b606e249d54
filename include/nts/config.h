/* SPDX-License-Identifier: GPL-2.0 */
/* Datapath configuration: one entry of the pinned `config` array. */
#ifndef NTS_CONFIG_H
#define NTS_CONFIG_H

#include <linux/types.h>
#include <nts/abi.h>

#define NTS_NEGO_PORT 20053
/* Global addresses a router may own on its WAN interface. */
#define NTS_ADDRS_MAX 8
/* DDNS servers whose answers the router trusts (--ddns-server). */
#define NTS_DDNS_MAX 8
/* Networks NOTICEs may come from (--nts-server). */
#define NTS_SERVERS_MAX 8

enum nts_cfg_flags {
	NTS_CFG_ENABLED = 1 << 0,	/* user space finished setting up */
	NTS_CFG_SYN_PASS = 1 << 1,	/* unsolicited SYNs go to the stack */
	NTS_CFG_HAIRPIN = 1 << 2,	/* inside hosts reach mapped ports */
	NTS_CFG_ZONES = 1 << 3,		/* learn names only in phl_zones */
	/*
	 * User space only: ntsload created the clsact qdisc on the WAN /
	 * the LAN, so the ntsload that takes the datapath off (maybe after
	 * --keep, maybe --detach) removes it when it is left empty.
	 */
	NTS_CFG_OWN_QDISC_WAN = 1 << 4,
	NTS_CFG_OWN_QDISC_LAN = 1 << 5,
	/* LAN -> WAN packets of known flows skip the stack (nts_lan_in) */
	NTS_CFG_FASTPATH = 1 << 6,
};

struct nts_ddns_server {
	__be32 addr;
	__be16 port;
	__u16 pad;
};

/* An IPv4 network, both in network byte order. */
struct nts_cidr4 {
	__be32 net;
	__be32 mask;
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
	__u32 lan_ifindex;	/* nts_lan_in is attached there; 0: nowhere */
	__u32 naddrs;
	__be32 addrs[NTS_ADDRS_MAX];	/* all of the router's own, WAN */
	__u32 phl_quota;	/* snooped names per inside host */
	__u32 nddns;
	struct nts_ddns_server ddns[NTS_DDNS_MAX];	/* trusted servers */
	__u32 nnts;		/* 0: NOTICEs from anywhere */
	struct nts_cidr4 nts[NTS_SERVERS_MAX];
};
NTS_PINNED(struct nts_config, 204);
NTS_PINNED_AT(struct nts_config, addrs, 32);
NTS_PINNED_AT(struct nts_config, ddns, 72);
NTS_PINNED_AT(struct nts_config, nts, 140);

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
NTS_PINNED(struct nts_ports, 8192);

#endif /* NTS_CONFIG_H */
