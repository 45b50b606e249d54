/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening a flow from the request cache (DESIGN section 1, step 3): GN's
 * first packet to GA2:d becomes the flow GN:s <-> GA2:d <-> inside:d.
 */
#ifndef NTS_BPF_RC_H
#define NTS_BPF_RC_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "maps.h"
#include "nat.h"
#include "parse.h"

/* Only what opens a conversation may open a flow. */
static __always_inline bool rc_opener(const struct pkt *p)
{
	switch (p->key.proto) {
	case IPPROTO_TCP:
		return p->tcp_syn_only;
	case IPPROTO_ICMP:
		return p->sport != NULL; /* an echo request */
	default:
		return true;
	}
}

/* Ports the router itself serves stay the router's. */
static __always_inline bool rc_router_port(const struct nts_config *cfg,
					   const struct pkt *p)
{
	__u16 port = bpf_ntohs(p->key.dport);
	struct nts_ports *used;

	if (p->key.proto == IPPROTO_UDP && port == cfg->nego_port)
		return true;
	used = ports_used_get(p->key.proto);
	return !port_usable(used, 0, 65535, port);
}

/* Does the inside host's exposure policy let GN open this? */
static __always_inline bool rc_allowed(const struct nts_policy *pol,
				       const struct pkt *p)
{
	__u16 port = bpf_ntohs(p->key.dport);
	__u32 i;

	if (pol->flags & POLICY_ALL)
		return true;
	for (i = 0; i < POLICY_RULES_MAX; i++) {
		const struct policy_rule *r = &pol->rules[i];

		if (i >= pol->n)
			break;
		if (r->proto == p->key.proto &&
		    (r->proto == IPPROTO_ICMP || (port >= r->lo && port <= r->hi)))
			return true;
	}
	return false;
}

/* Claim the mapping inside:d <-> ext:d if nobody has ext:d; else share. */
static __always_inline void rc_bind(const struct pkt *p, __be32 inside,
				    __u64 now)
{
	struct nat_bind_key ok = {
		.addr = p->key.daddr,
		.port = p->key.dport,
		.proto = p->key.proto,
		.side = NAT_SIDE_OUTSIDE,
	};
	struct nat_bind_key ik = {
		.addr = inside,
		.port = p->key.dport,
		.proto = p->key.proto,
		.side = NAT_SIDE_INSIDE,
	};
	struct nat_bind ob = { .addr = inside, .port = p->key.dport,
			       .used_ns = now };
	struct nat_bind ib = { .addr = p->key.daddr, .port = p->key.dport,
			       .used_ns = now };

	if (!bpf_map_update_elem(&nat_bind, &ok, &ob, BPF_NOEXIST) &&
	    bpf_map_update_elem(&nat_bind, &ik, &ib, BPF_NOEXIST))
		bpf_map_delete_elem(&nat_bind, &ok);
}

/*
 * Prefix entries (issue 20) are looked up and claimed in functions of
 * their own: their keys then sit on a frame of their own, not on the
 * program's, whose stack and a global function's must fit in 512 bytes.
 */
static __noinline struct rc_entry *rc_prefix_find(const struct pkt *p)
{
	struct rc_prefix_key pk = {
		.prefixlen = 64,
		.ext = p->key.daddr,
		.gn = p->key.saddr,
	};

	return bpf_map_lookup_elem(&rc_prefix, &pk);
}

/*
 * The prefix entry @pe, which @p's source is a host of, goes to that
 * host: copied into rc, keyed by it, then deleted from rc_prefix. Of two
 * hosts at once, the one whose delete succeeded has it; the other takes
 * its copy back. The host's entry, or NULL.
 */
static __noinline struct rc_entry *rc_claim(const struct pkt *p,
					    struct rc_entry *pe)
{
	struct rc_key k = { .gn = p->key.saddr, .ext = p->key.daddr };
	__u32 plen = RC_F_PLEN(pe->flags);
	struct rc_prefix_key pk = {
		.prefixlen = 32 + plen,
		.ext = p->key.daddr,
		.gn = p->key.saddr &
		      bpf_htonl(plen ? 0xffffffffU << (32 - (plen & 31)) : 0),
	};
	struct rc_entry *req;

	if (plen >= 32 || bpf_map_update_elem(&rc, &k, pe, BPF_NOEXIST))
		return NULL;
	if (bpf_map_delete_elem(&rc_prefix, &pk)) {
		bpf_map_delete_elem(&rc, &k);
		return NULL;
	}
	req = bpf_map_lookup_elem(&rc, &k);
	if (req)
		req->flags |= RC_F_PREFIX;
	return req;
}

/*
 * @p (its key with dir IN) matched no flow. If its source has a live RC
 * entry, or is a host of a network with one, open the flow and return
 * its IN entry.
 */
static __always_inline struct nat_entry *rc_open(const struct nts_config *cfg,
						 struct pkt *p)
{
	struct rc_key k = { .gn = p->key.saddr, .ext = p->key.daddr };
	struct nat_key out = {
		.daddr = p->key.saddr,
		.sport = p->key.dport,
		.dport = p->key.sport,
		.proto = p->key.proto,
		.dir = NAT_DIR_OUT,
	};
	struct rc_entry *req, *pe;
	bool prefix = false;
	__u64 now;
	int err;

	now = nat_now();
	req = bpf_map_lookup_elem(&rc, &k);
	/* A host's own entry first; a spent one does not hide its network's. */
	if (!req || now > req->expires_ns) {
		pe = rc_prefix_find(p);
		if (pe) {
			if (req)
				bpf_map_delete_elem(&rc, &k);
			req = pe;
			prefix = true;
		} else if (!req) {
			return NULL;
		}
	}
	if (now > req->expires_ns)
		return verdict(NULL, NTS_STAT_RC_EXPIRED);
	if (!rc_opener(p))
		return verdict(NULL, NTS_STAT_RC_NOT_OPENER);
	if (!rc_allowed(&req->policy, p))
		return verdict(NULL, NTS_STAT_RC_POLICY);
	if (p->key.proto != IPPROTO_ICMP && rc_router_port(cfg, p))
		return verdict(NULL, NTS_STAT_RC_ROUTER_PORT);
	/* A network's entry is this host's from now on, and nobody else's. */
	if (prefix) {
		req = rc_claim(p, req);
		if (!req)
			return verdict(NULL, NTS_STAT_RC_PREFIX_LOST);
		stat_inc(NTS_STAT_RC_PREFIX_OPEN);
	}
	if (p->key.proto != IPPROTO_ICMP)
		rc_bind(p, req->inside, now);
	out.saddr = req->inside;
	err = nat_flow_create(&out, p->key.daddr, p->key.dport, NAT_ORIGIN_RC,
			      0, p->seen, now);
	if (err && err != -EEXIST)
		return verdict(NULL, NTS_STAT_RC_NO_SPACE);
	/* Parallel connections of GN get a moment more, then it goes. */
	if (!req->first_use_ns) {
		req->first_use_ns = now;
		if (req->expires_ns > now + RC_USE_GRACE_NS)
			req->expires_ns = now + RC_USE_GRACE_NS;
	}
	stat_inc(NTS_STAT_RC_OPEN);
	return bpf_map_lookup_elem(&nat, &p->key);
}

#endif /* NTS_BPF_RC_H */
