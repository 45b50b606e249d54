/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP errors of translated flows (RFC 5508): the outer address and the
 * packet quoted inside are translated together, with every checksum the
 * change touches, so that the host that gets the error recognises its
 * own packet. Direct packet access, for XDP and (after a pull) for tc.
 * An error never creates, refreshes or deletes a flow.
 */
#ifndef NTS_BPF_ICMP_H
#define NTS_BPF_ICMP_H

#include <linux/bpf.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>

#include "csum.h"
#include "parse.h"

/* Bytes tc must see linear for an error: two IP headers with options. */
#define ICMP_ERR_HDR_MAX (ETH_HLEN + 60 + 8 + 60 + sizeof(struct tcphdr))

struct icmp_err {
	struct icmphdr *ih;	/* the error's own header */
	struct iphdr *ip;	/* the quoted packet */
	__be16 *sport;		/* its ports or echo id, where it has them */
	__be16 *dport;
	__sum16 *csum;		/* its L4 checksum, if quoted and not 0 */
	__u8 pseudo;		/* which covers the addresses */
	/* the quoted tuple turned around: the flow the error belongs to */
	struct nat_key key;
};

/*
 * Find the quoted packet of the error @p. The first 8 bytes of its L4
 * header must be there (RFC 792); what else is quoted is used if present.
 */
static __always_inline int icmp_err_parse(const struct pkt *p,
					  void *data_end, struct icmp_err *ie)
{
	struct iphdr *ip = p->l4 + sizeof(struct icmphdr);
	void *l4;
	__u32 ihl;

	if ((void *)(ip + 1) > data_end)
		return -1;
	ihl = ip->ihl * 4;
	if (ip->version != 4 || ihl < sizeof(*ip) ||
	    (ip->frag_off & bpf_htons(IP_OFFSET)))
		return -1;
	l4 = (void *)ip + ihl;
	if (l4 + 8 > data_end)
		return -1;

	ie->ih = p->l4;
	ie->ip = ip;
	ie->sport = NULL;
	ie->dport = NULL;
	ie->csum = NULL;
	ie->pseudo = 0;
	ie->key.saddr = ip->daddr;
	ie->key.daddr = ip->saddr;
	ie->key.proto = ip->protocol;
	ie->key.sport = 0;
	ie->key.dport = 0;
	ie->key.pad = 0;

	switch (ip->protocol) {
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		ie->sport = &uh->source;
		ie->dport = &uh->dest;
		if (uh->check)
			ie->csum = &uh->check;
		ie->pseudo = 1;
		break;
	}
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		ie->sport = &th->source;
		ie->dport = &th->dest;
		if ((void *)(th + 1) <= data_end) {
			ie->csum = &th->check;
			ie->pseudo = 1;
		}
		break;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ic = l4;

		/* As in pkt_parse: the id is the port of who asked. */
		if (ic->type == ICMP_ECHO)
			ie->sport = &ic->un.echo.id;
		else if (ic->type == ICMP_ECHOREPLY)
			ie->dport = &ic->un.echo.id;
		else
			return -1;
		ie->csum = &ic->checksum;
		break;
	}
	default:
		return -1;
	}
	if (ie->sport)
		ie->key.dport = *ie->sport;
	if (ie->dport)
		ie->key.sport = *ie->dport;
	return 0;
}

/* A quoted field changes: its checksums, then the error's own. */
static __always_inline void quoted4(struct icmp_err *ie, __be32 *field,
				    __be32 to)
{
	__sum16 old = ie->ip->check;

	csum_replace4(&ie->ip->check, *field, to);
	csum_replace2(&ie->ih->checksum, old, ie->ip->check);
	if (ie->csum && ie->pseudo) {
		old = *ie->csum;
		csum_replace4(ie->csum, *field, to);
		csum_replace2(&ie->ih->checksum, old, *ie->csum);
	}
	csum_replace4(&ie->ih->checksum, *field, to);
	*field = to;
}

static __always_inline void quoted2(struct icmp_err *ie, __be16 *field,
				    __be16 to)
{
	__sum16 old;

	if (*field == to)
		return;
	if (ie->csum) {
		old = *ie->csum;
		csum_replace2(ie->csum, *field, to);
		csum_replace2(&ie->ih->checksum, old, *ie->csum);
	}
	csum_replace2(&ie->ih->checksum, *field, to);
	*field = to;
}

/*
 * Inbound (an error about a packet the NAT sent out): the outer
 * destination and the quoted source become the inside endpoint of @e.
 */
static __always_inline void icmp_err_xlate_in(struct pkt *p,
					      struct icmp_err *ie,
					      const struct nat_entry *e)
{
	csum_replace4(&p->iph->check, p->iph->daddr, e->addr);
	p->iph->daddr = e->addr;
	quoted4(ie, &ie->ip->saddr, e->addr);
	if (ie->sport)
		quoted2(ie, ie->sport, e->port);
}

/*
 * Outbound (an inside host's error about a packet it got): the outer
 * source and the quoted destination become the external endpoint of @e.
 */
static __always_inline void icmp_err_xlate_out(struct pkt *p,
					       struct icmp_err *ie,
					       const struct nat_entry *e)
{
	csum_replace4(&p->iph->check, p->iph->saddr, e->addr);
	p->iph->saddr = e->addr;
	quoted4(ie, &ie->ip->daddr, e->addr);
	if (ie->dport)
		quoted2(ie, ie->dport, e->port);
}

#endif /* NTS_BPF_ICMP_H */
