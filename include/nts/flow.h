/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flow's state from what each direction of it has seen (DESIGN section
 * 5): the expiry pass in the kernel (bpf/nts_gc.bpf.c) and user space
 * (ntsctl, user/lib/flow.c) decide it the same way. The includer brings
 * IPPROTO_* (netinet/in.h or linux/in.h).
 */
#ifndef NTS_FLOW_H_SHARED
#define NTS_FLOW_H_SHARED

#include <linux/types.h>
#include <nts/nat.h>

enum flow_state {
	FLOW_UDP,
	FLOW_ICMP,
	FLOW_TCP_SYN_SENT,	/* one side has spoken */
	FLOW_TCP_ESTABLISHED,	/* both sides have, no FIN or RST */
	FLOW_TCP_CLOSING,	/* FIN in one direction */
	FLOW_TCP_TIME_WAIT,	/* FIN in both directions */
	FLOW_TCP_CLOSED,	/* RST */
	FLOW_STATE_MAX,
};

static inline enum flow_state flow_state(__u8 proto, __u8 out_seen,
					 __u8 in_seen)
{
	__u8 both = out_seen | in_seen;

	if (proto == IPPROTO_UDP)
		return FLOW_UDP;
	if (proto != IPPROTO_TCP)
		return FLOW_ICMP;
	if (both & NAT_SEEN_RST)
		return FLOW_TCP_CLOSED;
	if ((out_seen & NAT_SEEN_FIN) && (in_seen & NAT_SEEN_FIN))
		return FLOW_TCP_TIME_WAIT;
	if (both & NAT_SEEN_FIN)
		return FLOW_TCP_CLOSING;
	if ((out_seen & NAT_SEEN_PKT) && (in_seen & NAT_SEEN_PKT))
		return FLOW_TCP_ESTABLISHED;
	return FLOW_TCP_SYN_SENT;
}

/* The key of the other direction of entry (@k, @e). */
static inline void nat_twin_key(struct nat_key *twin, const struct nat_key *k,
				const struct nat_entry *e)
{
	__builtin_memset(twin, 0, sizeof(*twin));
	twin->proto = k->proto;
	if (k->dir == NAT_DIR_OUT) {
		/* in:ip -> r:rp becomes r:rp -> ext:ep */
		twin->dir = NAT_DIR_IN;
		twin->saddr = k->daddr;
		twin->sport = k->dport;
		twin->daddr = e->addr;
		twin->dport = e->port;
	} else {
		/* r:rp -> ext:ep becomes in:ip -> r:rp */
		twin->dir = NAT_DIR_OUT;
		twin->saddr = e->addr;
		twin->sport = e->port;
		twin->daddr = k->saddr;
		twin->dport = k->sport;
	}
}

#endif /* NTS_FLOW_H_SHARED */
