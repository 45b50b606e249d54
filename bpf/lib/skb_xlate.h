/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rewriting addresses and ports of an skb in tc, through the checksum
 * helpers: with BPF_F_PSEUDO_HDR they keep CHECKSUM_PARTIAL skbs right
 * (only the pseudo-header sum is in the field then), and a UDP checksum of
 * 0 ("none") stays 0 (BPF_F_MARK_MANGLED_0).
 */
#ifndef NTS_BPF_SKB_XLATE_H
#define NTS_BPF_SKB_XLATE_H

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

#include "csum.h"
#include "parse.h"

#define IP_SADDR_OFF (ETH_HLEN + offsetof(struct iphdr, saddr))
#define IP_DADDR_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))
#define IP_CSUM_OFF  (ETH_HLEN + offsetof(struct iphdr, check))

static __always_inline __u64 l4_flags(const struct pkt *p, __u64 flags)
{
	return p->key.proto == IPPROTO_UDP ? flags | BPF_F_MARK_MANGLED_0 :
					     flags;
}

/* The IPv4 address at @off (IP_SADDR_OFF or IP_DADDR_OFF). */
static __always_inline int skb_set_addr(struct __sk_buff *skb,
					const struct pkt *p, __u32 off,
					__be32 from, __be32 to)
{
	if (from == to)
		return 0;
	if (bpf_skb_store_bytes(skb, off, &to, sizeof(to), 0) ||
	    bpf_l3_csum_replace(skb, IP_CSUM_OFF, from, to, sizeof(to)))
		return -1;
	if (!p->csum_off || !p->pseudo)
		return 0;
	return bpf_l4_csum_replace(skb, p->csum_off, from, to,
				   l4_flags(p, BPF_F_PSEUDO_HDR | sizeof(to)));
}

/* A port (or echo id) at @off: p->sport_off or p->dport_off, 0 if none. */
static __always_inline int skb_set_port(struct __sk_buff *skb,
					const struct pkt *p, __u32 off,
					__be16 from, __be16 to)
{
	if (!off || from == to)
		return 0;
	if (bpf_skb_store_bytes(skb, off, &to, sizeof(to), 0))
		return -1;
	if (!p->csum_off)
		return 0;
	return bpf_l4_csum_replace(skb, p->csum_off, from, to,
				   l4_flags(p, sizeof(to)));
}

/*
 * The source of a packet leaving through WAN, the hot path of tc egress:
 * address, port and IPv4 header checksum written in place, through the
 * pointers pkt_parse() took (no helper that moves packet data may have
 * run since; the verifier says so if one has). Only the L4 checksum goes
 * through the helper: what its field holds depends on skb->ip_summed,
 * which only the kernel knows. Two helper calls, where skb_set_addr()
 * and skb_set_port() take five.
 */
static __always_inline int skb_set_source(struct __sk_buff *skb,
					  const struct pkt *p, __be32 addr,
					  __be16 port)
{
	__be32 from = p->key.saddr;
	__be16 from_port = p->key.sport;

	if (from != addr) {
		p->iph->saddr = addr;
		csum_replace4(&p->iph->check, from, addr);
	}
	if (p->sport && from_port != port)
		*p->sport = port;
	if (!p->csum_off)
		return 0;
	if (from != addr && p->pseudo &&
	    bpf_l4_csum_replace(skb, p->csum_off, from, addr,
				l4_flags(p, BPF_F_PSEUDO_HDR | sizeof(addr))))
		return -1;
	if (p->sport_off && from_port != port &&
	    bpf_l4_csum_replace(skb, p->csum_off, from_port, port,
				l4_flags(p, sizeof(port))))
		return -1;
	return 0;
}

#endif /* NTS_BPF_SKB_XLATE_H */
