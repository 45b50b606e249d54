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

/* An endpoint a translation rewrites to. */
struct nat_ep {
	__be32 addr;
	__be16 port;
};

static __always_inline __u64 nat_now(void)
{
	return bpf_ktime_get_coarse_ns();
}

/*
 * Note that the flow is alive; written at most once a second, and then
 * it returns true (and the cached forwarding decision is renewed).
 */
static __always_inline bool nat_touch(struct nat_entry *e, __u8 seen,
				      __u64 now)
{
	bool stamp = now - e->last_ns >= NSEC_PER_SEC;

	if (stamp)
		e->last_ns = now;
	if ((e->seen | seen) != e->seen)
		e->seen |= seen;
	return stamp;
}

/* The ports a mapping of inside port @port may get (RFC 4787 REQ-3). */
static __always_inline void port_range_for(const struct nts_config *cfg,
					   __u16 port, __u16 *lo, __u16 *hi)
{
	if (port < 1024) {
		*lo = 1;
		*hi = 1023;
	} else {
		*lo = cfg->port_lo;
		*hi = cfg->port_hi;
	}
}

static __always_inline bool port_usable(const struct nts_ports *used,
					__u16 lo, __u16 hi, __u16 port)
{
	if (port < lo || port > hi)
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
 * The external port of inside endpoint (addr, port) talking to (raddr,
 * rport): the existing mapping, else the same port when it is free, else
 * a random one, of the same parity (RFC 4787 REQ-4) for the first half of
 * the bounded retries and of any for the rest.
 * The mapping behaviour decides how much of the remote the mapping
 * depends on. Returns 0 or -errno.
 */
static __always_inline int nat_bind_get(const struct nts_config *cfg,
					__u8 proto, __be32 addr, __be16 port,
					__be32 raddr, __be16 rport,
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
	__u16 lo, hi, cand, want = bpf_ntohs(port);
	struct nts_ports *used;
	struct nat_bind *b;
	__u32 span;
	int i, err;

	if (cfg->mapping != NAT_MAP_EIM)
		ik.raddr = ob.raddr = raddr;
	if (cfg->mapping == NAT_MAP_APDM)
		ik.rport = ob.rport = rport;
	b = bpf_map_lookup_elem(&nat_bind, &ik);
	if (b) {
		/* Tells the GC, which may have found it unused, to keep it. */
		b->used_ns = now;
		*ext_port = b->port;
		return 0;
	}

	used = ports_used_get(proto);
	port_range_for(cfg, want, &lo, &hi);
	span = (__u32)hi - lo + 1;
	cand = want;
	for (i = 0; i <= NAT_PORT_RETRIES; i++) {
		if (i > 0) {
			cand = lo + bpf_get_prandom_u32() % span;
			if (i <= NAT_PORT_RETRIES / 2 && ((cand ^ want) & 1))
				cand = cand < hi ? cand + 1 : cand - 1;
		}
		if (!port_usable(used, lo, hi, cand))
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
		/* Another CPU made this mapping first: use its port. */
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
 * @seen. Returns 0, -EEXIST when another CPU created the flow first (its
 * entries stand), or another -errno when the table refused. Nothing is
 * looked up: a caller that needs an entry has the values it was made of.
 */
static __always_inline int nat_flow_create(const struct nat_key *out,
					   __be32 ext_addr, __be16 ext_port,
					   __u8 origin, __u8 out_seen,
					   __u8 in_seen, __u64 now)
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
	int err;

	nat_in_key(&in, out, ext_addr, ext_port);
	/* Inbound first, so that no reply can arrive before its entry. */
	err = bpf_map_update_elem(&nat, &in, &ie, BPF_ANY);
	if (err)
		return err;
	return bpf_map_update_elem(&nat, out, &oe, BPF_NOEXIST);
}

/* Address-dependent filtering: let @raddr reach mapping @ext_port. */
static __always_inline void nat_perm_add(__u8 proto, __be32 ext_addr,
					 __be16 ext_port, __be32 raddr,
					 __be32 in_addr, __be16 in_port,
					 __u64 now)
{
	struct nat_key k = {
		.saddr = raddr,
		.daddr = ext_addr,
		.dport = ext_port,
		.proto = proto,
		.dir = NAT_DIR_PERM,
	};
	struct nat_entry e = {
		.addr = in_addr,
		.port = in_port,
		.origin = NAT_ORIGIN_OUT,
		.created_ns = now,
		.last_ns = now,
	};

	bpf_map_update_elem(&nat, &k, &e, BPF_NOEXIST);
}

/*
 * An inbound packet @k (dir IN) that matched no flow: if the filtering
 * behaviour lets its source reach the mapping it is sent to, open the
 * flow and return its IN entry.
 */
static __always_inline struct nat_entry *
nat_filter_open(const struct nts_config *cfg, const struct nat_key *k,
		__u8 seen)
{
	struct nat_bind_key bk = {
		.addr = k->daddr,
		.port = k->dport,
		.proto = k->proto,
		.side = NAT_SIDE_OUTSIDE,
	};
	struct nat_key out = {
		.daddr = k->saddr,
		.dport = k->sport,
		.proto = k->proto,
		.dir = NAT_DIR_OUT,
	};
	struct nat_bind *b;
	__u64 now;
	int err;

	if (cfg->filtering == NAT_FILT_APDF ||
	    (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP))
		return NULL;
	b = bpf_map_lookup_elem(&nat_bind, &bk);
	if (!b)
		return NULL;
	if (cfg->filtering == NAT_FILT_ADF) {
		struct nat_key pk = {
			.saddr = k->saddr,
			.daddr = k->daddr,
			.dport = k->dport,
			.proto = k->proto,
			.dir = NAT_DIR_PERM,
		};

		if (!bpf_map_lookup_elem(&nat, &pk))
			return NULL;
	}
	now = nat_now();
	out.saddr = b->addr;
	out.sport = b->port;
	err = nat_flow_create(&out, k->daddr, k->dport, NAT_ORIGIN_IN, 0, seen,
			      now);
	if (err && err != -EEXIST)
		return NULL;
	return verdict(bpf_map_lookup_elem(&nat, k), NTS_STAT_IN_FILTER_OPEN);
}

#endif /* NTS_BPF_NAT_H */
