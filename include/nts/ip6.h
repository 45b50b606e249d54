/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6: no NAT, a stateful firewall after RFC 6092 on the WAN interface,
 * opened from inside by outbound flows and from outside by NTS (issue 19).
 * Shared by the BPF datapath and user space. Everything here lives in maps
 * of its own, so that the IPv4 maps keep their pinned layout.
 *
 *   config6   the inside prefixes, the router's own WAN addresses, the
 *             trusted DDNS servers reached over IPv6 (ntsload fills it)
 *   fw6       one entry per flow, keyed inside -> remote whichever way
 *             the packet goes
 *   rc6       "GN may open a flow to this inside address" (NOTICE v6)
 *   phl6      name -> the inside host's IPv6 address (snooped AAAA)
 *
 * Addresses are 16 bytes in network order, as struct in6_addr holds them.
 */
#ifndef NTS_IP6_H
#define NTS_IP6_H

#include <linux/types.h>
#include <nts/abi.h>

#include "config.h"
#include "phl.h"
#include "policy.h"

struct nts_in6 {
	__be32 a[4];
};
NTS_PINNED(struct nts_in6, 16);

/* Inside prefixes (--lan-prefix, or the LAN interface's global ones). */
#define NTS_PREFIX6_MAX 8

struct nts_cidr6 {
	struct nts_in6 net;	/* host bits zero */
	__u8 len;		/* 0..128 */
	__u8 pad[3];
};
NTS_PINNED(struct nts_cidr6, 20);

struct nts_ddns6_server {
	struct nts_in6 addr;
	__be16 port;
	__u16 pad;
};
NTS_PINNED(struct nts_ddns6_server, 20);

struct nts_config6 {
	__u32 nprefix;		/* 0: the IPv6 firewall is off */
	struct nts_cidr6 prefix[NTS_PREFIX6_MAX];
	__u32 naddrs;
	struct nts_in6 addrs[NTS_ADDRS_MAX];	/* the router's own, WAN */
	__u32 nddns;
	struct nts_ddns6_server ddns[NTS_DDNS_MAX];
};
NTS_PINNED(struct nts_config6, 460);
NTS_PINNED_AT(struct nts_config6, addrs, 168);
NTS_PINNED_AT(struct nts_config6, ddns, 300);

/*
 * A flow: @inside is the inside host's address and port, @remote the
 * other end's. For ICMPv6 echo the identifier is @iport and @rport is 0.
 */
struct fw6_key {
	struct nts_in6 inside;
	struct nts_in6 remote;
	__be16 iport;
	__be16 rport;
	__u8 proto;
	__u8 pad[3];
};
NTS_PINNED(struct fw6_key, 40);

/*
 * Each hook writes only its direction's fields (seen_out from tc egress,
 * seen_in and the forwarding cache from XDP).
 */
struct fw6_entry {
	__u8 seen_out;		/* enum nat_seen, inside -> remote */
	__u8 seen_in;		/* enum nat_seen, remote -> inside */
	__u8 origin;		/* NAT_ORIGIN_OUT or NAT_ORIGIN_RC */
	__u8 pad;
	__u32 fwd_ifindex;	/* XDP's bpf_fib_lookup() cache; 0: none */
	__u64 created_ns;	/* CLOCK_MONOTONIC */
	__u64 last_out_ns;	/* 1 s resolution */
	__u64 last_in_ns;
	__u8 fwd_dmac[6];
	__u8 fwd_smac[6];
	__u32 pad2;
};
NTS_PINNED(struct fw6_entry, 48);
NTS_PINNED_AT(struct fw6_entry, last_out_ns, 16);

#define FW6_MAX_FLOWS 65536

/* GN's IPv6 address, and the inside address the NOTICE was accepted for. */
struct rc6_key {
	struct nts_in6 gn;
	struct nts_in6 inside;
};
NTS_PINNED(struct rc6_key, 32);

/* As struct rc_entry, less the address: the key holds it. */
struct rc6_entry {
	__u32 flags;
	__u32 pad;
	__u64 created_ns;
	__u64 expires_ns;
	__u64 first_use_ns;	/* 0 until a flow was opened from it */
	struct nts_policy policy;
	char fqdn[PHL_NAME_MAX];
};
NTS_PINNED(struct rc6_entry, 392);
NTS_PINNED_AT(struct rc6_entry, policy, 32);

#define RC6_MAX 4096

/*
 * A NOTICE for an IPv6 network (issue 20: ECS /56), as rc_prefix_key:
 * the inside host whole, then GN's prefix. Its entry goes to the first
 * host of the network that connects, into rc6 (RC_F_PREFIX | length).
 */
struct rc6_prefix_key {
	__u32 prefixlen; /* 128 (inside) + the network's length */
	struct nts_in6 inside;
	struct nts_in6 gn;	 /* the network, no host bits */
};
NTS_PINNED(struct rc6_prefix_key, 36);

#define RC6_PREFIX_MAX 1024
/* The shortest IPv6 network a NOTICE may name (--rc-min-prefix6). */
#define RC_MIN_PREFIX6 56

/* What phl holds for IPv4, by the same name: one address per name. */
struct phl6_entry {
	struct nts_in6 addr;
	__u32 flags;		/* enum phl_flags */
	__u32 pad;
	__u64 registered_ns;
	__u64 expires_ns;	/* 0: never */
};
NTS_PINNED(struct phl6_entry, 40);

/*
 * AAAA registrations (issue 19), as phl.h's rules say for A, with these
 * differences: an AAAA record of class IN with 16 bytes of data adds the
 * name with the record's address (an inside host may have several; the
 * packet's source need not be the one it registers); type AAAA class ANY
 * or NONE deletes it, and type ANY class ANY deletes both families. At
 * commit the address must lie in an inside prefix (config6) and, for an
 * UPDATE sent over IPv6, in the sender's /64; the quota counts names per
 * /64. Over IPv6 only AAAA records are learnt: an A record there has no
 * IPv4 source to bind to.
 */
struct phl6_op {
	__u8 kind;		/* enum phl_op_kind */
	__u8 pad[3];
	__u32 ttl;
	struct nts_in6 addr;	/* PHL_OP_ADD: the record's address */
	char name[PHL_NAME_MAX];
};

/* Over IPv4 the addresses are IPv4-mapped (::ffff:a.b.c.d). */
struct phl6_pending_key {
	struct nts_in6 inside;
	struct nts_in6 server;
	__be16 port;
	__be16 server_port;
	__be16 id;
	__u16 pad;
};
NTS_PINNED(struct phl6_pending_key, 40);

struct phl6_pending {
	__u32 n;
	__u32 pad;
	__u64 created_ns;
	struct phl6_op ops[PHL_OPS_MAX];
};
NTS_PINNED(struct phl6_pending, 2256);
NTS_PINNED_AT(struct phl6_pending, ops, 16);

/* phl6_hosts: the /64 of the addresses (8 bytes) -> struct phl_host. */
struct phl6_host_key {
	__be32 net[2];
};
NTS_PINNED(struct phl6_host_key, 8);

/* @v4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d. */
static inline void nts_in6_mapped(struct nts_in6 *a, __be32 v4)
{
	a->a[0] = 0;
	a->a[1] = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	a->a[2] = 0xffff0000;	/* bytes 00 00 ff ff */
#else
	a->a[2] = 0x0000ffff;
#endif
	a->a[3] = v4;
}

#endif /* NTS_IP6_H */
