// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for ntsdns's DNS handling (dns-proxy/dnsmsg.c,
 * dnswire.c, dnsbuild.c, target.c, and proxy2.c's PROXY v2 header), the
 * path every client query and upstream answer takes, without sockets:
 *
 *   byte 0      bit 0: the client came over TCP; bits 1-2: what the
 *               router says (0 nothing, 1 ACCEPT, 2 ACCEPT with an
 *               address, 3 REJECT, and for AAAA REFUSED, the records
 *               then withheld); bit 3: the query begins with a
 *               PROXY v2 header, taken off when it parses (when it does
 *               not, the daemon drops the message; here it goes on as a
 *               query, so that the DNS path keeps its share of runs)
 *   bytes 1-2   length of the query
 *   then        the query, then the upstream's answer
 *
 * Whatever the bytes: no crash, no read or write out of bounds, no
 * leak; an answer never longer than the client takes; rewritten records
 * where and what they should be; what we build parses again; the
 * in-place reader and ldns agree on both messages (dnsmsg_ref.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnsbuild.h"
#include "dnsmsg_ref.h"
#include "dnswire.h"
#include "nego.h"
#include "proxy2.h"
#include "target.h"
#include "zones.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define TTL   7
#define UP_ID 0x4242

static struct nts_key key = {
	.name = "fuzz-key",
	.secret = "0123456789abcdef0123456789abcdef",
	.secret_len = 32,
};
static struct nts_zone zone[] = {
	{ .name = "example.net" },
	{ .name = "nts.test" },
};
static const struct nts_zones zones = {
	.zone = zone,
	.n = 2,
	.ring = { .keys = &key, .n = 1 },
};

/* Every AAAA record's router: one, so that each is negotiated. */
static const struct nts_v6route route6 = { .len = 0, .router = 0x036433c6 };

/* The answer without @t's records: a message still, with fewer. */
static void withheld(const uint8_t *resp, size_t len,
		     const struct nts_target *t)
{
	static uint8_t out[DNS_MSG_MAX];
	ldns_pkt *p = NULL;
	size_t n;

	n = nts_withhold(resp, len, t, out, sizeof(out));
	if (!n)
		return;
	CHECK(ldns_wire2pkt(&p, out, n) == LDNS_STATUS_OK);
	CHECK(ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
	ldns_pkt_free(p);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

/* A message we made must parse, with the ID it should have. */
static void parses(const uint8_t *buf, size_t len, uint16_t id)
{
	ldns_pkt *p = NULL;

	CHECK(len >= DNS_HDR_LEN && get16(buf) == id && (buf[2] & 0x80));
	CHECK(ldns_wire2pkt(&p, buf, len) == LDNS_STATUS_OK);
	ldns_pkt_free(p);
}

/* The in-place reader and ldns: the same message, or both none. */
static void agrees(const uint8_t *buf, size_t len)
{
	char why[256];

	CHECK(dnsmsg_ref_check(buf, len, why, sizeof(why)) !=
	      DNSMSG_REF_DIFFER);
}

static void negotiate(uint8_t *resp, size_t len, const struct dnsmsg *r,
		      int mode, const struct dnsq *q)
{
	static const uint8_t via6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 };
	uint32_t ttl_be = htonl(TTL);
	uint32_t via = htonl(0xc6336403);
	size_t alen;
	struct nego_msg m = { .type = NEGO_NOTICE };
	static uint8_t before[DNS_MSG_MAX];
	struct nts_verdict *v;
	struct nts_target t;
	uint8_t buf[NEGO_MSG_MAX];
	ldns_pkt *again = NULL;
	size_t i;
	int rc;

	rc = nts_target_find(resp, len, r, &zones, &t);
	CHECK(rc >= 0 || rc == -ENOMEM);
	if (rc <= 0)
		return;
	CHECK(t.n > 0 && t.zone);
	alen = t.v6 ? 16 : 4;
	CHECK(nts_target_route6(&t, &route6, 1) == 0);
	/* The name must go into a NOTICE as it is. */
	memcpy(m.fqdn, t.fqdn, sizeof(m.fqdn));
	CHECK(nego_encode(&m, &key, 1800000000, buf, sizeof(buf)) > 0);
	for (i = 0; i < t.n; i++) {
		CHECK(t.rr[i].ttl_off + 10 <= len);
		CHECK(get16(resp + t.rr[i].ttl_off + 4) == alen);
		CHECK(!memcmp(resp + t.rr[i].ttl_off + 6,
			      t.v6 ? (const void *)t.rr[i].addr6
				   : (const void *)&t.rr[i].addr,
			      alen));
	}
	/* Each record's router says the same: ACCEPT (with @via), or not. */
	v = calloc(t.n, sizeof(*v));
	CHECK(v);
	for (i = 0; i < t.n; i++) {
		v[i] = (struct nts_verdict){ .router = t.rr[i].router,
					     .accept = mode == 1 || mode == 2,
					     .refused = mode == 3 && t.v6,
					     .has_addr = mode == 2,
					     .addr = via };
		memcpy(v[i].addr6, via6, 16);
	}
	if (mode == 0) {
		/* The other family's: every record left out. */
		nts_withhold_all(&t);
		withheld(resp, len, &t);
	}
	if (mode == 3) {
		memcpy(before, resp, len);
		CHECK(nts_apply(resp, &t, v, t.n, TTL) == 0);
		CHECK(!memcmp(before, resp, len));
		CHECK(nts_withheld(&t) == (t.v6 ? t.n : 0));
		if (t.v6)
			withheld(resp, len, &t);
	}
	if (mode == 1 || mode == 2) {
		CHECK(nts_apply(resp, &t, v, t.n, TTL) == t.n);
		CHECK(ldns_wire2pkt(&again, resp, len) == LDNS_STATUS_OK);
		for (i = 0; i < t.n; i++) {
			CHECK(!memcmp(resp + t.rr[i].ttl_off, &ttl_be, 4));
			if (mode == 2)
				CHECK(!memcmp(resp + t.rr[i].ttl_off + 6,
					      t.v6 ? (const void *)via6
						   : (const void *)&via,
					      alen));
		}
		ldns_pkt_free(again);
		again = NULL;
	}
	if (mode == 2) {
		/* An ECS-scoped copy: one option more at most, still a message. */
		static uint8_t ecs[DNS_MSG_MAX + DNS_ECS_OPT_MAX];
		struct dns_ecs e = { .family = DNS_ECS_V4, .source = 32 };
		size_t n;

		/* The query's own (authoritative mode), else a /32's. */
		memcpy(e.addr, &via, 4);
		if (q->has_ecs)
			e = q->ecs;
		memcpy(ecs, resp, len);
		n = dns_ecs_scope_checked(ecs, len, len + DNS_ECS_OPT_MAX, &e,
					  e.source);
		CHECK(n == len || n == len + 8 + (e.source + 7) / 8);
		if (n != len) {
			CHECK(ldns_wire2pkt(&again, ecs, n) == LDNS_STATUS_OK);
			/*
			 * EDNS still, where ldns saw it before. (An OPT it
			 * does not read, after a record it takes for the
			 * last, may be edited and stay unseen.)
			 */
			CHECK(ldns_pkt_edns(again) || !r->edns);
			ldns_pkt_free(again);
		}
	}
	free(v);
	nts_target_free(&t);
}

static void answer(const struct dnsq *q, const uint8_t *data, size_t len,
		   int flags)
{
	static uint8_t resp[DNS_MSG_MAX + 1], tc[DNS_MSG_MAX];
	size_t limit = flags & 1 ? DNS_MSG_MAX : q->udp_max, n;
	const uint8_t *out;
	struct dnsmsg r;
	int rc;

	if (len > DNS_MSG_MAX)
		return;
	memcpy(resp, data, len);
	/* Our ID, or nothing goes further; the question may differ. */
	if (len >= 2) {
		resp[0] = UP_ID >> 8;
		resp[1] = UP_ID & 0xff;
	}
	agrees(resp, len);
	rc = dnsr_parse(q, UP_ID, resp, len, &r);
	CHECK(!rc || rc == -EBADMSG || rc == -ESRCH);
	/* Another question: what target.c makes of it, all the same. */
	if (rc == -ESRCH && dnsmsg_parse(resp, len, &r))
		return;
	if (rc == -EBADMSG)
		return;
	negotiate(resp, len, &r, flags >> 1 & 3, q);
	out = dns_finish(resp, len, q->id, limit, tc, &n);
	CHECK(n <= limit && n >= DNS_HDR_LEN && get16(out) == q->id);
	if (out == tc) {
		CHECK(tc[2] & 0x02); /* TC */
		parses(tc, n, q->id);
	} else {
		CHECK(out == resp && n == len);
	}
}

/*
 * The PROXY v2 parser on @*q: within bounds, each of a header's
 * beginnings "short", and what it names an address. With bit 3 of the
 * flags, the query is what follows it.
 */
static void proxy_header(const uint8_t **q, size_t *qlen, int flags)
{
	struct proxy2 h, h2;
	int rc = proxy2_parse(*q, *qlen, &h);
	int i;

	CHECK(rc >= PROXY2_BAD);
	if (rc == PROXY2_SHORT)
		CHECK(*qlen < PROXY2_MAX && proxy2_sig_prefix(*q, *qlen));
	if (rc <= 0)
		return;
	CHECK(rc >= PROXY2_HDR_LEN && rc <= PROXY2_MAX && (size_t)rc <= *qlen);
	CHECK(h.local || h.src.ss_family == AF_INET ||
	      h.src.ss_family == AF_INET6);
	for (i = 0; i < rc; i++)
		CHECK(proxy2_parse(*q, i, &h2) == PROXY2_SHORT);
	if (flags & 8) {
		*q += rc;
		*qlen -= rc;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *up;
	size_t up_len;
	static uint8_t out[DNS_MSG_MAX];
	uint8_t fe[DNS_HDR_LEN];
	struct dnsq q;
	size_t qlen, n;
	int flags;

	if (size < 3)
		return 0;
	flags = data[0];
	qlen = get16(data + 1);
	data += 3;
	size -= 3;
	if (qlen > size)
		qlen = size;
	up = data + qlen;
	up_len = size - qlen;
	proxy_header(&data, &qlen, flags);
	agrees(data, qlen);

	switch (dnsq_parse(data, qlen, &q)) {
	case DNSQ_DROP:
		CHECK(qlen < DNS_HDR_LEN || (data[2] & 0x80));
		return 0;
	case DNSQ_FORMERR:
		n = dns_formerr(data, fe);
		CHECK(n == DNS_HDR_LEN && !memcmp(fe, data, 2) &&
		      (fe[3] & 0x0f) == LDNS_RCODE_FORMERR);
		parses(fe, n, get16(data));
		return 0;
	case DNSQ_FORWARD:
		break;
	}
	CHECK(q.udp_max >= DNS_UDP_MIN && q.udp_max <= DNS_MSG_MAX);
	/* An ECS taken is one RFC 7871 allows: host bits clear. */
	if (q.has_ecs) {
		unsigned int i, max = q.ecs.family == DNS_ECS_V4 ? 32 : 128;

		CHECK(q.ecs.family == DNS_ECS_V4 ||
		      q.ecs.family == DNS_ECS_V6);
		CHECK(q.ecs.source <= max);
		for (i = q.ecs.source; i < max; i++)
			CHECK(!(q.ecs.addr[i / 8] & (0x80 >> i % 8)));
	}
	n = dns_servfail(&q, out, DNS_UDP_MIN);
	CHECK(n <= DNS_UDP_MIN);
	parses(out, n, q.id);
	CHECK((out[3] & 0x0f) == LDNS_RCODE_SERVFAIL);
	answer(&q, up, up_len, flags);
	return 0;
}
