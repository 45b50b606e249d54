// SPDX-License-Identifier: GPL-2.0
/*
 * nts_wan_out: tc egress on WAN. Source translation (NAPT) of everything
 * that leaves with a source other than the router's own address, as
 * iptables MASQUERADE does. Checksums go through the skb helpers so that
 * CHECKSUM_PARTIAL skbs stay right.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/nat.h"
#include "lib/nat_out.h"
#include "lib/skb_xlate.h"
#include "lib/dnsupdate.h"
#include "lib/icmp.h"
#include "lib/icmp_reply.h"
#include "lib/fw6.h"

/*
 * An inside host's ICMP error about a packet it got through a flow: to
 * the remote, as from the flow's external endpoint. No flow: dropped, it
 * would tell the world an inside address.
 */
static __always_inline int icmp_err(struct __sk_buff *skb)
{
	void *data, *data_end;
	struct nat_entry *e;
	struct icmp_err ie;
	struct pkt p;

	/* Writable and linear as far as the quoted headers go. */
	if (bpf_skb_pull_data(skb, skb->len < ICMP_ERR_HDR_MAX ?
					   skb->len :
					   ICMP_ERR_HDR_MAX))
		goto drop;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (pkt_parse(data, data_end, &p) != PKT_ICMP_ERR ||
	    icmp_err_parse(&p, data_end, &ie))
		goto drop;
	ie.key.dir = NAT_DIR_OUT;
	e = bpf_map_lookup_elem(&nat, &ie.key);
	if (!e)
		goto drop;
	icmp_err_xlate_out(&p, &ie, e);
	return verdict(TC_ACT_OK, NTS_STAT_OUT_ICMP_ERR);
drop:
	return verdict(TC_ACT_SHOT, NTS_STAT_OUT_ICMP_ERR_DROP);
}

/*
 * Nothing to translate with. When it is for want of ports, say so to the
 * sender (RFC 4787 REQ-8), so that it need not wait for a timeout.
 */
static __always_inline int no_flow(struct __sk_buff *skb,
				   const struct nts_config *cfg,
				   const struct pkt *p)
{
	if (!p->no_port)
		return TC_ACT_SHOT;
	stat_inc(NTS_STAT_OUT_NO_PORT_ICMP);
	return icmp_reply(skb, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED,
			  cfg->wan_addr);
}

/*
 * A DNS UPDATE to a trusted DDNS server is snooped; one to any other
 * server on port 53 is only counted and said.
 */
static __always_inline void registration(struct __sk_buff *skb,
					 const struct nts_config *cfg,
					 const struct pkt *p, __u64 now)
{
	struct phl_pending_key k = {
		.inside = p->key.saddr,
		.server = p->key.daddr,
		.port = p->key.sport,
		.server_port = p->key.dport,
	};
	struct udphdr *uh = p->l4;
	__u32 off = p->l4_off + sizeof(*uh);

	if (ddns_trusted(cfg, k.server, k.server_port))
		dnsu_snoop(skb, off, bpf_ntohs(uh->len) - sizeof(*uh), &k,
			   NULL, cfg->flags & NTS_CFG_ZONES, now);
	else if (k.server_port == bpf_htons(DNS_PORT))
		dnsu_untrusted(skb, off, &k);
}

/* registration() over IPv6: only AAAA records are learnt (ip6.h). */
static __always_inline void registration6(struct __sk_buff *skb,
					  const struct nts_config6 *c6,
					  const struct pkt6 *p, __u64 now)
{
	struct phl6_pending_key k = {
		.port = p->sport,
		.server_port = p->dport,
	};
	const struct nts_config *cfg;
	struct udphdr uh;
	__u32 off = p->l4_off + sizeof(uh);

	__builtin_memcpy(&k.inside, &p->ip6h->saddr, sizeof(k.inside));
	__builtin_memcpy(&k.server, &p->ip6h->daddr, sizeof(k.server));
	/* Most UDP is neither: nothing more is looked up for it. */
	if (!ddns6_trusted(c6, &k.server, k.server_port)) {
		if (k.server_port == bpf_htons(DNS_PORT))
			dnsu6_untrusted(skb, off);
		return;
	}
	cfg = config_get();
	if (!cfg || bpf_skb_load_bytes(skb, p->l4_off, &uh, sizeof(uh)))
		return;
	dnsu_snoop(skb, off, bpf_ntohs(uh.len) - sizeof(uh), NULL, &k,
		   cfg->flags & NTS_CFG_ZONES, now);
}

/*
 * IPv6 from an inside host opens or refreshes its flow in the firewall
 * (fw6.h). Nothing is translated and nothing is dropped here. A
 * program of its own, reached by tail call: its stack and the header
 * walk's would not fit under the IPv4 path's on 6.1 (512 bytes combined).
 */
SEC("tc")
int nts_wan_out6(struct __sk_buff *skb)
{
	struct nts_config6 *c6 = config6_get();
	struct fw6_walk w = {};
	void *data, *data_end;
	struct ipv6hdr *ip6h;
	enum fw6_kind kind;
	struct nts_in6 src;
	struct pkt6 p;
	int walked;
	__u64 now;

	if (!c6 || !c6->nprefix)
		return TC_ACT_OK;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (data + FW6_HDR_MAX > data_end)
		bpf_skb_pull_data(skb, skb->len < FW6_HDR_MAX ? skb->len :
								FW6_HDR_MAX);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip6h = fw6_ip6(data, data_end);
	if (!ip6h)
		return TC_ACT_OK;
	__builtin_memcpy(&src, &ip6h->saddr, sizeof(src));
	if (!fw6_inside(c6, &src))
		return TC_ACT_OK;
	walked = fw6_walk_skb(skb, ETH_HLEN + sizeof(*ip6h), ip6h->nexthdr, &w);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	kind = fw6_parse(data, data_end, &p, &w, walked);
	if (kind == FW6_OTHER)
		return TC_ACT_OK;
	now = nat_now();
	fw6_out(&p, kind, now);
	if (kind == FW6_L4 && p.proto == IPPROTO_UDP && !p.first_frag)
		registration6(skb, c6, &p, now);
	return TC_ACT_OK;
}

/* The IPv6 path, set when the object loads (not pinned). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} fw6_out_prog SEC(".maps") = {
	.values = { [0] = (void *)&nts_wan_out6 },
};

SEC("tc")
int nts_wan_out(struct __sk_buff *skb)
{
	struct nts_config *cfg = config_get();
	void *data_end;
	enum pkt_kind kind;
	struct nat_ep t;
	struct pkt p;
	__u64 now;

	if (!cfg || !(cfg->flags & NTS_CFG_ENABLED))
		return TC_ACT_OK;
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		bpf_tail_call(skb, &fw6_out_prog, 0);
		return TC_ACT_OK; /* not reached while fw6_out_prog is set */
	}
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	kind = skb_parse(skb, &p, &data_end);
	if (kind == PKT_OTHER)
		return TC_ACT_OK;
	stat_inc(NTS_STAT_OUT_PKTS);
	if (kind == PKT_BAD_IP)
		return verdict(TC_ACT_SHOT, NTS_STAT_OUT_MALFORMED);
	/*
	 * Translated and counted by nts_lan_in's fast path, redirected here.
	 * What the stack forwards from the LAN still has an inside source.
	 */
	if (skb->ingress_ifindex && skb->ingress_ifindex == cfg->lan_ifindex &&
	    (cfg->flags & NTS_CFG_FASTPATH) && addr_ours(cfg, p.key.saddr))
		return TC_ACT_OK;
	if (addr_ours(cfg, p.key.saddr) || !p.key.saddr ||
	    addr_is_group(p.key.daddr))
		return verdict(TC_ACT_OK, NTS_STAT_OUT_LOCAL);

	switch (kind) {
	case PKT_L4:
		break;
	case PKT_ICMP_ERR:
		return icmp_err(skb);
	case PKT_FRAG:
		/* The ports travelled, translated, in the first fragment. */
		stat_inc(NTS_STAT_OUT_FRAG);
		if (skb_set_addr(skb, &p, IP_SADDR_OFF, p.key.saddr,
				 cfg->wan_addr))
			goto csum_err;
		return TC_ACT_OK;
	case PKT_BAD_L4:
		return verdict(TC_ACT_SHOT, NTS_STAT_OUT_MALFORMED);
	default:
		/* Untranslated, it would leak the inside address. */
		return verdict(TC_ACT_SHOT, NTS_STAT_OUT_UNSUPP);
	}

	now = nat_now();
	/* Registrations are read before the source is rewritten. */
	if (p.key.proto == IPPROTO_UDP)
		registration(skb, cfg, &p, now);
	if (!nat_out_flow(cfg, &p, now, &t))
		return no_flow(skb, cfg, &p);
	if (skb_set_source(skb, &p, t.addr, t.port))
		goto csum_err;
	return verdict(TC_ACT_OK, NTS_STAT_OUT_XLATE);

csum_err:
	return verdict(TC_ACT_SHOT, NTS_STAT_OUT_CSUM_ERR);
}

char LICENSE[] SEC("license") = "GPL";
