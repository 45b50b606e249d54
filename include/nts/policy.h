/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-host exposure policy (DESIGN section 7): which protocols and ports
 * of an inside host a negotiated GN may open. Set by name in the pinned
 * `policy` map (ntsctl policy); copied into each request cache entry when
 * a NOTICE is accepted, so that XDP needs no name lookup.
 */
#ifndef NTS_POLICY_H
#define NTS_POLICY_H

#include <linux/types.h>
#include <nts/abi.h>

#define POLICY_RULES_MAX 16
#define POLICY_MAX	 4096

enum policy_flags {
	POLICY_ALL = 1 << 0,	/* everything: the paper's behaviour */
};

struct policy_rule {
	__u8 proto;		/* IPPROTO_TCP, _UDP or _ICMP (echo) */
	__u8 pad;
	__u16 lo;		/* ports, host order; ignored for ICMP */
	__u16 hi;
};

struct nts_policy {
	__u32 flags;		/* enum policy_flags */
	__u32 n;		/* rules used; 0 without ALL: nothing */
	struct policy_rule rules[POLICY_RULES_MAX];
};
NTS_PINNED(struct nts_policy, 104);

#endif /* NTS_POLICY_H */
