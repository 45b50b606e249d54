// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns's in-place reader (dns-proxy/dnsmsg.c) against ldns, on every
 * message of the fuzz seed corpus (selftests/fuzz/seeds_ntsdns.py, made
 * here) and on deterministic mutations of them: they must agree on
 * whether a message is one and on what ntsdns reads of it
 * (dnsmsg_ref.c), but where dnsmsg.c is stricter on purpose.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h> /* before ldns, or its bool is a char */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "dnsmsg_ref.h"
#include "dnswire.h"
#include "test.h"

#define MUTATIONS 120000
#define MSGS_MAX  512
#define MSG_MAX	  4096

struct corpus {
	uint8_t *msg[MSGS_MAX];
	size_t len[MSGS_MAX];
	size_t n;
};

static void add(struct corpus *c, const uint8_t *m, size_t len)
{
	if (c->n == MSGS_MAX || len > MSG_MAX)
		return;
	c->msg[c->n] = malloc(len ? len : 1);
	if (!c->msg[c->n])
		return;
	memcpy(c->msg[c->n], m, len);
	c->len[c->n++] = len;
}

/* Each seed (flags, query length, query, answer): both messages. */
static bool load(struct corpus *c, const char *dir)
{
	char path[512];
	uint8_t buf[2 * MSG_MAX];
	struct dirent *e;
	size_t n, q;
	DIR *d = opendir(dir);
	FILE *f;

	if (!d)
		return false;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (n < 3)
			continue;
		q = (size_t)buf[1] << 8 | buf[2];
		if (q > n - 3)
			q = n - 3;
		add(c, buf + 3, q);
		add(c, buf + 3 + q, n - 3 - q);
	}
	closedir(d);
	return c->n > 0;
}

static uint64_t rng = 0x6e7473646e73ULL; /* fixed: the same runs each time */

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng >> 16;
}

/* One edit of @m (*@len bytes, room for MSG_MAX). */
static void mutate(uint8_t *m, size_t *len)
{
	static const uint8_t odd[] = { 0,    1,	   0x3f, 0x40, 0x80,
				       0xc0, 0xff, 0x29, 0x0c };
	size_t at = *len ? next() % *len : 0;
	uint16_t v;

	switch (next() % 7) {
	case 0: /* a bit */
		if (*len)
			m[at] ^= 1 << (next() % 8);
		break;
	case 1: /* a byte */
		if (*len)
			m[at] = next() % 2 ? odd[next() % sizeof(odd)] : next();
		break;
	case 2: /* shorter */
		*len = at;
		break;
	case 3: /* a count */
		if (*len >= 12) {
			at = 4 + 2 * (next() % 4);
			v = (m[at] << 8 | m[at + 1]) + (next() % 5) - 2;
			if (!(next() % 8))
				v = next() % 8;
			m[at] = v >> 8;
			m[at + 1] = v;
		}
		break;
	case 4: /* a compression pointer, somewhere */
		if (*len >= 2) {
			at = next() % (*len - 1);
			v = next() % 4 ? next() % *len : next() % 0x4000;
			m[at] = 0xc0 | (v >> 8 & 0x3f);
			m[at + 1] = v;
		}
		break;
	case 5: /* a length byte or RDLENGTH, off by a little */
		if (*len)
			m[at] += (next() % 5) - 2;
		break;
	case 6: /* bytes at the end */
		for (v = next() % 16; v && *len < MSG_MAX; v--)
			m[(*len)++] =
				next() % 2 ? odd[next() % sizeof(odd)] : next();
		break;
	}
}

static void rm_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		test_report("could not remove %s", dir);
}

static void hex(const uint8_t *m, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", m[i], i % 32 == 31 ? "\n" : "");
	fprintf(stderr, "\n");
}

/* One message, compared; false (and it printed) when they differ. */
static bool compare(const uint8_t *m, size_t len, unsigned int *cnt)
{
	char why[256];
	enum dnsmsg_ref r = dnsmsg_ref_check(m, len, why, sizeof(why));

	cnt[r]++;
	if (r == DNSMSG_REF_STRICT && getenv("DNSMSG_SHOW")) {
		fprintf(stderr, "strict (%s):\n", why);
		hex(m, len);
	}
	if (r != DNSMSG_REF_DIFFER)
		return true;
	test_report("dnsmsg.c and ldns differ (%s) on %zu bytes:", why, len);
	hex(m, len);
	test_fail();
	return false;
}

TEST(dnsmsg_vs_ldns)
{
	char dir[] = "/tmp/dnsmsg-seeds.XXXXXX", cmd[256];
	unsigned int seeds[4] = { 0 }, muts[4] = { 0 }, i, k;
	struct corpus c = { .n = 0 };
	uint8_t m[MSG_MAX];
	size_t len, j;
	bool ok = true;

	if (!mkdtemp(dir))
		TEST_SKIP("no temporary directory");
	snprintf(cmd, sizeof(cmd),
		 "python3 selftests/fuzz/seeds_ntsdns.py %s >/dev/null 2>&1",
		 dir);
	if (system(cmd) || !load(&c, dir)) {
		rm_dir(dir);
		TEST_SKIP("no seed corpus (python3 seeds_ntsdns.py)");
	}
	rm_dir(dir);
	for (j = 0; j < c.n && ok; j++)
		ok = compare(c.msg[j], c.len[j], seeds);
	for (i = 0; i < MUTATIONS && ok; i++) {
		j = next() % c.n;
		len = c.len[j];
		memcpy(m, c.msg[j], len);
		for (k = 1 + next() % 3; k; k--)
			mutate(m, &len);
		ok = compare(m, len, muts);
	}
	ASSERT_TRUE(seeds[DNSMSG_REF_BOTH] > c.n / 2,
		    "most seeds are messages both read");
	ASSERT_TRUE(muts[DNSMSG_REF_BOTH] > MUTATIONS / 10,
		    "many mutations still messages");
	printf("# dnsmsg_vs_ldns: %zu seed messages (%u read by both, %u "
	       "refused by both, %u refused by dnsmsg.c only, ldns read it); "
	       "%u "
	       "mutations (%u read by both, %u refused by both, %u by "
	       "dnsmsg.c only)\n",
	       c.n, seeds[0], seeds[1], seeds[2], i, muts[0], muts[1], muts[2]);
	for (j = 0; j < c.n; j++)
		free(c.msg[j]);
}

/* clang-format off */
/* A query for alice.example.net A, ID 0x4242, and its answer head. */
#define ALICE 5, 'a', 'l', 'i', 'c', 'e', 7, 'e', 'x', 'a', 'm', 'p', 'l', \
	      'e', 3, 'n', 'e', 't', 0
static const uint8_t query[] = { 0x42, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0,
				 0, 0, ALICE, 0, 1, 0, 1 };
/* clang-format on */

/* @n bytes of @rest after a response header (counts @an, @ar) + question. */
static size_t answer(uint8_t *m, uint16_t an, uint16_t ar, const uint8_t *rest,
		     size_t n)
{
	memcpy(m, query, sizeof(query));
	m[2] = 0x81;
	m[3] = 0x80;
	m[7] = an;
	m[11] = ar;
	if (n)
		memcpy(m + sizeof(query), rest, n);
	return sizeof(query) + n;
}

/* The refusals dnsmsg.c makes on purpose, where ldns reads on. */
TEST(dnsmsg_strict)
{
	/* CNAME to "x." with RDLENGTH 5, 2 bytes unread by ldns. */
	static const uint8_t cname[] = { 0xc0, 12, 0, 5, 0,   1, 0, 0, 0,
					 60,   0,  5, 1, 'x', 0, 0, 0 };
	/* A TSIG-typed record, then an A record ldns never reads. */
	static const uint8_t tsig[] = { 0, 0, 250,  0,	255, 0, 0, 0, 0,
					0, 0, 0xc0, 12, 0,   1, 0, 1, 0,
					0, 0, 60,   0,	4,   1, 2, 3, 4 };
	struct dnsmsg msg;
	uint8_t m[1024];
	ldns_pkt *p;
	size_t n, i;

	n = answer(m, 1, 0, cname, sizeof(cname));
	p = dns_ldns_parse(m, n);
	ASSERT_TRUE(p, "ldns reads the CNAME short of its RDLENGTH");
	ldns_pkt_free(p);
	ASSERT_EQ(dnsmsg_parse(m, n, &msg), -EPROTO, "dnsmsg.c refuses it");

	n = answer(m, 0, 2, tsig, sizeof(tsig));
	p = dns_ldns_parse(m, n);
	ASSERT_TRUE(p, "ldns stops at the TSIG");
	ldns_pkt_free(p);
	ASSERT_EQ(dnsmsg_parse(m, n, &msg), -EPROTO,
		  "dnsmsg.c refuses a record after it");

	/*
	 * An A record owned by a chain of 65 pointers to "alice...": one
	 * to bytes after the record, 64 there (ldns takes forward ones).
	 */
	n = answer(m, 1, 0, NULL, 0);
	i = n + 16;
	memcpy(m + n,
	       (uint8_t[]){ 0xc0 | i >> 8, i & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0,
			    4, 1, 2, 3, 4 },
	       16);
	for (n = i; n < i + 2 * 64; n += 2) {
		size_t to = n + 2 < i + 2 * 64 ? n + 2 : 12;

		m[n] = 0xc0 | to >> 8;
		m[n + 1] = to & 0xff;
	}
	p = dns_ldns_parse(m, n);
	ASSERT_TRUE(p, "ldns follows 65 pointers");
	ldns_pkt_free(p);
	ASSERT_EQ(dnsmsg_parse(m, n, &msg), -ELOOP, "dnsmsg.c: at most 64");
	/* 64 pointers: read. */
	m[i + 2 * 62] = 0xc0;
	m[i + 2 * 62 + 1] = 12;
	ASSERT_EQ(dnsmsg_parse(m, n, &msg), 0, "64 pointers read");
}

/* The answer's question in other case, compressed: still the query's. */
TEST(dnsmsg_answer_matches)
{
	static const uint8_t rest[] = { 0xc0, 12, 0, 1, 0,   1, 0, 0,
					0,    60, 0, 4, 192, 0, 2, 1 };
	struct dnsmsg r;
	struct dnsq q;
	uint8_t m[256];
	size_t n = answer(m, 1, 0, rest, sizeof(rest));

	ASSERT_EQ(dnsq_parse(query, sizeof(query), &q), DNSQ_FORWARD, "query");
	m[13] = 'A'; /* aLice */
	m[20] = 'X';
	ASSERT_EQ(dnsr_parse(&q, 0x4242, m, n, &r), 0, "other case");
	ASSERT_TRUE(r.ancount == 1 && r.an_off == sizeof(query), "answers");
	m[21] = 'b'; /* exbmple */
	ASSERT_EQ(dnsr_parse(&q, 0x4242, m, n, &r), -ESRCH, "other name");
	m[21] = 'a';
	m[sizeof(query) - 3] = 28; /* AAAA asked back */
	ASSERT_EQ(dnsr_parse(&q, 0x4242, m, n, &r), -ESRCH, "other type");
	m[sizeof(query) - 3] = 1;
	ASSERT_EQ(dnsr_parse(&q, 0x4243, m, n, &r), -ESRCH, "other ID");
	ASSERT_EQ(dnsr_parse(&q, 0x4242, m, n - 1, &r), -EBADMSG, "short");
}
