// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "pkt.h"

struct icmp_echo {
	__u8 type, code;
	__u16 csum, id, seq;
};

static __u32 sum16(const void *data, size_t len, __u32 sum)
{
	const __u8 *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static __u16 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static __u32 pseudo(const struct iphdr *ip, __u8 proto, size_t len)
{
	__u32 sum = sum16(&ip->saddr, 8, 0);

	return sum + proto + len;
}

static size_t ip_len(const struct iphdr *ip)
{
	return ntohs(ip->tot_len) - ip->ihl * 4;
}

size_t pkt_build(void *frame, const struct pkt_spec *s)
{
	struct ethhdr *eth = frame;
	struct iphdr *ip = (void *)(eth + 1);
	size_t ihl = sizeof(*ip) + s->opt_words * 4, l4len, i;
	__u8 *l4 = (__u8 *)ip + ihl, *pl;
	__u16 csum;
	__u32 sum;

	memset(frame, 0, FRAME_MAX);
	memcpy(eth->h_dest, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(eth->h_source, "\x02\x00\x00\x00\x00\x02", 6);
	eth->h_proto = htons(ETH_P_IP);

	switch (s->proto) {
	case IPPROTO_TCP:
		l4len = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		l4len = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMP:
		l4len = sizeof(struct icmp_echo);
		break;
	default:
		l4len = 0;
	}
	pl = l4 + l4len;
	for (i = 0; i < s->payload; i++)
		pl[i] = s->data ? ((const __u8 *)s->data)[i] : (__u8)(i * 7 + 3);
	l4len += s->payload;

	ip->version = 4;
	ip->ihl = ihl / 4;
	ip->tot_len = htons(ihl + l4len);
	ip->id = htons(0x1234);
	ip->frag_off = htons(s->frag);
	ip->ttl = s->ttl ? s->ttl : 64;
	ip->protocol = s->proto;
	ip->saddr = htonl(s->saddr);
	ip->daddr = htonl(s->daddr);
	/* Options: NOPs and an end of list, enough to move the L4 header. */
	for (i = 0; i < s->opt_words * 4; i++)
		((__u8 *)(ip + 1))[i] = i + 1 < s->opt_words * 4u ? 1 : 0;
	ip->check = htons(~fold(sum16(ip, ihl, 0)) & 0xffff);

	/* Non-first fragments carry only payload. */
	if (s->frag & 0x1fff)
		return sizeof(*eth) + ihl + l4len;

	if (s->proto == IPPROTO_TCP) {
		struct tcphdr *th = (void *)l4;

		th->source = htons(s->sport);
		th->dest = htons(s->dport);
		th->seq = htonl(1000);
		th->doff = 5;
		th->window = htons(65535);
		((__u8 *)th)[13] = s->tcp_flags ? s->tcp_flags : 0x10;
		sum = sum16(th, l4len, pseudo(ip, IPPROTO_TCP, l4len));
		th->check = htons(~fold(sum) & 0xffff);
	} else if (s->proto == IPPROTO_UDP) {
		struct udphdr *uh = (void *)l4;

		uh->source = htons(s->sport);
		uh->dest = htons(s->dport);
		uh->len = htons(l4len);
		if (!s->udp_no_csum) {
			sum = sum16(uh, l4len, pseudo(ip, IPPROTO_UDP, l4len));
			csum = ~fold(sum) & 0xffff;
			uh->check = htons(csum ? csum : 0xffff);
		}
	} else if (s->proto == IPPROTO_ICMP) {
		struct icmp_echo *ic = (void *)l4;

		ic->type = s->icmp_type;
		ic->id = htons(s->sport);
		ic->seq = htons(1);
		ic->csum = htons(~fold(sum16(ic, l4len, 0)) & 0xffff);
	}
	if (s->l4_len && s->l4_len < l4len) {
		/* Cut short, with an IP header that says so. */
		ip->tot_len = htons(ihl + s->l4_len);
		ip->check = 0;
		ip->check = htons(~fold(sum16(ip, ihl, 0)) & 0xffff);
		return sizeof(*eth) + ihl + s->l4_len;
	}
	return sizeof(*eth) + ihl + l4len;
}

size_t pkt_build_icmp_err(void *frame, __u32 src, __u32 dst, __u8 type,
			  __u8 code, const void *quoted, size_t qlen)
{
	struct ethhdr *eth = frame;
	struct iphdr *ip = (void *)(eth + 1);
	struct icmp_echo *ic = (void *)(ip + 1);
	size_t l4len = 8 + qlen;

	memset(frame, 0, FRAME_MAX);
	memcpy(eth->h_dest, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(eth->h_source, "\x02\x00\x00\x00\x00\x02", 6);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP;
	ip->saddr = htonl(src);
	ip->daddr = htonl(dst);
	ip->check = htons(~fold(sum16(ip, sizeof(*ip), 0)) & 0xffff);
	ic->type = type;
	ic->code = code;
	memcpy((__u8 *)ic + 8, quoted, qlen);
	ic->csum = htons(~fold(sum16(ic, l4len, 0)) & 0xffff);
	return sizeof(*eth) + sizeof(*ip) + l4len;
}

void pkt_read(const void *frame, size_t len, struct pkt_info *i)
{
	const struct ethhdr *eth = frame;
	const struct iphdr *ip = (const void *)(eth + 1);
	const __u8 *l4 = (const __u8 *)ip + ip->ihl * 4;

	memset(i, 0, sizeof(*i));
	(void)len;
	memcpy(i->dmac, eth->h_dest, 6);
	memcpy(i->smac, eth->h_source, 6);
	i->saddr = ntohl(ip->saddr);
	i->daddr = ntohl(ip->daddr);
	i->proto = ip->protocol;
	i->ttl = ip->ttl;
	if (ntohs(ip->frag_off) & 0x1fff)
		return;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		i->sport = (l4[0] << 8) | l4[1];
		i->dport = (l4[2] << 8) | l4[3];
		i->l4_csum = ip->protocol == IPPROTO_TCP ?
				     (l4[16] << 8 | l4[17]) :
				     (l4[6] << 8 | l4[7]);
	} else if (ip->protocol == IPPROTO_ICMP) {
		i->sport = (l4[4] << 8) | l4[5];
		i->l4_csum = l4[2] << 8 | l4[3];
	}
}

const char *pkt_csum_check(const void *frame, size_t len)
{
	const struct ethhdr *eth = frame;
	const struct iphdr *ip = (const void *)(eth + 1);
	const __u8 *l4 = (const __u8 *)ip + ip->ihl * 4;
	size_t l4len = ip_len(ip);
	__u32 sum;

	if (len < sizeof(*eth) + ntohs(ip->tot_len))
		return "frame shorter than tot_len";
	if (fold(sum16(ip, ip->ihl * 4, 0)) != 0xffff)
		return "IPv4 header checksum";
	if (ntohs(ip->frag_off) & 0x1fff)
		return NULL;
	switch (ip->protocol) {
	case IPPROTO_TCP:
		sum = sum16(l4, l4len, pseudo(ip, IPPROTO_TCP, l4len));
		return fold(sum) == 0xffff ? NULL : "TCP checksum";
	case IPPROTO_UDP:
		if (!l4[6] && !l4[7])
			return NULL;
		sum = sum16(l4, l4len, pseudo(ip, IPPROTO_UDP, l4len));
		return fold(sum) == 0xffff ? NULL : "UDP checksum";
	case IPPROTO_ICMP:
		return fold(sum16(l4, l4len, 0)) == 0xffff ? NULL :
							    "ICMP checksum";
	}
	return NULL;
}
