/* SPDX-License-Identifier: GPL-2.0 */
/* Crafting test frames and checking them from scratch. */
#ifndef NTS_TEST_PKT_H
#define NTS_TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define FRAME_MAX 2048

/*
 * A frame buffer whose IP header is 4-byte aligned, as the kernel's
 * NET_IP_ALIGN arranges: declare with FRAME(name), use as char *name.
 */
#define FRAME(name)                                                           \
	union {                                                               \
		__u32 align;                                                  \
		char buf[FRAME_MAX + 2];                                      \
	} name##_mem;                                                         \
	char *name = memset(name##_mem.buf, 0, sizeof(name##_mem.buf)) + 2

/* What a test frame looks like; addresses and ports in host order. */
struct pkt_spec {
	__u8 proto;		/* IPPROTO_TCP, _UDP, _ICMP, or other */
	__u32 saddr;
	__u32 daddr;
	__u16 sport;		/* ICMP: the echo identifier */
	__u16 dport;
	__u8 tcp_flags;		/* TH_SYN etc.; 0 = ACK */
	__u8 icmp_type;		/* ICMP echo (8) or reply (0) */
	__u8 ttl;		/* 0 = 64 */
	__u16 frag;		/* IP flags and fragment offset, host order */
	__u8 opt_words;		/* 32-bit words of IP options */
	bool udp_no_csum;	/* send a UDP checksum of 0 */
	size_t payload;		/* bytes of payload, a fixed pattern... */
	const void *data;	/* ...or these bytes */
	size_t l4_len;		/* if set: L4 bytes in the frame (truncation) */
};

struct pkt_info {
	__u32 saddr, daddr;	/* host order */
	__u16 sport, dport;	/* ICMP echo: id in sport, request or not */
	__u8 proto, ttl;
	__u16 l4_csum;		/* as in the packet */
	__u8 smac[6], dmac[6];
};

/* A frame as specified, with correct checksums; returns its length. */
size_t pkt_build(void *frame, const struct pkt_spec *s);

/*
 * An ICMP error (@type, @code) from @src to @dst quoting @qlen bytes of
 * the IP packet at @quoted; returns the frame's length.
 */
size_t pkt_build_icmp_err(void *frame, __u32 src, __u32 dst, __u8 type,
			  __u8 code, const void *quoted, size_t qlen);

/* Read a frame built by pkt_build (or translated from one). */
void pkt_read(const void *frame, size_t len, struct pkt_info *i);

/*
 * Check the IPv4 header checksum and the L4 checksum (TCP, UDP unless 0,
 * ICMP) by summing the whole frame again. Returns NULL if right, else what
 * is wrong.
 */
const char *pkt_csum_check(const void *frame, size_t len);

#define IP4(a, b, c, d) (((__u32)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

#endif /* NTS_TEST_PKT_H */
