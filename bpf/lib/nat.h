/* SPDX-License-Identifier: GPL-2.0 */
/* NAT table operations shared by both hooks: bindings and flows. */
#ifndef NTS_BPF_NAT_H
#define NTS_BPF_NAT_H

#include <stdbool.h>
#include <linux/errno.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "maps.h"

#define NSEC_PER_SEC 1000000000ULL

static __always_inline __u64 nat_now(void)
{
	return bpf_ktime_get_coarse_ns();
}

/* Note that the flow is alive; written at most once a second. */
static __always_inline void nat_touch(struct nat_entry *e, __u8 seen,
				      __u64 now)
{
	if (now - e->last_ns >= NSEC_PER_SEC)
		e->last_ns = now;
	if ((e->seen | seen) != e->seen)
		e->seen |= seen;
}

static __always_inline bool port_usable(const struct nts_config *cfg,
					const struct nts_ports *used,
					__u16 port)
{
	if (port < cfg->port_lo || port > cfg->port_hi)
		return false;
	if (used && (used->bits[(port >> 6) & 1023] & (1ULL << (port & 63))))
		return false;
	return true;
}

static __always_inline struct nts_ports *ports_used_get(__u8 proto)
{
	__u32 key;

	if (proto == IPPROTO_TCP)
		key = NTS_PORTS_TCP;
	else if (proto == IPPROTO_UDP)
		key = NTS_PORTS_UDP;
	else
		return NULL;
	return bpf_map_lookup_elem(&ports_used, &key);
}

/*
 * The external port of inside endpoint (addr, port): the existing binding
 * (endpoint-independent mapping), else the same port when it is free,
 * else a random one, with bounded retries. Returns 0 or -errno.
 */
static __always_inline int nat_bind_get(const struct nts_config *cfg,
					__u8 proto, __be32 addr, __be16 port,
					__be16 *ext_port, __u64 now)
{
	struct nat_bind_key ik = {
		.addr = addr,
		.port = port,
		.proto = proto,
		.side = NAT_SIDE_INSIDE,
	};
	struct nat_bind_key ok = {
		.addr = cfg->wan_addr,
		.proto = proto,
		.side = NAT_SIDE_OUTSIDE,
	};
	struct nat_bind ob = { .addr = addr, .port = port, .used_ns = now };
	struct nat_bind ib = { .addr = cfg->wan_addr, .used_ns = now };
	struct nts_ports *used;
	struct nat_bind *b;
	__u32 span;
	__u16 cand;
	int i, err;

	b = bpf_map_lookup_elem(&nat_bind, &ik);
	if (b) {
		/* Tells the GC, which may have found it unused, to keep it. */
		b->used_ns = now;
		*ext_port = b->port;
		return 0;
	}

	used = ports_used_get(proto);
	span = (__u32)cfg->port_hi - cfg->port_lo + 1;
	cand = bpf_ntohs(port);
	for (i = 0; i <= NAT_PORT_RETRIES; i++) {
		if (i > 0)
			cand = cfg->port_lo + bpf_get_prandom_u32() % span;
		if (!port_usable(cfg, used, cand))
			continue;
		ok.port = bpf_htons(cand);
		err = bpf_map_update_elem(&nat_bind, &ok, &ob, BPF_NOEXIST);
		if (!err)
			goto claimed;
		if (err != -EEXIST)
			return err;
	}
	return -EADDRNOTAVAIL;

claimed:
	ib.port = ok.port;
	err = bpf_map_update_elem(&nat_bind, &ik, &ib, BPF_NOEXIST);
	if (err) {
		/* Another CPU bound this endpoint first: use its port. */
		bpf_map_delete_elem(&nat_bind, &ok);
		b = bpf_map_lookup_elem(&nat_bind, &ik);
		if (!b)
			return err == -EEXIST ? -EAGAIN : err;
		*ext_port = b->port;
		return 0;
	}
	stat_inc(NTS_STAT_OUT_NEW_BIND);
	if (i == 0)
		stat_inc(NTS_STAT_OUT_PORT_KEPT);
	*ext_port = ok.port;
	return 0;
}

/* The key of the other direction of the flow whose OUT key is @out. */
static __always_inline void nat_in_key(struct nat_key *in,
				       const struct nat_key *out,
				       __be32 ext_addr, __be16 ext_port)
{
	in->saddr = out->daddr;
	in->daddr = ext_addr;
	in->sport = out->dport;
	in->dport = ext_port;
	in->proto = out->proto;
	in->dir = NAT_DIR_IN;
	in->pad = 0;
}

/*
 * Create both directions of a flow: @out is the OUT key, @ext the external
 * endpoint. The entry of the direction that saw the first packet gets
 * @seen. Returns the OUT entry, or NULL when the table refused.
 */
static __always_inline struct nat_entry *
nat_flow_create(const struct nat_key *out, __be32 ext_addr, __be16 ext_port,
		__u8 origin, __u8 out_seen, __u8 in_seen, __u64 now)
{
	struct nat_entry oe = {
		.addr = ext_addr,
		.port = ext_port,
		.seen = out_seen,
		.origin = origin,
		.created_ns = now,
		.last_ns = now,
	};
	struct nat_entry ie = {
		.addr = out->saddr,
		.port = out->sport,
		.seen = in_seen,
		.origin = origin,
		.created_ns = now,
		.last_ns = now,
	};
	struct nat_key in;

	nat_in_key(&in, out, ext_addr, ext_port);
	/* Inbound first, so that no reply can arrive before its entry. */
	if (bpf_map_update_elem(&nat, &in, &ie, BPF_ANY))
		return NULL;
	/* On -EEXIST another CPU created the flow: use that one. */
	bpf_map_update_elem(&nat, out, &oe, BPF_NOEXIST);
	return bpf_map_lookup_elem(&nat, out);
}

#endif /* NTS_BPF_NAT_H */
