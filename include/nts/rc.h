/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Request Cache (RC): "GN is about to connect to this inside host",
 * written by ntsload on an accepted NTS-Nego NOTICE, read by XDP when GN's
 * first packet finds no NAT entry (DESIGN section 1, steps 2 and 3).
 */
#ifndef NTS_RC_H
#define NTS_RC_H

#include <linux/types.h>
#include <nts/abi.h>

#include "phl.h"
#include "policy.h"

/* GN, and the router's address GN was told (several: DESIGN section 7). */
struct rc_key {
	__be32 gn;
	__be32 ext;
};
NTS_PINNED(struct rc_key, 8);

struct rc_entry {
	__be32 inside;
	__u32 flags;
	__u64 created_ns;	/* CLOCK_MONOTONIC */
	__u64 expires_ns;
	__u64 first_use_ns;	/* 0 until a flow was opened from it */
	struct nts_policy policy;	/* what GN may open */
	char fqdn[PHL_NAME_MAX];
};
NTS_PINNED(struct rc_entry, 392);
NTS_PINNED_AT(struct rc_entry, policy, 32);
NTS_PINNED_AT(struct rc_entry, fqdn, 136);

/*
 * A NOTICE for a network, not a host (issue 20: EDNS Client Subnet names
 * the resolver's client's /24): the first host of it that connects gets
 * the entry, which then moves to rc, keyed by that host, with
 * RC_F_PREFIX set. An LPM trie: ext is always whole, then gn's prefix.
 */
struct rc_prefix_key {
	__u32 prefixlen; /* 32 (ext) + the network's length */
	__be32 ext;
	__be32 gn;	 /* the network, no host bits */
};
NTS_PINNED(struct rc_prefix_key, 12);

/* In rc_entry.flags: made from a prefix entry; its length in the low byte. */
#define RC_F_PREFIX	0x100
#define RC_F_PLEN(flags) ((flags) & 0xff)

#define RC_MAX 4096
#define RC_PREFIX_MAX 1024
/* Seconds an unused prefix entry lives (ntsload --rc-prefix-ttl). */
#define RC_PREFIX_TTL 2
/* The shortest network a prefix NOTICE may name (--rc-min-prefix). */
#define RC_MIN_PREFIX 24
/* After its first use an entry serves GN's parallel connections this long. */
#define RC_USE_GRACE_NS 1000000000ULL

#endif /* NTS_RC_H */
