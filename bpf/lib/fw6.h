/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv6 stateful firewall (issue 19), after RFC 6092 "simple
 * security": no translation, only state. tc egress records the flows of
 * inside hosts in fw6; XDP ingress lets in what belongs to one and drops
 * the rest that is sent to an inside address. The router's own traffic
 * and anything outside the inside prefixes is not looked at.
 *
 * What it decides (DESIGN and README say the same):
 *  - TCP, UDP and ICMPv6 echo are flows by ports (echo: the identifier).
 *    Any other upper-layer protocol (ESP, SCTP, GRE...) is a flow of
 *    (inside, remote, protocol), ports 0, opened from inside only, with
 *    the ICMP timeout: RFC 6092 REC-8/9 asks that IPsec work out of the
 *    box, and this is the least state that lets it.
 *  - Fragments: a first fragment is decided by its ports as any packet.
 *    An inbound first fragment that passes records its datagram (key
 *    proto 44, the identification in the ports), and the later fragments
 *    of that datagram pass; any other later fragment is dropped, so an
 *    attacker can't reach an inside host with fragments, and a datagram
 *    whose first fragment comes last is lost (IPv6 hosts do PMTUD, the
 *    router can't park fragments for a host it does not know yet).
 *    Outbound fragments pass untouched.
 *  - ICMPv6 errors (1 to 4) pass when the packet they quote belongs to a
 *    flow; neighbour discovery (133 to 137) passes; any other ICMPv6
 *    type to an inside address is unsolicited and dropped.
 *  - Extension headers: hop-by-hop, routing, destination options, AH and
 *    fragment are walked, at most FW6_EXT_MAX of them; a longer chain is
 *    left unparsed (outbound: no state, inbound: dropped).
 *  - NTS: an inbound packet of no flow opens one if rc6 holds {source,
 *    destination}, as rc_open() does for IPv4: same window, same grace
 *    after the first use, same policy check. The router-port exception
 *    of IPv4 does not apply: the destination is the inside host's own
 *    address, never one the router shares.
 */
#ifndef NTS_BPF_FW6_H
#define NTS_BPF_FW6_H

#include <stddef.h>
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <nts/ip6.h>
#include <nts/rc.h>

#include "maps.h"
#include "maps6.h"
#include "nat.h"
#include "parse.h"
#include "rc.h"

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif
#define NEXTHDR_HOP	 0
#define NEXTHDR_ROUTING	 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_AUTH	 51
#define NEXTHDR_DEST	 60

#define ICMPV6_DEST_UNREACH	1
#define ICMPV6_PKT_TOOBIG	2
#define ICMPV6_TIME_EXCEED	3
#define ICMPV6_PARAMPROB	4
#define ICMPV6_ECHO_REQUEST	128
#define ICMPV6_ECHO_REPLY	129
#define ICMPV6_ND_FIRST		133	/* router solicitation */
#define ICMPV6_ND_LAST		137	/* redirect */

#define FW6_EXT_MAX 4
/* tc: bytes to make linear (Ethernet, IPv6, some options, TCP). */
#define FW6_HDR_MAX (ETH_HLEN + 40 + 64 + 20)

enum fw6_kind {
	FW6_OTHER,	/* not IPv6 */
	FW6_L4,		/* key complete: TCP, UDP, echo, or a protocol by 3-tuple */
	FW6_FRAG,	/* later fragment: no upper-layer header */
	FW6_ICMP_ERR,	/* ICMPv6 error: see fw6_err_key() */
	FW6_ND,		/* neighbour discovery */
	FW6_ICMP_OTHER,	/* another ICMPv6 type, or an echo reply */
	FW6_BAD,	/* truncated, or a chain too long to walk */
};

struct pkt6 {
	struct ipv6hdr *ip6h;
	void *l4;		/* upper-layer header (FW6_L4, _ICMP_*) */
	__u8 proto;		/* the upper-layer protocol */
	__u8 seen;		/* enum nat_seen */
	__u8 opener;		/* TCP SYN without ACK, echo request, UDP... */
	__u8 first_frag;	/* a first fragment, more to come */
	__u8 echo_reply;
	__u8 icmp_type;
	__be16 sport, dport;	/* echo: the identifier in both */
	__be32 frag_id;		/* with a fragment header */
	__u32 l4_off;
};

struct ip6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset << 3 | M */
	__be32 id;
};

/* What the walk over the extension headers found. */
struct fw6_walk {
	__u32 l4_off;		/* the upper-layer header, from the frame start */
	__u8 proto;		/* the upper-layer protocol */
	__u8 later;		/* a later fragment: no upper-layer header */
	__u8 first_frag;	/* a first fragment, more to come */
	__u8 pad;
	__be32 frag_id;
};

/*
 * Walk the extension headers from @nh at @off. Returns 0, or -1 when
 * truncated or longer than FW6_EXT_MAX. A later fragment stops the walk.
 */
static __always_inline int fw6_walk_at(void *data, void *data_end, __u32 off,
				       __u8 nh, struct fw6_walk *w)
{
	__u32 i;

	for (i = 0; i < FW6_EXT_MAX + 1; i++) {
		__u8 *h;

		if (off > 1024)
			return -1;
		/*
		 * The mask shows the verifier the bound the test sets; in asm,
		 * or the compiler drops it as redundant.
		 */
		asm volatile("%0 &= 0x7ff" : "+r"(off));
		h = data + off;
		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
		case NEXTHDR_AUTH:
			if (i == FW6_EXT_MAX || (void *)(h + 2) > data_end)
				return -1;
			off += nh == NEXTHDR_AUTH ? ((__u32)h[1] + 2) * 4 :
						    ((__u32)h[1] + 1) * 8;
			nh = h[0];
			break;
		case NEXTHDR_FRAGMENT: {
			struct ip6_frag_hdr *f = (void *)h;

			if (i == FW6_EXT_MAX || (void *)(f + 1) > data_end)
				return -1;
			w->frag_id = f->id;
			w->first_frag = !!(f->frag_off & bpf_htons(1));
			nh = f->nexthdr;
			off += sizeof(*f);
			if (f->frag_off & bpf_htons(0xfff8)) {
				w->later = 1;
				w->proto = nh;
				w->l4_off = off;
				return 0;
			}
			break;
		}
		default:
			w->proto = nh;
			w->l4_off = off;
			return 0;
		}
	}
	return -1;
}

/*
 * The walk as global functions, one a program type: verified once on
 * their own, they hand back one state however many headers were walked;
 * inlined, each way through the chain would be a path of its own through
 * the rest of the program, past the verifier's limit.
 */
__noinline int fw6_walk_xdp(struct xdp_md *ctx, __u32 off, __u32 nh,
			    struct fw6_walk *w)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (!w)
		return -1;
	return fw6_walk_at(data, data_end, off, nh, w);
}

__noinline int fw6_walk_skb(struct __sk_buff *skb, __u32 off, __u32 nh,
			    struct fw6_walk *w)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (!w)
		return -1;
	return fw6_walk_at(data, data_end, off, nh, w);
}

/* Ports of TCP or UDP at @l4, an echo's identifier; false if truncated. */
static __always_inline bool l4_ports(void *l4, void *data_end, __u8 proto,
				     __be16 *sport, __be16 *dport)
{
	__be16 *w = l4;

	*sport = 0;
	*dport = 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP &&
	    proto != IPPROTO_ICMPV6)
		return true;
	if ((void *)(w + 4) > data_end)
		return false;
	if (proto == IPPROTO_ICMPV6) {
		*sport = w[2];	/* identifier */
		return true;
	}
	*sport = w[0];
	*dport = w[1];
	return true;
}

/* The IPv6 header at @data (its Ethernet header), or NULL. */
static __always_inline struct ipv6hdr *fw6_ip6(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6h = (void *)(eth + 1);

	if ((void *)(ip6h + 1) > data_end ||
	    eth->h_proto != bpf_htons(ETH_P_IPV6) || ip6h->version != 6)
		return NULL;
	return ip6h;
}

/*
 * Parse the IPv6 packet at @data whose extension headers the walk @w
 * went through (@walked: its result).
 */
static __always_inline enum fw6_kind fw6_parse(void *data, void *data_end,
					       struct pkt6 *p,
					       const struct fw6_walk *w,
					       int walked)
{
	__u32 off = w->l4_off;

	__builtin_memset(p, 0, sizeof(*p));
	p->ip6h = fw6_ip6(data, data_end);
	if (!p->ip6h)
		return FW6_OTHER;
	p->seen = NAT_SEEN_PKT;
	p->proto = w->proto;
	p->frag_id = w->frag_id;
	p->first_frag = w->first_frag;
	if (walked || off > 1024)
		return FW6_BAD;
	if (w->later)
		return FW6_FRAG;
	p->l4 = data + (off & 0x7ff);	/* bound for the verifier */
	p->l4_off = off;
	if (!l4_ports(p->l4, data_end, p->proto, &p->sport, &p->dport))
		return FW6_BAD;

	switch (p->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = p->l4;

		if ((void *)(th + 1) > data_end)
			return FW6_BAD;
		p->seen = tcp_seen(th);
		p->opener = th->syn && !th->ack;
		return FW6_L4;
	}
	case IPPROTO_ICMPV6: {
		__u8 type;

		if (p->l4 + 8 > data_end)
			return FW6_BAD;
		type = *(__u8 *)p->l4;
		p->icmp_type = type;
		if (type == ICMPV6_ECHO_REQUEST) {
			p->opener = 1;
			return FW6_L4;
		}
		if (type == ICMPV6_ECHO_REPLY) {
			p->echo_reply = 1;
			return FW6_L4;
		}
		if (type >= ICMPV6_DEST_UNREACH && type <= ICMPV6_PARAMPROB)
			return FW6_ICMP_ERR;
		if (type >= ICMPV6_ND_FIRST && type <= ICMPV6_ND_LAST)
			return FW6_ND;
		return FW6_ICMP_OTHER;
	}
	default:
		/* UDP and the protocols kept by 3-tuple: any packet opens. */
		p->opener = 1;
		return FW6_L4;
	}
}

/* The flow key of @p, @inside_is_src: outbound. */
static __always_inline void fw6_key_of(const struct pkt6 *p,
				       bool inside_is_src, struct fw6_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->proto = p->proto;
	if (inside_is_src) {
		__builtin_memcpy(&k->inside, &p->ip6h->saddr, 16);
		__builtin_memcpy(&k->remote, &p->ip6h->daddr, 16);
		k->iport = p->sport;
		k->rport = p->dport;
	} else {
		__builtin_memcpy(&k->inside, &p->ip6h->daddr, 16);
		__builtin_memcpy(&k->remote, &p->ip6h->saddr, 16);
		k->iport = p->dport;
		k->rport = p->sport;
	}
	if (p->proto == IPPROTO_ICMPV6) {
		k->iport = p->sport;	/* the identifier, either way */
		k->rport = 0;
	}
}

/* The key that lets the later fragments of @p's datagram in. */
static __always_inline void fw6_frag_key(const struct pkt6 *p,
					 struct fw6_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(&k->inside, &p->ip6h->daddr, 16);
	__builtin_memcpy(&k->remote, &p->ip6h->saddr, 16);
	k->iport = (__be16)(p->frag_id >> 16);
	k->rport = (__be16)p->frag_id;
	k->proto = NEXTHDR_FRAGMENT;
}

/* Once a second at most, as nat_touch(). */
static __always_inline void fw6_stamp(__u64 *last, __u8 *seen_field,
				      __u8 seen, __u64 now)
{
	if (now - *last >= NSEC_PER_SEC)
		*last = now;
	if ((*seen_field | seen) != *seen_field)
		*seen_field |= seen;
}

/*
 * tc egress: a packet from an inside host. Opens or refreshes its flow;
 * never dropped (an inside host's traffic is its own business).
 */
static __always_inline void fw6_out(const struct pkt6 *p, enum fw6_kind kind,
				    __u64 now)
{
	struct fw6_entry *e;
	struct fw6_key k;

	if (kind != FW6_L4)
		return;
	fw6_key_of(p, true, &k);
	e = bpf_map_lookup_elem(&fw6, &k);
	if (e) {
		fw6_stamp(&e->last_out_ns, &e->seen_out, p->seen, now);
		return;
	}
	/* An echo reply answers a request that came in through a flow. */
	if (p->echo_reply)
		return;
	{
		struct fw6_entry ne = {
			.seen_out = p->seen,
			.origin = NAT_ORIGIN_OUT,
			.created_ns = now,
			.last_out_ns = now,
			.last_in_ns = now,
		};

		if (!bpf_map_update_elem(&fw6, &k, &ne, BPF_NOEXIST))
			stat_inc(NTS_STAT_FW6_OUT_NEW);
	}
}

/*
 * The policy check of rc_allowed() on the IPv6 packet: the policy's ICMP
 * rules stand for ICMPv6 echo.
 */
static __always_inline bool rc6_allowed(const struct nts_policy *pol,
					const struct pkt6 *p)
{
	__u8 proto = p->proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : p->proto;
	__u16 port = bpf_ntohs(p->dport);
	__u32 i;

	if (pol->flags & POLICY_ALL)
		return true;
	for (i = 0; i < POLICY_RULES_MAX; i++) {
		const struct policy_rule *r = &pol->rules[i];

		if (i >= pol->n)
			break;
		if (r->proto == proto &&
		    (r->proto == IPPROTO_ICMP || (port >= r->lo && port <= r->hi)))
			return true;
	}
	return false;
}

/* An IPv6 network's entry for @rk's GN and inside host, if any. */
static __noinline struct rc6_entry *rc6_prefix_find(const struct rc6_key *rk)
{
	struct rc6_prefix_key pk = { .prefixlen = 256 };

	__builtin_memcpy(&pk.inside, &rk->inside, 16);
	__builtin_memcpy(&pk.gn, &rk->gn, 16);
	return bpf_map_lookup_elem(&rc6_prefix, &pk);
}

/*
 * The network's entry @pe goes to GN @rk->gn, as rc_claim() does for
 * IPv4: copied into rc6, then deleted from rc6_prefix; of two hosts at
 * once, the one whose delete succeeded has it.
 */
static __noinline struct rc6_entry *rc6_claim(const struct rc6_key *rk,
					      struct rc6_entry *pe)
{
	__u32 plen = RC_F_PLEN(pe->flags), i, bits;
	struct rc6_prefix_key pk = { .prefixlen = 128 + plen };
	struct rc6_entry *req;

	if (plen >= 128 || bpf_map_update_elem(&rc6, rk, pe, BPF_NOEXIST))
		return NULL;
	__builtin_memcpy(&pk.inside, &rk->inside, 16);
	__builtin_memcpy(&pk.gn, &rk->gn, 16);
	/* The entry's own key: GN's address without its host bits. */
	for (i = 0; i < 4; i++) {
		bits = plen > 32 * i ? plen - 32 * i : 0;
		if (bits < 32)
			pk.gn.a[i] &=
				bpf_htonl(bits ? 0xffffffffU << (32 - bits) : 0);
	}
	if (bpf_map_delete_elem(&rc6_prefix, &pk)) {
		bpf_map_delete_elem(&rc6, rk);
		return NULL;
	}
	req = bpf_map_lookup_elem(&rc6, rk);
	if (req)
		req->flags |= RC_F_PREFIX;
	return req;
}

/* A packet of no flow: does rc6 let its source open one? As rc_open(). */
static __always_inline struct fw6_entry *rc6_open(const struct pkt6 *p,
						  const struct fw6_key *k)
{
	struct rc6_key rk;
	struct rc6_entry *req, *pe;
	struct fw6_entry ne = {};
	bool prefix = false;
	__u64 now;

	__builtin_memcpy(&rk.gn, &p->ip6h->saddr, 16);
	__builtin_memcpy(&rk.inside, &p->ip6h->daddr, 16);
	now = nat_now();
	req = bpf_map_lookup_elem(&rc6, &rk);
	/* A host's own entry first; a spent one does not hide its network's. */
	if (!req || now > req->expires_ns) {
		pe = rc6_prefix_find(&rk);
		if (pe) {
			if (req)
				bpf_map_delete_elem(&rc6, &rk);
			req = pe;
			prefix = true;
		} else if (!req) {
			return NULL;
		}
	}
	if (now > req->expires_ns)
		return verdict(NULL, NTS_STAT_FW6_RC_EXPIRED);
	if (!p->opener || p->echo_reply)
		return verdict(NULL, NTS_STAT_FW6_RC_NOT_OPENER);
	if (!rc6_allowed(&req->policy, p))
		return verdict(NULL, NTS_STAT_FW6_RC_POLICY);
	if (prefix) {
		req = rc6_claim(&rk, req);
		if (!req)
			return verdict(NULL, NTS_STAT_RC_PREFIX_LOST);
		stat_inc(NTS_STAT_RC_PREFIX_OPEN);
	}
	ne.seen_in = p->seen;
	ne.origin = NAT_ORIGIN_RC;
	ne.created_ns = now;
	ne.last_out_ns = now;
	ne.last_in_ns = now;
	if (bpf_map_update_elem(&fw6, k, &ne, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&fw6, k))
		return verdict(NULL, NTS_STAT_RC_NO_SPACE);
	/* Parallel connections of GN get a moment more, then it goes. */
	if (!req->first_use_ns) {
		req->first_use_ns = now;
		if (req->expires_ns > now + RC_USE_GRACE_NS)
			req->expires_ns = now + RC_USE_GRACE_NS;
	}
	stat_inc(NTS_STAT_FW6_RC_OPEN);
	return bpf_map_lookup_elem(&fw6, k);
}

/*
 * An ICMPv6 error to an inside host: the key of the flow of the packet it
 * quotes (inside -> remote). False if it quotes nothing usable.
 */
static __always_inline bool fw6_err_key(struct xdp_md *ctx,
					const struct pkt6 *p,
					struct fw6_key *k)
{
	struct fw6_walk w = {};
	struct nts_in6 dst;
	struct ipv6hdr *in;
	void *data, *data_end;
	__u32 off = p->l4_off + 8;
	int r;

	/* Copied: the packet pointers are looked at again after the call. */
	__builtin_memcpy(&dst, &p->ip6h->daddr, 16);
	if (off > 1024)
		return false;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	in = data + (off & 0x7ff);
	if ((void *)(in + 1) > data_end)
		return false;
	r = fw6_walk_xdp(ctx, off + sizeof(*in), in->nexthdr, &w);
	if (r || w.later || w.l4_off > 1024)
		return false;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	in = data + (off & 0x7ff);
	if ((void *)(in + 1) > data_end)
		return false;
	{
		struct nts_in6 src;

		/* The error goes back to the sender of the packet it quotes. */
		__builtin_memcpy(&src, &in->saddr, 16);
		if (!in6_eq(&src, &dst))
			return false;
	}
	__builtin_memset(k, 0, sizeof(*k));
	k->proto = w.proto;
	if (!l4_ports(data + (w.l4_off & 0x7ff), data_end, k->proto, &k->iport,
		      &k->rport))
		return false;
	if (k->proto == IPPROTO_ICMPV6) {
		__u8 *type = data + (w.l4_off & 0x7ff);

		/* Checked again: the verifier doesn't follow l4_ports(). */
		if ((void *)(type + 1) > data_end ||
		    *type != ICMPV6_ECHO_REQUEST)
			return false;
	}
	__builtin_memcpy(&k->inside, &in->saddr, 16);
	__builtin_memcpy(&k->remote, &in->daddr, 16);
	return true;
}

enum fw6_verdict { FW6_PASS, FW6_DROP };

/*
 * XDP ingress: @p is to an inside address. A packet of a flow, or one
 * rc6 admits, passes; so do errors about a flow and neighbour discovery.
 */
static __always_inline enum fw6_verdict fw6_in(struct xdp_md *ctx,
					       const struct pkt6 *p,
					       enum fw6_kind kind)
{
	struct fw6_entry *e;
	struct fw6_key k;

	switch (kind) {
	case FW6_ND:
		return FW6_PASS;
	case FW6_ICMP_ERR:
		if (fw6_err_key(ctx, p, &k) &&
		    bpf_map_lookup_elem(&fw6, &k))
			return verdict(FW6_PASS, NTS_STAT_FW6_ICMP_ERR);
		return verdict(FW6_DROP, NTS_STAT_FW6_ICMP_ERR_DROP);
	case FW6_FRAG:
		fw6_frag_key(p, &k);
		if (bpf_map_lookup_elem(&fw6, &k))
			return verdict(FW6_PASS, NTS_STAT_FW6_FRAG);
		return verdict(FW6_DROP, NTS_STAT_FW6_FRAG_DROP);
	case FW6_L4:
		break;
	case FW6_BAD:
		return verdict(FW6_DROP, NTS_STAT_FW6_MALFORMED);
	default:
		return verdict(FW6_DROP, NTS_STAT_FW6_IN_DROP);
	}

	fw6_key_of(p, false, &k);
	e = bpf_map_lookup_elem(&fw6, &k);
	if (!e)
		e = rc6_open(p, &k);
	if (!e)
		return verdict(FW6_DROP, NTS_STAT_FW6_IN_DROP);
	fw6_stamp(&e->last_in_ns, &e->seen_in, p->seen, nat_now());
	if (p->first_frag) {
		struct fw6_entry fe = {
			.origin = e->origin,
			.created_ns = nat_now(),
			.last_in_ns = nat_now(),
			.last_out_ns = nat_now(),
		};

		fw6_frag_key(p, &k);
		bpf_map_update_elem(&fw6, &k, &fe, BPF_ANY);
	}
	return verdict(FW6_PASS, NTS_STAT_FW6_IN_PASS);
}

#endif /* NTS_BPF_FW6_H */
