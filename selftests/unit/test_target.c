// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns's policy for AAAA answers (dns-proxy/target.c, issue 19): which
 * records are negotiated, with which router (--v6-router, else the
 * name's A records), what ACCEPT, REFUSED and silence do to them, and
 * the answer written again without the ones withheld.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnswire.h"
#include "target.h"
#include "test.h"
#include "v6route.h"
#include "zones.h"

static struct nts_zone zone[] = { { .name = "example.net" } };
static const struct nts_zones zones = { .zone = zone, .n = 1 };

/* A message being written: bytes and length. */
struct msg {
	uint8_t b[1024];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put(m, b, 2);
}

static void put_name(struct msg *m, const char *name)
{
	const char *dot;
	uint8_t l;

	for (; *name; name += l + !!dot) {
		dot = strchr(name, '.');
		l = dot ? (size_t)(dot - name) : strlen(name);
		put(m, &l, 1);
		put(m, name, l);
	}
	put(m, "", 1);
}

/* A NOERROR answer's header and question; @an records to follow. */
static void answer(struct msg *m, const char *q, uint16_t qtype, uint16_t an)
{
	static const uint8_t hdr[] = { 0x42, 0x42, 0x81, 0x80, 0, 1 };

	m->n = 0;
	put(m, hdr, sizeof(hdr));
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
	put_name(m, q);
	put16(m, qtype);
	put16(m, 1);
}

/* A record; @owner NULL: a pointer to the question's name. */
static void rr(struct msg *m, const char *owner, uint16_t type,
	       const void *rdata, uint16_t len)
{
	if (owner)
		put_name(m, owner);
	else
		put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 300);
	put16(m, len);
	put(m, rdata, len);
}

static void aaaa(struct msg *m, const char *owner, const char *addr)
{
	uint8_t a[16];

	inet_pton(AF_INET6, addr, a);
	rr(m, owner, LDNS_RR_TYPE_AAAA, a, 16);
}

static void a4(struct msg *m, const char *owner, const char *addr)
{
	uint8_t a[4];

	inet_pton(AF_INET, addr, a);
	rr(m, owner, LDNS_RR_TYPE_A, a, 4);
}

static void cname(struct msg *m, const char *owner, const char *target)
{
	struct msg t = {};

	put_name(&t, target);
	rr(m, owner, LDNS_RR_TYPE_CNAME, t.b, t.n);
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static bool is6(const uint8_t *p, const char *s)
{
	uint8_t a[16];

	inet_pton(AF_INET6, s, a);
	return !memcmp(p, a, 16);
}

static int find(const struct msg *m, struct dnsmsg *r, struct nts_target *t)
{
	if (!ASSERT_EQ(dnsmsg_parse(m->b, m->n, r), 0, "the answer parses"))
		return -1;
	return nts_target_find(m->b, m->n, r, &zones, t);
}

/* www.other.test -> alice.example.net: two AAAA. */
static void two_aaaa(struct msg *m)
{
	answer(m, "www.other.test", LDNS_RR_TYPE_AAAA, 3);
	cname(m, NULL, "alice.example.net");
	aaaa(m, "alice.example.net", "2001:db8:1::10");
	aaaa(m, "alice.example.net", "2001:db8:2::10");
}

TEST(target_aaaa_found)
{
	struct nts_target t;
	struct dnsmsg r;
	struct msg m;

	two_aaaa(&m);
	if (!ASSERT_EQ(find(&m, &r, &t), 1, "an AAAA answer in the zone"))
		return;
	ASSERT_TRUE(t.v6, "AAAA records");
	ASSERT_TRUE(!strcmp(t.fqdn, "alice.example.net"), "their owner");
	ASSERT_EQ(t.n, 2, "both records");
	ASSERT_TRUE(is6(t.rr[0].addr6, "2001:db8:1::10"), "the first");
	ASSERT_TRUE(is6(t.rr[1].addr6, "2001:db8:2::10"), "the second");
	ASSERT_EQ(t.rr[0].index, 1, "after the CNAME");
	ASSERT_EQ(m.b[t.rr[1].ttl_off + 5], 16, "RDLENGTH after the TTL");
	ASSERT_EQ(t.rr[0].router, 0, "no router before --v6-router");
	nts_target_free(&t);

	/* Another zone's AAAA, an A answer's AAAA: not ours. */
	answer(&m, "bob.other.test", LDNS_RR_TYPE_AAAA, 1);
	aaaa(&m, NULL, "2001:db8:1::10");
	ASSERT_EQ(find(&m, &r, &t), 0, "another zone");
	answer(&m, "alice.example.net", LDNS_RR_TYPE_A, 1);
	aaaa(&m, NULL, "2001:db8:1::10");
	ASSERT_EQ(find(&m, &r, &t), 0, "AAAA in an answer to A");
}

TEST(target_a_unchanged)
{
	struct nts_target t;
	struct dnsmsg r;
	struct msg m;

	answer(&m, "alice.example.net", LDNS_RR_TYPE_A, 2);
	a4(&m, NULL, "198.51.100.2");
	aaaa(&m, NULL, "2001:db8:1::10");
	if (!ASSERT_EQ(find(&m, &r, &t), 1, "an A answer in the zone"))
		return;
	ASSERT_TRUE(!t.v6, "A records");
	ASSERT_EQ(t.n, 1, "the A record only");
	ASSERT_EQ(t.rr[0].router, ip4("198.51.100.2"), "its router: itself");
	ASSERT_EQ(nts_target_route6(&t, NULL, 0), 0, "A needs no route");
	nts_target_free(&t);
}

TEST(target_aaaa_routers)
{
	static const char *const arg[] = { "2001:db8::/32=192.0.2.1",
					   "2001:db8:1::/48=198.51.100.2" };
	struct nts_v6route rt[2];
	struct nts_target t, a;
	struct dnsmsg r, ra;
	struct msg m, ma;
	uint32_t out[8];
	char err[256];

	ASSERT_EQ(v6route_parse(arg[0], &rt[0], err, sizeof(err)), 0, err);
	ASSERT_EQ(v6route_parse(arg[1], &rt[1], err, sizeof(err)), 0, err);
	two_aaaa(&m);
	if (find(&m, &r, &t) != 1)
		return;
	ASSERT_EQ(nts_target_route6(&t, rt, 2), 0, "both have a prefix");
	ASSERT_EQ(t.rr[0].router, ip4("198.51.100.2"), "the /48's");
	ASSERT_EQ(t.rr[1].router, ip4("192.0.2.1"), "the /32's");
	ASSERT_EQ(nts_target_routers(&t, out, 8), 2, "two routers");
	ASSERT_EQ(out[0], ip4("198.51.100.2"), "in the answer's order");

	/* Only the /48: the second is the name's A records'. */
	ASSERT_EQ(nts_target_route6(&t, rt + 1, 1), 1, "one without");
	ASSERT_EQ(t.rr[1].router, 0, "no router yet");
	ASSERT_EQ(nts_target_routers(&t, out, 8), 1, "one router so far");
	answer(&ma, "alice.example.net", LDNS_RR_TYPE_A, 3);
	a4(&ma, NULL, "203.0.113.7");
	a4(&ma, NULL, "198.51.100.2");
	a4(&ma, NULL, "203.0.113.7");
	if (find(&ma, &ra, &a) != 1)
		return;
	ASSERT_EQ(nts_target_fallback(&t, &a), 2, "two distinct A addresses");
	ASSERT_EQ(nts_target_routers(&t, out, 8), 2, "no router twice");
	ASSERT_EQ(out[1], ip4("203.0.113.7"), "the A record's");
	ASSERT_EQ(nts_withhold_unrouted(&t), 0, "every record has a router");
	nts_target_free(&a);
	nts_target_free(&t);

	/* No prefix, another name's A: withheld. */
	if (find(&m, &r, &t) != 1)
		return;
	ASSERT_EQ(nts_target_route6(&t, NULL, 0), 2, "no prefixes");
	answer(&ma, "bob.example.net", LDNS_RR_TYPE_A, 1);
	a4(&ma, NULL, "203.0.113.7");
	if (find(&ma, &ra, &a) == 1)
		ASSERT_EQ(nts_target_fallback(&t, &a), 0, "not the name's A");
	nts_target_free(&a);
	ASSERT_EQ(nts_withhold_unrouted(&t), 2, "both withheld");
	ASSERT_EQ(nts_withheld(&t), 2, "and counted");
	ASSERT_EQ(nts_target_routers(&t, out, 8), 0, "no router to ask");
	nts_target_free(&t);
}

/* The TTL of @t's record @i. */
static uint32_t ttl_of(const struct msg *m, const struct nts_target *t,
		       size_t i)
{
	const uint8_t *p = m->b + t->rr[i].ttl_off;

	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

TEST(target_aaaa_verdicts)
{
	struct nts_v6route rt[2];
	struct nts_verdict v[2] = {};
	struct nts_target t;
	struct dnsmsg r;
	struct msg m;
	char err[256];

	v6route_parse("2001:db8:1::/48=198.51.100.2", &rt[0], err, sizeof(err));
	v6route_parse("2001:db8:2::/48=203.0.113.7", &rt[1], err, sizeof(err));
	two_aaaa(&m);
	if (find(&m, &r, &t) != 1)
		return;
	nts_target_route6(&t, rt, 2);
	/* The first router: ACCEPT with another address. */
	v[0].router = ip4("198.51.100.2");
	v[0].accept = true;
	v[0].has_addr = true;
	inet_pton(AF_INET6, "2001:db8:1::99", v[0].addr6);
	/* The second: silent (timeout). */
	v[1].router = ip4("203.0.113.7");
	ASSERT_EQ(nts_apply(m.b, &t, v, 2, 0), 1, "one ACCEPT");
	ASSERT_EQ(ttl_of(&m, &t, 0), 0, "TTL 0");
	ASSERT_TRUE(is6(m.b + t.rr[0].ttl_off + 6, "2001:db8:1::99"),
		    "the ACCEPT's address");
	ASSERT_EQ(ttl_of(&m, &t, 1), 300, "timeout: unchanged");
	ASSERT_TRUE(is6(m.b + t.rr[1].ttl_off + 6, "2001:db8:2::10"),
		    "timeout: its own address");
	ASSERT_EQ(nts_withheld(&t), 0, "nothing withheld");
	nts_target_free(&t);

	/* ACCEPT without an address; REJECT: unchanged. */
	two_aaaa(&m);
	find(&m, &r, &t);
	nts_target_route6(&t, rt, 2);
	v[0].has_addr = false;
	ASSERT_EQ(nts_apply(m.b, &t, v, 2, 0), 1, "one ACCEPT");
	ASSERT_TRUE(is6(m.b + t.rr[0].ttl_off + 6, "2001:db8:1::10"),
		    "its own address");
	nts_target_free(&t);

	/* REFUSED (a router older than IPv6): withheld. */
	two_aaaa(&m);
	find(&m, &r, &t);
	nts_target_route6(&t, rt, 2);
	v[1].refused = true;
	ASSERT_EQ(nts_apply(m.b, &t, v, 2, 0), 1, "one ACCEPT");
	ASSERT_TRUE(!t.rr[0].withhold && t.rr[1].withhold,
		    "the REFUSED one withheld");
	ASSERT_EQ(ttl_of(&m, &t, 1), 300, "and not rewritten");
	nts_target_free(&t);
}

TEST(target_a_refused_unchanged)
{
	struct nts_verdict v = { .refused = true };
	struct nts_target t;
	struct dnsmsg r;
	struct msg m;

	answer(&m, "alice.example.net", LDNS_RR_TYPE_A, 1);
	a4(&m, NULL, "198.51.100.2");
	if (find(&m, &r, &t) != 1)
		return;
	v.router = ip4("198.51.100.2");
	ASSERT_EQ(nts_apply(m.b, &t, &v, 1, 0), 0, "REFUSED");
	ASSERT_EQ(nts_withheld(&t), 0, "an A record is never withheld");
	ASSERT_EQ(ttl_of(&m, &t, 0), 300, "unchanged");
	nts_target_free(&t);
}

TEST(target_withhold_nodata)
{
	static uint8_t out[DNS_MSG_MAX];
	ldns_rr_list *an;
	struct nts_target t;
	ldns_pkt *p = NULL;
	struct dnsmsg r;
	struct msg m;
	size_t n;

	two_aaaa(&m);
	if (find(&m, &r, &t) != 1)
		return;
	nts_withhold_all(&t);
	n = nts_withhold(m.b, m.n, &t, out, sizeof(out));
	if (!ASSERT_TRUE(n > DNS_HDR_LEN, "written again"))
		return;
	ASSERT_EQ(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK, "it parses");
	ASSERT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR, "NOERROR");
	an = ldns_pkt_answer(p);
	ASSERT_EQ(ldns_rr_list_rr_count(an), 1, "the CNAME only: NODATA");
	ASSERT_EQ(ldns_rr_get_type(ldns_rr_list_rr(an, 0)), LDNS_RR_TYPE_CNAME,
		  "the CNAME kept");
	ASSERT_EQ(ldns_pkt_id(p), 0x4242, "the upstream's ID, as before");
	ldns_pkt_free(p);

	/* One of two: the other stays. */
	t.rr[1].withhold = false;
	n = nts_withhold(m.b, m.n, &t, out, sizeof(out));
	p = NULL;
	if (ASSERT_EQ(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK, "it parses")) {
		an = ldns_pkt_answer(p);
		ASSERT_EQ(ldns_rr_list_rr_count(an), 2, "CNAME and one AAAA");
		ldns_pkt_free(p);
	}
	ASSERT_EQ(nts_withhold(m.b, m.n, &t, out, 20), 0, "no room: 0");
	nts_target_free(&t);
}

/* An RRSIG over @covered, signed by example.net. */
static void rrsig(struct msg *m, const char *owner, uint16_t covered)
{
	struct msg r = {};
	uint8_t sig[64] = { 1 };

	put16(&r, covered);
	put(&r, "\x0d\x03", 2); /* algorithm 13, 3 labels */
	put16(&r, 0);
	put16(&r, 300);
	put16(&r, 0x7000);
	put16(&r, 0);
	put16(&r, 0x6000);
	put16(&r, 0);
	put16(&r, 4242);
	put_name(&r, "example.net");
	put(&r, sig, sizeof(sig));
	rr(m, owner, LDNS_RR_TYPE_RRSIG, r.b, r.n);
}

TEST(target_withhold_rrsig)
{
	static uint8_t out[DNS_MSG_MAX];
	struct nts_target t;
	ldns_pkt *p = NULL;
	struct dnsmsg r;
	struct msg m;
	size_t n;

	answer(&m, "alice.example.net", LDNS_RR_TYPE_AAAA, 3);
	aaaa(&m, NULL, "2001:db8:1::10");
	rrsig(&m, "alice.example.net", LDNS_RR_TYPE_AAAA);
	rrsig(&m, "alice.example.net", LDNS_RR_TYPE_A);
	if (find(&m, &r, &t) != 1)
		return;
	nts_withhold_all(&t);
	n = nts_withhold(m.b, m.n, &t, out, sizeof(out));
	if (ASSERT_EQ(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK, "it parses")) {
		/* Left: the RRSIG over another type, not ours to judge. */
		ASSERT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(p)), 1,
			  "the AAAA and its RRSIG gone");
		ldns_pkt_free(p);
	}
	nts_target_free(&t);
}

TEST(target_a_query)
{
	uint8_t w[DNS_HDR_LEN + DNS_NAME_MAX + 4];
	char long_label[80];
	struct dnsq q;
	size_t n;

	n = nts_a_query("alice.example.net", w, sizeof(w));
	if (!ASSERT_EQ(n, DNS_HDR_LEN + 19 + 4, "header, name, type, class"))
		return;
	ASSERT_EQ(dnsq_parse(w, n, &q), DNSQ_FORWARD, "a query to forward");
	ASSERT_EQ(q.m.qtype, LDNS_RR_TYPE_A, "for A");
	ASSERT_EQ(q.m.qclass, LDNS_RR_CLASS_IN, "IN");
	ASSERT_TRUE(w[2] & 0x01, "recursion desired");
	ASSERT_EQ(nts_a_query("", w, sizeof(w)), 0, "no name");
	ASSERT_EQ(nts_a_query("a..b", w, sizeof(w)), 0, "an empty label");
	memset(long_label, 'x', 70);
	long_label[70] = '\0';
	ASSERT_EQ(nts_a_query(long_label, w, sizeof(w)), 0, "a label > 63");
	ASSERT_EQ(nts_a_query("alice.example.net", w, 40), 0, "no room");
}
