// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns's EDNS Client Subnet (RFC 7871, issue 20): the option read from
 * a query (dnsq_parse(): any family 1 or 2 prefix, FORMERR for what 7.1.2
 * calls malformed) and echoed in an answer with its scope
 * (dns_ecs_scope()), which dnsmsg_parse() and ldns must still read.
 */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnswire.h"
#include "test.h"

#define EDNS_ECS 8

/* A message being written: bytes and length. */
struct msg {
	uint8_t b[512];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	if (n)
		memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put(m, b, 2);
}

/* Header and question (alice.example.net A); QR for an answer. */
static void header(struct msg *m, bool qr, uint16_t an, uint16_t ar)
{
	static const uint8_t q[] = "\5alice\7example\3net";

	m->n = 0;
	put16(m, 0x4242);
	put16(m, qr ? 0x8180 : 0x0100);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, ar);
	put(m, q, sizeof(q)); /* with the root's 0 */
	put16(m, 1);
	put16(m, 1);
}

/* An OPT record with @olen bytes of options @opts. */
static void opt(struct msg *m, const uint8_t *opts, size_t olen)
{
	put(m, "", 1);
	put16(m, 41);
	put16(m, 1232);
	put16(m, 0);
	put16(m, 0);
	put16(m, olen);
	put(m, opts, olen);
}

/*
 * An ECS option: @family, @source, @scope and @alen bytes of @addr
 * (ADDRESS is ceil(source / 8) bytes when well-formed). Its length.
 */
static size_t ecs(uint8_t *o, uint16_t family, uint8_t source, uint8_t scope,
		  const void *addr, size_t alen)
{
	o[0] = 0;
	o[1] = EDNS_ECS;
	o[2] = 0;
	o[3] = 4 + alen;
	o[4] = family >> 8;
	o[5] = family;
	o[6] = source;
	o[7] = scope;
	memcpy(o + 8, addr, alen);
	return 8 + alen;
}

/* A query with one ECS option; dnsq_parse()'s verdict. */
static enum dnsq_verdict parse_ecs(struct msg *m, struct dnsq *q,
				   uint16_t family, uint8_t source,
				   const void *addr, size_t alen)
{
	uint8_t o[64];

	header(m, false, 0, 1);
	opt(m, o, ecs(o, family, source, 0, addr, alen));
	return dnsq_parse(m->b, m->n, q);
}

TEST(ecs_parse)
{
	static const uint8_t net24[] = { 198, 51, 100 },
			     host[] = { 198, 51, 100, 7 },
			     net56[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x20 };
	struct msg m;
	struct dnsq q;
	uint32_t a;

	ASSERT_EQ(parse_ecs(&m, &q, 1, 24, net24, 3), DNSQ_FORWARD, "/24");
	ASSERT_TRUE(q.has_ecs, "/24 seen");
	ASSERT_EQ(q.ecs.family, 1, "/24 family");
	ASSERT_EQ(q.ecs.source, 24, "/24 source");
	ASSERT_MEM_EQ(q.ecs.addr, "\xc6\x33\x64\0", 4, "/24 network");
	ASSERT_TRUE(!dnsq_ecs32(&q, &a), "/24 is no host");

	ASSERT_EQ(parse_ecs(&m, &q, 1, 32, host, 4), DNSQ_FORWARD, "/32");
	ASSERT_TRUE(dnsq_ecs32(&q, &a), "/32 is a host");
	ASSERT_EQ(a, htonl(0xc6336407), "/32's address");

	/* /0: "don't use my address" (RFC 7871 7.1.2), no ADDRESS. */
	ASSERT_EQ(parse_ecs(&m, &q, 1, 0, "", 0), DNSQ_FORWARD, "/0");
	ASSERT_TRUE(q.has_ecs && q.ecs.source == 0, "/0 seen");

	ASSERT_EQ(parse_ecs(&m, &q, 2, 56, net56, 7), DNSQ_FORWARD, "v6 /56");
	ASSERT_TRUE(q.has_ecs && q.ecs.family == 2 && q.ecs.source == 56,
		    "v6 /56 seen");
	ASSERT_MEM_EQ(q.ecs.addr, net56, 7, "v6 /56 network");
	ASSERT_EQ(q.ecs.addr[7], 0, "v6: zero past the prefix");

	/* No ECS at all: an OPT without options. */
	header(&m, false, 0, 1);
	opt(&m, NULL, 0);
	ASSERT_EQ(dnsq_parse(m.b, m.n, &q), DNSQ_FORWARD, "no ECS");
	ASSERT_TRUE(!q.has_ecs, "no ECS seen");
}

/* RFC 7871 7.1.2: what a server answers FORMERR. */
TEST(ecs_formerr)
{
	static const uint8_t host[] = { 198, 51, 100, 7 };
	uint8_t o[64], two[128];
	struct msg m;
	struct dnsq q;
	size_t n;

	ASSERT_EQ(parse_ecs(&m, &q, 1, 24, host, 3), DNSQ_FORWARD,
		  "/24, three ADDRESS bytes");
	ASSERT_EQ(parse_ecs(&m, &q, 1, 23, "\xc6\x33\x65", 3), DNSQ_FORMERR,
		  "a bit set past /23");
	ASSERT_EQ(parse_ecs(&m, &q, 1, 24, host, 4), DNSQ_FORMERR,
		  "an ADDRESS longer than the prefix");
	ASSERT_EQ(parse_ecs(&m, &q, 1, 24, host, 2), DNSQ_FORMERR,
		  "an option shorter than its address");
	ASSERT_EQ(parse_ecs(&m, &q, 1, 33, "\1\2\3\4\5", 5), DNSQ_FORMERR,
		  "IPv4 /33");
	ASSERT_EQ(parse_ecs(&m, &q, 3, 8, "\1", 1), DNSQ_FORMERR, "family 3");
	ASSERT_EQ(parse_ecs(&m, &q, 1, 0, "", 0), DNSQ_FORWARD, "/0 whole");

	/* Two ECS options. */
	n = ecs(two, 1, 24, 0, host, 3);
	n += ecs(two + n, 1, 32, 0, host, 4);
	header(&m, false, 0, 1);
	opt(&m, two, n);
	ASSERT_EQ(dnsq_parse(m.b, m.n, &q), DNSQ_FORMERR, "two ECS options");

	/* An option length past the OPT record's data. */
	n = ecs(o, 1, 24, 0, host, 3);
	o[3] = 20;
	header(&m, false, 0, 1);
	opt(&m, o, n);
	ASSERT_EQ(dnsq_parse(m.b, m.n, &q), DNSQ_FORMERR,
		  "ECS longer than the OPT record");
}

/* An answer of one A record, 192.0.2.1; @opts in an OPT if @edns. */
static void a_answer(struct msg *m, bool edns, const uint8_t *opts, size_t olen)
{
	header(m, true, 1, edns);
	put16(m, 0xc00c);
	put16(m, 1);
	put16(m, 1);
	put16(m, 0);
	put16(m, 300);
	put16(m, 4);
	put(m, "\xc0\0\2\1", 4);
	if (edns)
		opt(m, opts, olen);
}

/* The ECS option of @buf's OPT record, as dnsmsg and ldns read it. */
static bool echo_reads(const uint8_t *buf, size_t len, uint8_t *want,
		       size_t wlen, const char *what)
{
	struct dnsmsg r;
	ldns_pkt *p = NULL;
	ldns_rdf *d;
	bool ok;

	if (!ASSERT_OK(dnsmsg_parse(buf, len, &r), what))
		return false;
	ok = ASSERT_TRUE(r.edns && r.opt_rdlen == wlen, what);
	ok = ok && ASSERT_MEM_EQ(buf + r.opt_rdata, want, wlen, what);
	ok = ok && ASSERT_EQ(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK, what);
	d = p ? ldns_pkt_edns_data(p) : NULL;
	ok = ok && ASSERT_TRUE(d && ldns_rdf_size(d) == wlen &&
				       !memcmp(ldns_rdf_data(d), want, wlen),
			       what);
	ldns_pkt_free(p);
	return ok;
}

TEST(ecs_echo)
{
	static const uint8_t net24[] = { 198, 51, 100 };
	struct dns_ecs e = { .family = 1,
			     .source = 24,
			     .addr = { 198, 51, 100 } };
	uint8_t want[64], had[64],
		cookie[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct msg m;
	size_t n, len, w;

	/* An OPT without ECS: one added, the query's, scoped /24. */
	a_answer(&m, true, NULL, 0);
	len = m.n;
	n = dns_ecs_scope(m.b, m.n, sizeof(m.b), &e, 24);
	ASSERT_EQ(n, len + 11, "ECS /24 added: 4 + 4 + 3 bytes");
	w = ecs(want, 1, 24, 24, net24, 3);
	echo_reads(m.b, n, want, w, "OPT, no ECS: added, scope 24");

	/* Not negotiated: scope 0, the answer is everyone's. */
	a_answer(&m, true, NULL, 0);
	n = dns_ecs_scope(m.b, m.n, sizeof(m.b), &e, 0);
	w = ecs(want, 1, 24, 0, net24, 3);
	echo_reads(m.b, n, want, w, "OPT, no ECS: added, scope 0");

	/* Another option first: kept, ECS after it. */
	a_answer(&m, true, cookie, sizeof(cookie));
	n = dns_ecs_scope(m.b, m.n, sizeof(m.b), &e, 24);
	memcpy(want, cookie, sizeof(cookie));
	w = sizeof(cookie) + ecs(want + sizeof(cookie), 1, 24, 24, net24, 3);
	echo_reads(m.b, n, want, w, "a cookie, then ECS");

	/* The answer has ECS already: only its scope is set. */
	w = ecs(had, 1, 24, 0, net24, 3);
	a_answer(&m, true, had, w);
	len = m.n;
	n = dns_ecs_scope(m.b, m.n, sizeof(m.b), &e, 24);
	ASSERT_EQ(n, len, "ECS there: the same length");
	ecs(want, 1, 24, 24, net24, 3);
	echo_reads(m.b, n, want, w, "ECS there: scope set");

	/* No OPT: no EDNS to put it in, unchanged. */
	a_answer(&m, false, NULL, 0);
	len = m.n;
	memcpy(had, m.b, 64);
	ASSERT_EQ(dns_ecs_scope(m.b, m.n, sizeof(m.b), &e, 24), len,
		  "no OPT: the same length");
	ASSERT_MEM_EQ(m.b, had, 64, "no OPT: unchanged");

	/* No room: unchanged. */
	a_answer(&m, true, NULL, 0);
	ASSERT_EQ(dns_ecs_scope(m.b, m.n, m.n + 10, &e, 24), m.n,
		  "no room: the same length");

	/* IPv6 /56: seven address bytes. */
	e = (struct dns_ecs){ .family = 2,
			      .source = 56,
			      .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x20 } };
	a_answer(&m, true, NULL, 0);
	n = dns_ecs_scope(m.b, m.n, sizeof(m.b), &e, 0);
	w = ecs(want, 2, 56, 0, e.addr, 7);
	echo_reads(m.b, n, want, w, "v6 /56, scope 0");
}
