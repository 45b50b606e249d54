/* SPDX-License-Identifier: GPL-2.0 */
/* Ethernet/IPv4/L4 parsing shared by the XDP and tc programs. */
#ifndef NTS_BPF_PARSE_H
#define NTS_BPF_PARSE_H

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include <nts/nat.h>

#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff

/*
 * linux/icmp.h drags in glibc's socket headers, which don't build for the
 * bpf target; the part we need is small.
 */
#define ICMP_ECHOREPLY	       0
#define ICMP_DEST_UNREACH      3
#define ICMP_ECHO	       8
#define ICMP_TIME_EXCEEDED     11
#define ICMP_PARAMETERPROB     12

struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	union {
		struct {
			__be16 id;
			__be16 sequence;
		} echo;
		__be32 gateway;
	} un;
};

/* Bytes tc must see linear: Ethernet, IPv4 with options, TCP without. */
#define PKT_HDR_MAX (ETH_HLEN + 60 + sizeof(struct tcphdr))

enum pkt_kind {
	PKT_OTHER,	/* not IPv4: not ours */
	PKT_L4,		/* IPv4 with a TCP, UDP or ICMP echo header */
	PKT_FRAG,	/* non-first fragment: no L4 header */
	PKT_ICMP_ERR,	/* ICMP destination unreachable, time exceeded or
			 * parameter problem: see icmp.h */
	PKT_UNSUPP,	/* IPv4, protocol or ICMP type not translated */
	PKT_BAD_IP,	/* truncated or invalid IPv4 header */
	PKT_BAD_L4,	/* truncated L4 header */
};

struct pkt {
	struct ethhdr *eth;
	struct iphdr *iph;
	void *l4;		/* NULL for non-first fragments */
	/*
	 * The fields a translation rewrites; NULL where the packet has none
	 * (the remote side of an ICMP echo, a UDP checksum of 0).
	 */
	__be16 *sport;
	__be16 *dport;
	__sum16 *csum;
	/* The same fields as offsets from the frame start, for skb helpers. */
	__u16 sport_off;
	__u16 dport_off;
	__u16 csum_off;
	__u16 l4_off;
	__u8 seen;		/* enum nat_seen this packet contributes */
	__u8 tcp_syn_only;	/* a TCP SYN without ACK: opens a connection */
	__u8 no_port;		/* no external port was left for it */
	__u8 pseudo;		/* the L4 checksum covers the addresses */
	struct nat_key key;	/* the tuple as it arrived, dir not set */
};

static __always_inline __u8 tcp_seen(const struct tcphdr *th)
{
	__u8 seen = NAT_SEEN_PKT;

	if (th->syn)
		seen |= NAT_SEEN_SYN;
	if (th->fin)
		seen |= NAT_SEEN_FIN;
	if (th->rst)
		seen |= NAT_SEEN_RST;
	return seen;
}

static __always_inline enum pkt_kind pkt_parse(void *data, void *data_end,
					       struct pkt *p)
{
	struct ethhdr *eth = data;
	struct iphdr *iph;
	void *l4;
	__u32 ihl;

	if ((void *)(eth + 1) > data_end)
		return PKT_OTHER;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return PKT_OTHER;

	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return PKT_BAD_IP;
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph))
		return PKT_BAD_IP;
	l4 = (void *)iph + ihl;
	if (l4 > data_end)
		return PKT_BAD_IP;

	p->eth = eth;
	p->iph = iph;
	p->l4 = NULL;
	p->l4_off = ETH_HLEN + ihl;
	p->sport = NULL;
	p->dport = NULL;
	p->csum = NULL;
	p->sport_off = 0;
	p->dport_off = 0;
	p->csum_off = 0;
	p->seen = NAT_SEEN_PKT;
	p->tcp_syn_only = 0;
	p->no_port = 0;
	p->pseudo = 0;
	p->key.saddr = iph->saddr;
	p->key.daddr = iph->daddr;
	p->key.sport = 0;
	p->key.dport = 0;
	p->key.proto = iph->protocol;
	p->key.dir = 0;
	p->key.pad = 0;

	/* Only the first fragment carries the ports. */
	if (iph->frag_off & bpf_htons(IP_OFFSET))
		return PKT_FRAG;

	p->l4 = l4;
	switch (iph->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return PKT_BAD_L4;
		p->sport = &th->source;
		p->dport = &th->dest;
		p->csum = &th->check;
		p->sport_off = ETH_HLEN + ihl + offsetof(struct tcphdr, source);
		p->dport_off = ETH_HLEN + ihl + offsetof(struct tcphdr, dest);
		p->csum_off = ETH_HLEN + ihl + offsetof(struct tcphdr, check);
		p->pseudo = 1;
		p->seen = tcp_seen(th);
		p->tcp_syn_only = th->syn && !th->ack;
		p->key.sport = th->source;
		p->key.dport = th->dest;
		return PKT_L4;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return PKT_BAD_L4;
		p->sport = &uh->source;
		p->dport = &uh->dest;
		p->sport_off = ETH_HLEN + ihl + offsetof(struct udphdr, source);
		p->dport_off = ETH_HLEN + ihl + offsetof(struct udphdr, dest);
		/* A UDP checksum of 0 means "none" and must stay 0. */
		if (uh->check) {
			p->csum = &uh->check;
			p->csum_off = ETH_HLEN + ihl + offsetof(struct udphdr, check);
		}
		p->pseudo = 1;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
		return PKT_L4;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ih = l4;

		if ((void *)(ih + 1) > data_end)
			return PKT_BAD_L4;
		__u16 id_off = ETH_HLEN + ihl + offsetof(struct icmphdr, un.echo.id);

		p->csum = &ih->checksum;
		p->csum_off = ETH_HLEN + ihl + offsetof(struct icmphdr, checksum);
		/* The identifier is the port of the side that asked. */
		if (ih->type == ICMP_ECHO) {
			p->sport = &ih->un.echo.id;
			p->sport_off = id_off;
			p->key.sport = ih->un.echo.id;
		} else if (ih->type == ICMP_ECHOREPLY) {
			p->dport = &ih->un.echo.id;
			p->dport_off = id_off;
			p->key.dport = ih->un.echo.id;
		} else if (ih->type == ICMP_DEST_UNREACH ||
			   ih->type == ICMP_TIME_EXCEEDED ||
			   ih->type == ICMP_PARAMETERPROB) {
			return PKT_ICMP_ERR;
		} else {
			return PKT_UNSUPP;
		}
		return PKT_L4;
	}
	default:
		return PKT_UNSUPP;
	}
}

/*
 * pkt_parse() for tc: headers may sit in paged data, so they are made
 * linear first. *@data_end: where the linear part ends now.
 */
static __always_inline enum pkt_kind skb_parse(struct __sk_buff *skb,
					       struct pkt *p, void **data_end)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	if (data + PKT_HDR_MAX > end) {
		bpf_skb_pull_data(skb, skb->len < PKT_HDR_MAX ? skb->len :
								PKT_HDR_MAX);
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
	}
	*data_end = end;
	return pkt_parse(data, end, p);
}

#endif /* NTS_BPF_PARSE_H */
