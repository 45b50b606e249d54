// SPDX-License-Identifier: GPL-2.0
/*
 * nts_wan_in: XDP on WAN ingress. Translates packets of known flows back
 * to their inside host and forwards them with bpf_fib_lookup() and a
 * redirect, or hands them to the stack where it can't finish. A packet
 * that matches no flow opens one if its source is in the request cache;
 * otherwise it is for the router itself and passes untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/nat.h"
#include "lib/dnsupdate.h"
#include "lib/rc.h"
#include "lib/icmp.h"
#include "lib/fw6.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/* Early fragments to ntsload (not pinned: for this instance only). */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} frag_events SEC(".maps");

/*
 * Interfaces XDP may redirect to: ntsload lists only those that can take
 * redirected frames; for any other bpf_redirect_map() yields XDP_PASS.
 * Not pinned: libbpf 1.1 can't reuse a pinned devmap (the kernel adds
 * BPF_F_RDONLY_PROG to its flags), and ntsload fills it at every start.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/* Rewrite the destination to the inside endpoint of @e. */
static __always_inline void xlate_in(struct pkt *p, const struct nat_entry *e)
{
	struct iphdr *iph = p->iph;

	if (p->csum && p->pseudo)
		csum_replace4(p->csum, iph->daddr, e->addr);
	csum_replace4(&iph->check, iph->daddr, e->addr);
	iph->daddr = e->addr;

	if (p->dport && *p->dport != e->port) {
		if (p->csum)
			csum_replace2(p->csum, *p->dport, e->port);
		*p->dport = e->port;
	}
	if (p->csum && p->key.proto == IPPROTO_UDP)
		udp_csum_fixup(p->csum);
}

/* An answer from a trusted DDNS server: one to a snooped UPDATE commits it. */
static __always_inline void dns_answer(struct pkt *p, void *data_end,
				       const struct nat_entry *e,
				       const struct nts_config *cfg)
{
	struct dnshdr *h = p->l4 + sizeof(struct udphdr);

	if ((void *)(h + 1) > data_end)
		return;
	dnsu_answer(h, e->addr, e->port, p->key.saddr, p->key.sport, cfg);
}

/*
 * Forward a translated packet, or leave it to the stack. @e, the flow's
 * IN entry (NULL for packets of no flow), caches the route: looked up
 * when unknown or when @renew.
 */
static __always_inline int forward(struct xdp_md *ctx, struct pkt *p,
				   struct nat_entry *e, bool renew)
{
	struct iphdr *iph = p->iph;
	struct bpf_fib_lookup fib = {};
	int act;

	if (!e || !e->fwd_ifindex || renew) {
		fib.family = AF_INET;
		fib.tos = iph->tos;
		fib.l4_protocol = iph->protocol;
		fib.tot_len = bpf_ntohs(iph->tot_len);
		fib.ifindex = ctx->ingress_ifindex;
		fib.ipv4_src = iph->saddr;
		fib.ipv4_dst = iph->daddr;
		if (bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) !=
		    BPF_FIB_LKUP_RET_SUCCESS) {
			if (e)
				e->fwd_ifindex = 0;
			goto stack;
		}
		if (e) {
			__builtin_memcpy(e->fwd_dmac, fib.dmac, ETH_ALEN);
			__builtin_memcpy(e->fwd_smac, fib.smac, ETH_ALEN);
			e->fwd_ifindex = fib.ifindex;
		}
	} else {
		fib.ifindex = e->fwd_ifindex;
		__builtin_memcpy(fib.dmac, e->fwd_dmac, ETH_ALEN);
		__builtin_memcpy(fib.smac, e->fwd_smac, ETH_ALEN);
	}
	/* Devices that can't take redirected frames are not in tx_ports. */
	act = bpf_redirect_map(&tx_ports, fib.ifindex, XDP_PASS);
	if (act != XDP_REDIRECT)
		goto stack;

	ip_ttl_dec(iph);
	__builtin_memcpy(p->eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(p->eth->h_source, fib.smac, ETH_ALEN);
	return verdict(XDP_REDIRECT, NTS_STAT_IN_REDIRECT);

stack:
	return verdict(XDP_PASS, NTS_STAT_IN_PASS_STACK);
}

static __always_inline void frag_key_of(const struct pkt *p,
					struct frag_key *k)
{
	k->saddr = p->iph->saddr;
	k->daddr = p->iph->daddr;
	k->id = p->iph->id;
	k->proto = p->iph->protocol;
	k->pad = 0;
}

/*
 * The first fragment of a datagram, going to @addr: the inside host, or
 * the router itself (the datagram's own address). The others will go the
 * same way; those that came early and were parked are released now.
 */
static __always_inline void first_fragment(struct xdp_md *ctx,
					   const struct pkt *p, __be32 addr)
{
	struct frag_entry *cur, f = { .addr = addr, .seen_ns = nat_now() };
	struct frag_event ev = { .kind = FRAG_EV_RELEASE, .addr = addr };

	frag_key_of(p, &ev.key);
	cur = bpf_map_lookup_elem(&frags, &ev.key);
	if (cur && !cur->addr)
		bpf_perf_event_output(ctx, &frag_events, BPF_F_CURRENT_CPU, &ev,
				      sizeof(ev));
	bpf_map_update_elem(&frags, &ev.key, &f, BPF_ANY);
}

/* Before its first fragment: to ntsload, until the first comes. */
static __always_inline int park(struct xdp_md *ctx, struct frag_key *k,
				struct frag_entry *f)
{
	struct frag_event ev = { .kind = FRAG_EV_PARK, .key = *k };
	struct frag_entry fresh = { .seen_ns = nat_now() };
	__u64 len = ctx->data_end - ctx->data;

	if (!f)
		bpf_map_update_elem(&frags, k, &fresh, BPF_ANY);
	/* Without ntsload reading, the stack gets it, as before. */
	if (len > 0xffff ||
	    bpf_perf_event_output(ctx, &frag_events,
				  BPF_F_CURRENT_CPU | (len << 32), &ev,
				  sizeof(ev))) {
		return verdict(XDP_PASS, NTS_STAT_IN_FRAG);
	}
	return verdict(XDP_DROP, NTS_STAT_IN_FRAG_PARKED);
}

static __always_inline int later_fragment(struct xdp_md *ctx, struct pkt *p)
{
	struct frag_entry *f;
	struct frag_key k;

	frag_key_of(p, &k);
	f = bpf_map_lookup_elem(&frags, &k);
	if (f && nat_now() - f->seen_ns > FRAG_TIMEOUT_NS) {
		bpf_map_delete_elem(&frags, &k);
		f = NULL;
	}
	if (!f || !f->addr)
		return park(ctx, &k, f);
	if (f->addr == p->iph->daddr)
		return verdict(XDP_PASS, NTS_STAT_IN_FRAG);	/* the router's own */
	if (p->iph->ttl <= 1)
		return verdict(XDP_DROP, NTS_STAT_IN_TTL);
	csum_replace4(&p->iph->check, p->iph->daddr, f->addr);
	p->iph->daddr = f->addr;
	return verdict(forward(ctx, p, NULL, true), NTS_STAT_IN_FRAG_XLATE);
}

/*
 * For the router itself, unless it is a SYN to a port nobody listens on:
 * that gets no answer at all (RFC 5382 REQ-4), not even a RST.
 */
/*
 * With --nts-server, NOTICEs from anywhere else never reach ntsload: a
 * forged flood costs XDP a compare, not ntsload a MAC.
 */
static __always_inline bool nego_foreign(const struct nts_config *cfg,
					 const struct pkt *p)
{
	__u32 i;

	if (!cfg->nnts || p->key.proto != IPPROTO_UDP ||
	    p->key.dport != bpf_htons(cfg->nego_port))
		return false;
	for (i = 0; i < NTS_SERVERS_MAX; i++) {
		if (i >= cfg->nnts)
			break;
		if ((p->key.saddr & cfg->nts[i].mask) == cfg->nts[i].net)
			return false;
	}
	return true;
}

static __always_inline int miss(struct xdp_md *ctx,
				const struct nts_config *cfg,
				const struct pkt *p)
{
	if (nego_foreign(cfg, p))
		return verdict(XDP_DROP, NTS_STAT_NEGO_FOREIGN);
	if (p->iph->frag_off & bpf_htons(IP_MF))
		first_fragment(ctx, p, p->iph->daddr);
	if (p->tcp_syn_only && !(cfg->flags & NTS_CFG_SYN_PASS) &&
	    !rc_router_port(cfg, p)) {
		return verdict(XDP_DROP, NTS_STAT_IN_SYN_DROP);
	}
	return verdict(XDP_PASS, NTS_STAT_IN_MISS);
}

/* An error about a packet of a flow goes to the flow's inside host. */
static __always_inline int icmp_err(struct xdp_md *ctx, struct pkt *p,
				    void *data_end)
{
	struct nat_entry *e;
	struct icmp_err ie;

	if (icmp_err_parse(p, data_end, &ie))
		goto stack;
	ie.key.dir = NAT_DIR_IN;
	e = bpf_map_lookup_elem(&nat, &ie.key);
	if (!e)
		goto stack;
	if (p->iph->ttl <= 1)
		return verdict(XDP_DROP, NTS_STAT_IN_TTL);
	icmp_err_xlate_in(p, &ie, e);
	return verdict(forward(ctx, p, NULL, true), NTS_STAT_IN_ICMP_ERR);
stack:
	/* About the router's own traffic, or nothing we know. */
	return verdict(XDP_PASS, NTS_STAT_IN_MISS);
}

/* dns_answer() over IPv6: the answer's source is the pending key's. */
static __always_inline void dns_answer6(const struct pkt6 *p, void *data_end)
{
	struct dnshdr *h = p->l4 + sizeof(struct udphdr);
	struct nts_in6 inside, server;

	if ((void *)(h + 1) > data_end)
		return;
	__builtin_memcpy(&inside, &p->ip6h->daddr, sizeof(inside));
	__builtin_memcpy(&server, &p->ip6h->saddr, sizeof(server));
	dnsu_answer_ip6(h, &inside, p->dport, &server, p->sport);
}

/*
 * IPv6: no translation, the stateful firewall (fw6.h) for packets to an
 * inside address; everything else passes untouched, as with the firewall
 * off. What passes goes to the stack, which forwards it. A program of its
 * own, reached by a tail call: called as a function it would add its
 * stack to the IPv4 path's, past the 512 bytes a program may have.
 */
SEC("xdp")
int nts_wan_in6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct nts_config6 *c6 = config6_get();
	struct fw6_walk w = {};
	struct ipv6hdr *ip6h;
	enum fw6_kind kind;
	struct nts_in6 dst;
	struct pkt6 p;
	int walked;

	if (!c6 || !c6->nprefix)
		return XDP_PASS;
	ip6h = fw6_ip6(data, data_end);
	if (!ip6h)
		return XDP_PASS;
	__builtin_memcpy(&dst, &ip6h->daddr, sizeof(dst));
	if (!fw6_inside(c6, &dst))
		return XDP_PASS;
	walked = fw6_walk_xdp(ctx, ETH_HLEN + sizeof(*ip6h), ip6h->nexthdr, &w);
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	kind = fw6_parse(data, data_end, &p, &w, walked);
	if (kind == FW6_OTHER)
		return XDP_PASS;
	if (fw6_in(ctx, &p, kind) != FW6_PASS)
		return XDP_DROP;
	if (kind == FW6_L4 && p.proto == IPPROTO_UDP)
		dns_answer6(&p, data_end);
	return XDP_PASS;
}

/* The IPv6 path, set when the object loads (not pinned). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} fw6_prog SEC(".maps") = {
	.values = { [0] = (void *)&nts_wan_in6 },
};

SEC("xdp")
int nts_wan_in(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct nts_config *cfg = config_get();
	struct nat_entry *e;
	enum pkt_kind kind;
	struct pkt p;
	bool renew;

	if (!cfg || !(cfg->flags & NTS_CFG_ENABLED))
		return XDP_PASS;
	if ((void *)((struct ethhdr *)data + 1) <= data_end &&
	    ((struct ethhdr *)data)->h_proto == bpf_htons(ETH_P_IPV6)) {
		bpf_tail_call(ctx, &fw6_prog, 0);
		return XDP_PASS;	/* not reached while fw6_prog is set */
	}

	kind = pkt_parse(data, data_end, &p);
	if (kind == PKT_OTHER)
		return XDP_PASS;
	stat_inc(NTS_STAT_IN_PKTS);
	if (kind == PKT_BAD_IP)
		return verdict(XDP_PASS, NTS_STAT_IN_MALFORMED);
	if (!addr_ours(cfg, p.iph->daddr))
		return XDP_PASS;

	switch (kind) {
	case PKT_L4:
		break;
	case PKT_ICMP_ERR:
		return icmp_err(ctx, &p, data_end);
	case PKT_FRAG:
		return later_fragment(ctx, &p);
	case PKT_BAD_L4:
		return verdict(XDP_PASS, NTS_STAT_IN_MALFORMED);
	default:
		return verdict(XDP_PASS, NTS_STAT_IN_MISS);
	}

	p.key.dir = NAT_DIR_IN;
	e = bpf_map_lookup_elem(&nat, &p.key);
	if (!e)
		e = nat_filter_open(cfg, &p.key, p.seen);
	if (!e)
		e = rc_open(cfg, &p);
	if (!e)
		return miss(ctx, cfg, &p);
	/*
	 * Expiring here would make the stack answer a translated packet
	 * with an ICMP error that quotes the inside address.
	 */
	if (p.iph->ttl <= 1)
		return verdict(XDP_DROP, NTS_STAT_IN_TTL);

	if (p.iph->frag_off & bpf_htons(IP_MF))
		first_fragment(ctx, &p, e->addr);
	renew = nat_touch(e, p.seen, nat_now());
	if (p.key.proto == IPPROTO_UDP &&
	    ddns_trusted(cfg, p.key.saddr, p.key.sport))
		dns_answer(&p, data_end, e, cfg);
	xlate_in(&p, e);
	return verdict(forward(ctx, &p, e, renew), NTS_STAT_IN_XLATE);
}

char LICENSE[] SEC("license") = "GPL";
