// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns's PROXY v2 parser (dns-proxy/proxy2.c): the headers dnsdist
 * sends, and every way one can be short, long or wrong.
 */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "proxy2.h"
#include "test.h"

/* A header: version/command, family, body (addresses, then TLVs). */
static size_t hdr(uint8_t *b, uint8_t vc, uint8_t fam, const void *body,
		  size_t len)
{
	memcpy(b, proxy2_sig, PROXY2_SIG_LEN);
	b[12] = vc;
	b[13] = fam;
	b[14] = len >> 8;
	b[15] = len & 0xff;
	memcpy(b + 16, body, len);
	return 16 + len;
}

/* Bytes as the wire has them. */
/* clang-format off */

/* 198.51.100.10:40000 -> 198.51.100.53:53 */
static const uint8_t inet4[12] = { 198, 51, 100, 10, 198, 51, 100, 53,
				   0x9c, 0x40, 0, 53 };

/* clang-format on */

/* TCP4, inet4's addresses, then @tlv. */
static size_t tcp4(uint8_t *b, uint8_t vc, const void *tlv, size_t tlen)
{
	uint8_t body[64];

	memcpy(body, inet4, sizeof(inet4));
	memcpy(body + 12, tlv, tlen);
	return hdr(b, vc, 0x11, body, 12 + tlen);
}

static uint32_t src4(const struct proxy2 *h)
{
	return ntohl(((const struct sockaddr_in *)&h->src)->sin_addr.s_addr);
}

TEST(dnsdist_udp4)
{
	uint8_t b[128];
	size_t n = hdr(b, 0x21, 0x12, inet4, sizeof(inet4));
	struct proxy2 h;

	/* A query after it is not the header's. */
	memset(b + n, 0xab, 20);
	ASSERT_EQ(proxy2_parse(b, n + 20, &h), 28, "UDP4: its length");
	ASSERT_TRUE(!h.local && !h.stream, "PROXY over UDP");
	ASSERT_EQ(h.src.ss_family, AF_INET, "an IPv4 source");
	ASSERT_EQ(src4(&h), 0xc633640a, "198.51.100.10");
	ASSERT_EQ(ntohs(((struct sockaddr_in *)&h.src)->sin_port), 40000,
		  "its port");
	ASSERT_EQ(ntohs(((struct sockaddr_in *)&h.dst)->sin_port), 53,
		  "the port it asked");
}

TEST(tcp4_with_tlvs)
{
	/* NOOP padding, an empty one, and a custom TLV of dnsdist's. */
	static const uint8_t tlv[] = "\x04\0\2\0\0"
				     "\x04\0\0"
				     "\xee\0\3abc";
	uint8_t b[128];
	size_t n = tcp4(b, 0x21, tlv, sizeof(tlv) - 1);
	struct proxy2 h;

	ASSERT_EQ(proxy2_parse(b, n, &h), (long long)n, "TLVs skipped");
	ASSERT_TRUE(h.stream, "PROXY over TCP");
	ASSERT_EQ(src4(&h), 0xc633640a, "the source");
}

TEST(tcp6)
{
	uint8_t body[36] = {}, b[128];
	struct proxy2 h;
	size_t n;

	body[0] = 0x20;
	body[1] = 0x01;
	body[2] = 0x0d;
	body[3] = 0xb8;
	body[15] = 1;
	n = hdr(b, 0x21, 0x21, body, sizeof(body));
	ASSERT_EQ(proxy2_parse(b, n, &h), 52, "TCP6: its length");
	ASSERT_EQ(h.src.ss_family, AF_INET6, "an IPv6 source (not a GN)");
	ASSERT_EQ(((struct sockaddr_in6 *)&h.src)->sin6_addr.s6_addr[15], 1,
		  "2001:db8::1");
}

TEST(local)
{
	uint8_t b[64];
	struct proxy2 h;
	size_t n;

	/* dnsdist's health check: LOCAL, UNSPEC, no body. */
	n = hdr(b, 0x20, 0x00, "", 0);
	ASSERT_EQ(proxy2_parse(b, n, &h), 16, "LOCAL, empty");
	ASSERT_TRUE(h.local, "is LOCAL");
	/* LOCAL with addresses: the block is skipped, whatever it says. */
	n = hdr(b, 0x20, 0x31, "xxxxxxxx", 8);
	ASSERT_EQ(proxy2_parse(b, n, &h), 24, "LOCAL, any family");
	ASSERT_TRUE(h.local, "is LOCAL");
}

TEST(short_is_short)
{
	uint8_t b[128];
	size_t n = tcp4(b, 0x21, "", 0), i;
	struct proxy2 h;

	for (i = 0; i < n; i++)
		ASSERT_EQ(proxy2_parse(b, i, &h), PROXY2_SHORT,
			  "a header's beginning");
	ASSERT_TRUE(proxy2_sig_prefix(b, 5), "a signature's beginning");
}

TEST(refused)
{
	static const struct {
		const char *what;
		uint8_t vc, fam;
		size_t body;
	} c[] = {
		{ "version 1's byte", 0x11, 0x11, 12 },
		{ "command 2", 0x22, 0x11, 12 },
		{ "PROXY, UNSPEC family", 0x21, 0x00, 0 },
		{ "PROXY, UNIX", 0x21, 0x31, 216 },
		{ "PROXY, INET, UNSPEC transport", 0x21, 0x10, 12 },
		{ "PROXY, INET, transport 3", 0x21, 0x13, 12 },
		{ "PROXY, INET, addresses cut", 0x21, 0x11, 11 },
		{ "PROXY, INET6, addresses cut", 0x21, 0x21, 35 },
		{ "PROXY, INET, a TLV cut", 0x21, 0x11, 14 },
		{ "longer than PROXY2_MAX", 0x21, 0x11,
		  PROXY2_MAX - PROXY2_HDR_LEN + 1 },
	};
	static uint8_t body[1024], b[2048];
	struct proxy2 h;
	size_t i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (!test__start_subtest(c[i].what))
			continue;
		n = hdr(b, c[i].vc, c[i].fam, body, c[i].body);
		ASSERT_EQ(proxy2_parse(b, n, &h), PROXY2_BAD, c[i].what);
		test__end_subtest();
	}
	/* A TLV whose length runs past the header's end. */
	{
		static const uint8_t tlv[] = { 0xee, 0, 4, 'a', 'b', 'c' };

		n = tcp4(b, 0x21, tlv, sizeof(tlv));
		ASSERT_EQ(proxy2_parse(b, n + 40, &h), PROXY2_BAD,
			  "a TLV past the end");
	}
	/* A DNS query is no header; nor is a signature one byte off. */
	{
		/* ID, RD, one question: the root, A IN. */
		static const uint8_t q[] = "\x12\x34\1\0\0\1\0\0\0\0\0\0"
					   "\0\0\1\0\1";

		ASSERT_EQ(proxy2_parse(q, sizeof(q) - 1, &h), PROXY2_BAD,
			  "a DNS query");
		ASSERT_TRUE(!proxy2_sig_prefix(q, sizeof(q) - 1),
			    "no signature");
		n = tcp4(b, 0x21, "", 0);
		b[11] ^= 1;
		ASSERT_EQ(proxy2_parse(b, n, &h), PROXY2_BAD, "signature off");
	}
}
