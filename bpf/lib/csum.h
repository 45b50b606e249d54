/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Incremental Internet checksum update (RFC 1624, eqn. 3) for XDP, which
 * has no csum_replace helpers: HC' = ~(~HC + ~m + m').
 * Sums are taken over 16-bit words as they lie in memory, so no byte
 * swapping is needed.
 */
#ifndef NTS_BPF_CSUM_H
#define NTS_BPF_CSUM_H

#include <linux/types.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __always_inline void csum_replace2(__sum16 *csum, __be16 from,
					  __be16 to)
{
	__u32 sum = *csum ^ 0xffff;

	sum += from ^ 0xffff;
	sum += to;
	*csum = ~csum_fold(sum);
}

static __always_inline void csum_replace4(__sum16 *csum, __be32 from,
					  __be32 to)
{
	__u32 sum = *csum ^ 0xffff;

	sum += ((from >> 16) ^ 0xffff) + ((from & 0xffff) ^ 0xffff);
	sum += (to >> 16) + (to & 0xffff);
	*csum = ~csum_fold(sum);
}

/* A UDP checksum that comes out as 0 is sent as all ones (RFC 768). */
static __always_inline void udp_csum_fixup(__sum16 *csum)
{
	if (*csum == 0)
		*csum = 0xffff;
}

/* Decrement the TTL and fix the header checksum (as ip_decrease_ttl()). */
static __always_inline void ip_ttl_dec(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__sum16)(check + (check >= 0xffff));
	iph->ttl--;
}

#endif /* NTS_BPF_CSUM_H */
