/* SPDX-License-Identifier: GPL-2.0 */
/* The flow of a packet leaving from inside, for tc egress and hairpin. */
#ifndef NTS_BPF_NAT_OUT_H
#define NTS_BPF_NAT_OUT_H

#include <bpf/bpf_endian.h>

#include "maps.h"
#include "nat.h"
#include "parse.h"

/* Multicast and broadcast: never through a flow. */
static __always_inline bool addr_is_group(__be32 addr)
{
	return (bpf_ntohl(addr) & 0xf0000000) == 0xe0000000 ||
	       addr == 0xffffffff;
}

/* The OUT entry of the packet's flow, if it has one: nothing made. */
static __always_inline struct nat_entry *nat_out_lookup(struct pkt *p)
{
	p->key.dir = NAT_DIR_OUT;
	return bpf_map_lookup_elem(&nat, &p->key);
}

/*
 * A packet of flow @e: the flow notes it, @t gets the new source. True
 * once a second, when the flow's timestamp moved on (nat_touch()).
 */
static __always_inline bool nat_out_hit(struct nat_entry *e,
					const struct pkt *p, __u64 now,
					struct nat_ep *t)
{
	t->addr = e->addr;
	t->port = e->port;
	return nat_touch(e, p->seen, now);
}

/*
 * The new source of this outbound packet, into @t: from its flow, which
 * its first packet creates and every packet touches. False: no flow.
 */
static __always_inline bool nat_out_flow(const struct nts_config *cfg,
					 struct pkt *p, __u64 now,
					 struct nat_ep *t)
{
	struct nat_entry *e;
	__be16 ext_port = 0;
	int err;

	e = nat_out_lookup(p);
	if (e)
		goto found;

	/* Only a request may open a flow from inside. */
	if (p->key.proto == IPPROTO_ICMP && !p->sport)
		return false;

	err = nat_bind_get(cfg, p->key.proto, p->key.saddr, p->key.sport,
			   p->key.daddr, p->key.dport, &ext_port, now);
	if (err) {
		if (err == -EADDRNOTAVAIL) {
			stat_inc(NTS_STAT_OUT_NO_PORT);
			p->no_port = 1;
		} else {
			stat_inc(NTS_STAT_OUT_NO_SPACE);
		}
		return false;
	}
	err = nat_flow_create(&p->key, cfg->wan_addr, ext_port, NAT_ORIGIN_OUT,
			      p->seen, 0, now);
	if (err == -EEXIST) {
		/* Another CPU was first: its flow it is. */
		e = bpf_map_lookup_elem(&nat, &p->key);
		if (e)
			goto found;
	}
	if (err)
		return verdict(false, NTS_STAT_OUT_NO_SPACE);
	if (cfg->filtering == NAT_FILT_ADF)
		nat_perm_add(p->key.proto, cfg->wan_addr, ext_port,
			     p->key.daddr, p->key.saddr, p->key.sport, now);
	/* Just made of these, and seen: nothing to touch. */
	t->addr = cfg->wan_addr;
	t->port = ext_port;
	return verdict(true, NTS_STAT_OUT_NEW);

found:
	nat_out_hit(e, p, now, t);
	return true;
}

#endif /* NTS_BPF_NAT_OUT_H */
