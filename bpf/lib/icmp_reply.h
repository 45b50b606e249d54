/* SPDX-License-Identifier: GPL-2.0 */
/* tc: answering a packet from inside with an ICMP error of the router's. */
#ifndef NTS_BPF_ICMP_REPLY_H
#define NTS_BPF_ICMP_REPLY_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "csum.h"
#include "parse.h"

/* ICMP destination unreachable, communication administratively prohibited */
#define ICMP_PKT_FILTERED 13

struct icmp_reply {
	struct ethhdr eth;
	struct iphdr ip;
	struct icmphdr icmp;
	__u8 quote[60 + 8];	/* the offending IP header and 8 bytes */
} __attribute__((packed));

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct icmp_reply);
} icmp_scratch SEC(".maps");

static __always_inline __sum16 csum_of(void *buf, __u32 len)
{
	return ~csum_fold(bpf_csum_diff(NULL, 0, buf, len, 0));
}

/*
 * tc: turn @skb, a packet from inside that can't be translated, into an
 * ICMP error (@type, @code) to its sender, from @from, and send it
 * straight out of the interface the sender is on: coming back into the
 * stack with the router's own source address it would count as martian.
 * Returns TC_ACT_REDIRECT, or TC_ACT_SHOT when it can't.
 */
static __always_inline int icmp_reply(struct __sk_buff *skb, __u8 type,
				      __u8 code, __be32 from)
{
	struct bpf_fib_lookup fib = { .family = 2 /* AF_INET */ };
	struct icmp_reply *r;
	__u32 zero = 0, ihl, qlen, len;

	r = bpf_map_lookup_elem(&icmp_scratch, &zero);
	if (!r || bpf_skb_load_bytes(skb, ETH_HLEN, r->quote, 20))
		return TC_ACT_SHOT;
	ihl = (r->quote[0] & 0xf) * 4;
	if (ihl < 20 || skb->len < ETH_HLEN + ihl + 8)
		return TC_ACT_SHOT;
	qlen = (ihl + 8) & 0x7c;
	if (qlen > sizeof(r->quote) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, r->quote, qlen))
		return TC_ACT_SHOT;

	__builtin_memcpy(&fib.ipv4_dst, &r->quote[12], 4);
	fib.ipv4_src = from;
	fib.ifindex = skb->ifindex;
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) !=
	    BPF_FIB_LKUP_RET_SUCCESS)
		return TC_ACT_SHOT;

	__builtin_memcpy(r->eth.h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(r->eth.h_source, fib.smac, ETH_ALEN);
	r->eth.h_proto = bpf_htons(ETH_P_IP);
	len = sizeof(r->ip) + sizeof(r->icmp) + qlen;
	r->ip = (struct iphdr){
		.version = 4,
		.ihl = 5,
		.tos = 0xc0,
		.tot_len = bpf_htons(len),
		.ttl = 64,
		.protocol = IPPROTO_ICMP,
		.saddr = from,
		.daddr = fib.ipv4_dst,
	};
	r->ip.check = csum_of(&r->ip, sizeof(r->ip));
	r->icmp = (struct icmphdr){ .type = type, .code = code };
	r->icmp.checksum = csum_of(&r->icmp, sizeof(r->icmp) + qlen);

	len += ETH_HLEN;
	if (bpf_skb_change_tail(skb, len, 0) ||
	    bpf_skb_store_bytes(skb, 0, r, len & 0xff, 0))
		return TC_ACT_SHOT;
	return bpf_redirect(fib.ifindex, 0);
}

#endif /* NTS_BPF_ICMP_REPLY_H */
