// SPDX-License-Identifier: GPL-2.0
/* The PROXY protocol v2 header: see proxy2.h. */
#include <string.h>
#include <netinet/in.h>

#include "proxy2.h"

const uint8_t proxy2_sig[PROXY2_SIG_LEN] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

#define VER2	    0x20
#define CMD_LOCAL   0x00
#define CMD_PROXY   0x01
#define AF_INET_    0x10
#define AF_INET6_   0x20
#define T_STREAM    0x01
#define T_DGRAM	    0x02
#define INET_LEN    12 /* two addresses, two ports */
#define INET6_LEN   36
#define TLV_HDR_LEN 3

bool proxy2_sig_prefix(const uint8_t *buf, size_t len)
{
	return !memcmp(buf, proxy2_sig,
		       len < PROXY2_SIG_LEN ? len : PROXY2_SIG_LEN);
}

/* TLVs (type, 16-bit length, value) that fill @len bytes exactly. */
static bool tlvs_fit(const uint8_t *p, size_t len)
{
	size_t off = 0, vlen;

	while (off < len) {
		if (len - off < TLV_HDR_LEN)
			return false;
		vlen = (size_t)p[off + 1] << 8 | p[off + 2];
		if (vlen > len - off - TLV_HDR_LEN)
			return false;
		off += TLV_HDR_LEN + vlen;
	}
	return true;
}

static void inet(const uint8_t *p, struct sockaddr_storage *src,
		 struct sockaddr_storage *dst)
{
	struct sockaddr_in *s = (void *)src, *d = (void *)dst;

	s->sin_family = d->sin_family = AF_INET;
	memcpy(&s->sin_addr, p, 4);
	memcpy(&d->sin_addr, p + 4, 4);
	memcpy(&s->sin_port, p + 8, 2);
	memcpy(&d->sin_port, p + 10, 2);
}

static void inet6(const uint8_t *p, struct sockaddr_storage *src,
		  struct sockaddr_storage *dst)
{
	struct sockaddr_in6 *s = (void *)src, *d = (void *)dst;

	s->sin6_family = d->sin6_family = AF_INET6;
	memcpy(&s->sin6_addr, p, 16);
	memcpy(&d->sin6_addr, p + 16, 16);
	memcpy(&s->sin6_port, p + 32, 2);
	memcpy(&d->sin6_port, p + 34, 2);
}

int proxy2_parse(const uint8_t *buf, size_t len, struct proxy2 *out)
{
	size_t body, alen;
	uint8_t fam, tr;

	memset(out, 0, sizeof(*out));
	if (!proxy2_sig_prefix(buf, len))
		return PROXY2_BAD;
	/* Version and command, then family: each refused when first seen. */
	if (len > PROXY2_SIG_LEN && buf[12] != (VER2 | CMD_LOCAL) &&
	    buf[12] != (VER2 | CMD_PROXY))
		return PROXY2_BAD;
	if (len < PROXY2_HDR_LEN)
		return PROXY2_SHORT;
	body = (size_t)buf[14] << 8 | buf[15];
	if (body > PROXY2_MAX - PROXY2_HDR_LEN)
		return PROXY2_BAD;
	if (len < PROXY2_HDR_LEN + body)
		return PROXY2_SHORT;
	out->local = buf[12] == (VER2 | CMD_LOCAL);
	fam = buf[13] & 0xf0;
	tr = buf[13] & 0x0f;
	/* LOCAL: the block is discarded, whatever its family says. */
	if (out->local)
		return PROXY2_HDR_LEN + body;
	if (tr != T_STREAM && tr != T_DGRAM)
		return PROXY2_BAD;
	out->stream = tr == T_STREAM;
	if (fam == AF_INET_)
		alen = INET_LEN;
	else if (fam == AF_INET6_)
		alen = INET6_LEN;
	else
		return PROXY2_BAD; /* UNSPEC and UNIX name no client */
	if (body < alen || !tlvs_fit(buf + PROXY2_HDR_LEN + alen, body - alen))
		return PROXY2_BAD;
	if (fam == AF_INET_)
		inet(buf + PROXY2_HDR_LEN, &out->src, &out->dst);
	else
		inet6(buf + PROXY2_HDR_LEN, &out->src, &out->dst);
	return PROXY2_HDR_LEN + body;
}
