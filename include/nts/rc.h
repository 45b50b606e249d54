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

#define RC_MAX 4096
/* After its first use an entry serves GN's parallel connections this long. */
#define RC_USE_GRACE_NS 1000000000ULL

#endif /* NTS_RC_H */
