// SPDX-License-Identifier: GPL-2.0
/*
 * nts_lan_in: tc ingress on the LAN, for hairpinning and the fast path.
 *
 * Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): an inside host that sends
 * to the router's own address and a mapped port reaches the inside host
 * of that mapping, and sees its peer as the peer's external endpoint: the
 * packet is translated as if it had left through the WAN and come back
 * in: its source is translated (a mapping made, if need be, as for hole
 * punching), then the filter decides. What goes to the router's own
 * ports passes untouched.
 *
 * Fast path: a packet to elsewhere of a flow that exists is translated
 * here as nts_wan_out would, and goes straight out of the WAN device,
 * past routing, netfilter, the neighbour layer and the LAN's stack.
 * Anything the stack or nts_wan_out has more to do for passes as before.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "lib/maps.h"
#include "lib/maps6.h"	/* declared by every object, see datapath.c */
#include "lib/parse.h"
#include "lib/nat.h"
#include "lib/nat_out.h"
#include "lib/skb_xlate.h"
#include "lib/dnsupdate.h"
#include "lib/csum.h"

#define IP_TTL_OFF (ETH_HLEN + offsetof(struct iphdr, ttl))

/* Out of the interface it came in on, to the inside host. */
static __always_inline int hairpin_forward(struct __sk_buff *skb,
					   __be32 saddr, __be32 daddr,
					   __u8 ttl)
{
	struct bpf_fib_lookup fib = {
		.family = 2, /* AF_INET */
		.ifindex = skb->ifindex,
		.ipv4_src = saddr,
		.ipv4_dst = daddr,
	};
	__u16 old, new;

	/* The stack would take the router's own source for a martian. */
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) !=
		    BPF_FIB_LKUP_RET_SUCCESS ||
	    ttl <= 1) {
		return verdict(TC_ACT_SHOT, NTS_STAT_HAIRPIN_NO_ROUTE);
	}
	/* TTL and protocol share a 16-bit word of the header checksum. */
	if (bpf_skb_load_bytes(skb, IP_TTL_OFF, &old, sizeof(old)))
		return TC_ACT_SHOT;
	new = old;
	((__u8 *)&new)[0] = ttl - 1;
	if (bpf_skb_store_bytes(skb, IP_TTL_OFF, &new, sizeof(new), 0) ||
	    bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, new, sizeof(new)) ||
	    bpf_skb_store_bytes(skb, 0, fib.dmac, ETH_ALEN, 0) ||
	    bpf_skb_store_bytes(skb, ETH_ALEN, fib.smac, ETH_ALEN, 0))
		return TC_ACT_SHOT;
	return verdict(bpf_redirect(fib.ifindex, 0), NTS_STAT_HAIRPIN);
}

/* To the router's own address, from inside: see the top. */
static __always_inline int hairpin(struct __sk_buff *skb,
				   const struct nts_config *cfg, struct pkt *p)
{
	struct nat_entry *in, i;
	struct nat_ep o;
	struct nat_key k;
	__u64 now;
	__u8 ttl;

	if (!(cfg->flags & NTS_CFG_HAIRPIN) ||
	    (p->key.proto != IPPROTO_TCP && p->key.proto != IPPROTO_UDP))
		return TC_ACT_OK;

	/* The router's own services stay the router's. */
	if (!port_usable(ports_used_get(p->key.proto), 0, 65535,
			 bpf_ntohs(p->key.dport)))
		return TC_ACT_OK;

	now = nat_now();
	ttl = p->iph->ttl;
	/* Out through the WAN, as it were... */
	if (!nat_out_flow(cfg, p, now, &o))
		return TC_ACT_SHOT;

	/* ...and back in, from the external endpoint it now has. */
	k.saddr = o.addr;
	k.daddr = p->key.daddr;
	k.sport = o.port;
	k.dport = p->key.dport;
	k.proto = p->key.proto;
	k.dir = NAT_DIR_IN;
	k.pad = 0;
	in = bpf_map_lookup_elem(&nat, &k);
	if (!in)
		in = nat_filter_open(cfg, &k, p->seen);
	if (!in)
		return verdict(TC_ACT_SHOT, NTS_STAT_HAIRPIN_FILTERED);
	nat_touch(in, p->seen, now);
	i = *in;

	if (skb_set_addr(skb, p, IP_SADDR_OFF, p->key.saddr, o.addr) ||
	    skb_set_port(skb, p, p->sport_off, p->key.sport, o.port) ||
	    skb_set_addr(skb, p, IP_DADDR_OFF, p->key.daddr, i.addr) ||
	    skb_set_port(skb, p, p->dport_off, p->key.dport, i.port))
		return TC_ACT_SHOT;
	return hairpin_forward(skb, o.addr, i.addr, ttl);
}

/*
 * The length the WAN's MTU must take: the IP packet's, or for a GSO skb
 * (GRO merges at LAN ingress) that of each segment it will be cut into.
 */
static __always_inline __u16 fast_len(const struct __sk_buff *skb,
				      const struct pkt *p, void *data_end)
{
	__u32 hdrs = p->l4_off - ETH_HLEN;

	if (!skb->gso_size)
		return bpf_ntohs(p->iph->tot_len);
	if (p->key.proto == IPPROTO_TCP) {
		struct tcphdr *th = p->l4;

		if ((void *)(th + 1) > data_end)
			return 0xffff;
		hdrs += th->doff * 4;
	} else {
		hdrs += sizeof(struct udphdr);
	}
	/* Never 0, which would ask for no MTU check at all. */
	hdrs += skb->gso_size;
	return hdrs < 0xffff ? hdrs : 0xffff;
}

/*
 * A packet of a known flow, leaving: translated here, TTL and MACs set as
 * forwarding would, and redirected to the WAN device. TC_ACT_OK where
 * the stack or nts_wan_out must see it: TTL 1 (time exceeded), options,
 * fragments, too big for the WAN (frag needed, or fragmenting), no route
 * or neighbour yet, registrations (what registration() reads), the
 * router's own and group traffic, anything that has no flow yet, and one
 * packet a second of each flow.
 */
static __always_inline int fastpath(struct __sk_buff *skb,
				    const struct nts_config *cfg, struct pkt *p,
				    void *data_end)
{
	struct iphdr *iph = p->iph;
	struct bpf_fib_lookup fib = {};
	struct nat_entry *e;
	struct nat_ep t;

	if (iph->ttl <= 1 || iph->ihl != 5 ||
	    (iph->frag_off & bpf_htons(IP_MF)) || !p->key.saddr ||
	    addr_ours(cfg, p->key.saddr) || addr_is_group(p->key.daddr) ||
	    (p->key.proto == IPPROTO_UDP &&
	     dnsu_watched(cfg, p->key.daddr, p->key.dport)))
		return TC_ACT_OK;
	e = nat_out_lookup(p);
	if (!e)
		return TC_ACT_OK;

	/* As the stack would route it: from inside, before translation. */
	fib.family = 2; /* AF_INET */
	fib.tos = iph->tos;
	fib.l4_protocol = p->key.proto;
	fib.tot_len = fast_len(skb, p, data_end);
	fib.ifindex = skb->ifindex;
	fib.ipv4_src = p->key.saddr;
	fib.ipv4_dst = p->key.daddr;
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) !=
		    BPF_FIB_LKUP_RET_SUCCESS ||
	    fib.ifindex != cfg->wan_ifindex)
		return verdict(TC_ACT_OK, NTS_STAT_FASTPATH_STACK);

	/*
	 * Once a second a flow's packet takes the stack all the same (tc
	 * egress finds the flow touched): the neighbour gets confirmed, or
	 * probed and learnt anew, as the stack's own use would have it.
	 */
	if (nat_out_hit(e, p, nat_now(), &t))
		return verdict(TC_ACT_OK, NTS_STAT_FASTPATH_STACK);
	ip_ttl_dec(iph);
	__builtin_memcpy(p->eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(p->eth->h_source, fib.smac, ETH_ALEN);
	if (skb_set_source(skb, p, t.addr, t.port))
		return verdict(TC_ACT_SHOT, NTS_STAT_OUT_CSUM_ERR);
	/* nts_wan_out lets it by uncounted: one translation, counted here. */
	stat_inc(NTS_STAT_OUT_XLATE);
	return verdict(bpf_redirect(fib.ifindex, 0), NTS_STAT_FASTPATH);
}

SEC("tc")
int nts_lan_in(struct __sk_buff *skb)
{
	struct nts_config *cfg = config_get();
	void *data_end;
	struct pkt p;

	if (!cfg || !(cfg->flags & NTS_CFG_ENABLED) ||
	    !(cfg->flags & (NTS_CFG_HAIRPIN | NTS_CFG_FASTPATH)) ||
	    skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (skb_parse(skb, &p, &data_end) != PKT_L4)
		return TC_ACT_OK;
	/* Hairpin first: to the router's own address is never the fast path. */
	if (addr_ours(cfg, p.key.daddr))
		return hairpin(skb, cfg, &p);
	if (cfg->flags & NTS_CFG_FASTPATH)
		return fastpath(skb, cfg, &p, data_end);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
