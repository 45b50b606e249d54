// SPDX-License-Identifier: GPL-2.0
/*
 * DNS UPDATE snooping: the BPF parser against the ldns-based reference
 * (dnsu_ref.c) on real nsupdate messages, hand-made edge cases and
 * mutations of both; and the commit of the PHL on the server's answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <nts/config.h>

#include "dnsu_ref.h"
#include "fixture.h"
#include "flow.h"
#include "test.h"

#define CORPUS_MAX 64
#define MUTATIONS  10000
#define UPD_PORT   5353

struct msg {
	uint8_t b[DNSU_MSG_MAX * 2];
	size_t n;
	const char *what;
};

/* ---- what the BPF parser made of a message ---- */

static void bpf_parse(const struct msg *m, struct dnsu_result *r)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = UPD_PORT,
		.daddr = T_DDNS,
		.dport = 53,
		.payload = m->n,
		.data = m->b,
	};
	struct phl_pending_key key = {
		.inside = htonl(T_ALICE),
		.server = htonl(T_DDNS),
		.port = htons(UPD_PORT),
		.server_port = htons(53),
	};
	struct phl6_pending_key key6 = {
		.port = htons(UPD_PORT),
		.server_port = htons(53),
	};
	__u64 seen = fixture_stat(NTS_STAT_DNSU_SEEN);
	__u64 refused = fixture_stat(NTS_STAT_DNSU_REFUSED) +
			fixture_stat(NTS_STAT_DNSU_TOO_BIG);
	struct phl6_pending pend6;
	struct phl_pending pend;
	int verdict;

	memset(r, 0, sizeof(*r));
	if (m->n >= 2) {
		memcpy(&key.id, m->b, 2);
		memcpy(&key6.id, m->b, 2);
	}
	nts_in6_mapped(&key6.inside, key.inside);
	nts_in6_mapped(&key6.server, key.server);
	bpf_map_delete_elem(fx.maps.phl_pending, &key);
	bpf_map_delete_elem(fx.maps.phl6_pending, &key6);
	verdict = send_out(&s, NULL);
	ASSERT_EQ(verdict, TC_ACT_OK, "snooping never drops");

	if (fixture_stat(NTS_STAT_DNSU_SEEN) == seen) {
		r->verdict = DNSU_IGNORED;
	} else if (fixture_stat(NTS_STAT_DNSU_REFUSED) +
			   fixture_stat(NTS_STAT_DNSU_TOO_BIG) !=
		   refused) {
		r->verdict = DNSU_REFUSED;
	} else {
		r->verdict = DNSU_OK;
		if (!bpf_map_lookup_elem(fx.maps.phl_pending, &key, &pend)) {
			r->n = pend.n;
			memcpy(r->ops, pend.ops, sizeof(r->ops));
		}
		if (!bpf_map_lookup_elem(fx.maps.phl6_pending, &key6, &pend6)) {
			r->n6 = pend6.n;
			memcpy(r->ops6, pend6.ops, sizeof(r->ops6));
		}
	}
}

static const char *verdict_name(enum dnsu_verdict v)
{
	return v == DNSU_IGNORED ? "ignored" :
	       v == DNSU_REFUSED ? "refused" : "ok";
}

static void hexdump(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->n && i < 256; i++)
		fprintf(stderr, "%02x%s", m->b[i], i % 32 == 31 ? "\n" : " ");
	fprintf(stderr, "\n");
}

/* Both parsers, one message: true if they agree. */
static bool agree(const struct msg *m, struct dnsu_result *out)
{
	struct dnsu_result b, r;
	unsigned int i;

	bpf_parse(m, &b);
	dnsu_ref_parse(m->b, m->n, &r);
	if (out)
		*out = r;
	if (b.verdict != r.verdict ||
	    (r.verdict == DNSU_OK && (b.n != r.n || b.n6 != r.n6)))
		goto differ;
	for (i = 0; r.verdict == DNSU_OK && i < r.n; i++)
		if (b.ops[i].kind != r.ops[i].kind ||
		    b.ops[i].ttl != r.ops[i].ttl ||
		    memcmp(b.ops[i].name, r.ops[i].name, PHL_NAME_MAX))
			goto differ;
	for (i = 0; r.verdict == DNSU_OK && i < r.n6; i++)
		if (b.ops6[i].kind != r.ops6[i].kind ||
		    b.ops6[i].ttl != r.ops6[i].ttl ||
		    memcmp(&b.ops6[i].addr, &r.ops6[i].addr, 16) ||
		    memcmp(b.ops6[i].name, r.ops6[i].name, PHL_NAME_MAX))
			goto differ;
	return true;
differ:
	test_report("%s: BPF says %s (%u+%u ops%s%s), reference %s (%u+%u "
		    "ops%s%s)",
		    m->what, verdict_name(b.verdict), b.n, b.n6,
		    b.n ? ", " : "", b.n ? b.ops[0].name : "",
		    verdict_name(r.verdict), r.n, r.n6, r.n ? ", " : "",
		    r.n ? r.ops[0].name : "");
	hexdump(m);
	return false;
}

/* ---- real messages: what nsupdate sends ---- */

static char keyfile[] = "/tmp/nts-unit-key.XXXXXX";

static bool nsupdate_key(void)
{
	char cmd[128];
	int fd = mkstemp(keyfile);

	if (fd < 0)
		return false;
	close(fd);
	snprintf(cmd, sizeof(cmd), "tsig-keygen -a hmac-sha256 nts-unit > %s",
		 keyfile);
	return !system(cmd);
}

/* Run nsupdate with @script and catch the UPDATE it sends. */
static bool nsupdate_capture(const char *script, bool sign, struct msg *m)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t alen = sizeof(a);
	char path[] = "/tmp/nts-unit-upd.XXXXXX";
	ssize_t n = -1;
	int fd, sfd;
	FILE *f;
	pid_t pid;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) ||
	    getsockname(fd, (void *)&a, &alen))
		goto out;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sfd = mkstemp(path);
	f = fdopen(sfd, "w");
	fprintf(f, "server 127.0.0.1 %u\nzone example.net\n%ssend\n",
		ntohs(a.sin_port), script);
	fclose(f);

	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", 0);

		dup2(null, 1);
		dup2(null, 2);
		if (sign)
			execlp("nsupdate", "nsupdate", "-k", keyfile, path,
			       NULL);
		else
			execlp("nsupdate", "nsupdate", path, NULL);
		_exit(127);
	}
	n = recv(fd, m->b, sizeof(m->b), 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
out:
	if (fd >= 0)
		close(fd);
	m->n = n > 0 ? n : 0;
	return n > 0;
}

static const struct {
	const char *what;
	const char *script;
	bool sign;
	enum dnsu_verdict verdict;
	unsigned int ops;
	unsigned int ops6;	/* AAAA, into phl6_pending */
} nsupdate_cases[] = {
	{ "add", "update add alice.example.net 300 A 198.51.100.2\n", true,
	  DNSU_OK, 1, 0 },
	{ "add unsigned", "update add alice.example.net 300 A 198.51.100.2\n",
	  false, DNSU_OK, 1, 0 },
	{ "delete rrset", "update delete alice.example.net A\n", true, DNSU_OK,
	  1, 0 },
	{ "delete one rr", "update delete alice.example.net A 198.51.100.2\n",
	  true, DNSU_OK, 1, 0 },
	{ "delete name", "update delete alice.example.net\n", true, DNSU_OK,
	  1, 1 },
	{ "three names",
	  "update add alice.example.net 60 A 198.51.100.2\n"
	  "update add bob.example.net 120 A 198.51.100.2\n"
	  "update add carol.sub.example.net 180 A 198.51.100.2\n",
	  true, DNSU_OK, 3, 0 },
	{ "prerequisites",
	  "prereq nxdomain alice.example.net\n"
	  "prereq yxdomain example.net\n"
	  "update add alice.example.net 300 A 198.51.100.2\n",
	  true, DNSU_OK, 1, 0 },
	{ "prerequisite rrset",
	  "prereq nxrrset alice.example.net A\n"
	  "update add alice.example.net 300 A 198.51.100.2\n",
	  true, DNSU_OK, 1, 0 },
	{ "upper case", "update add ALICE.Example.NET 300 A 198.51.100.2\n",
	  true, DNSU_OK, 1, 0 },
	{ "other types",
	  "update add alice.example.net 300 TXT \"hello\"\n"
	  "update add alice.example.net 300 AAAA 2001:db8::1\n"
	  "update add alice.example.net 300 A 198.51.100.2\n",
	  true, DNSU_OK, 1, 1 },
	{ "only other types", "update add alice.example.net 300 TXT \"x\"\n",
	  true, DNSU_OK, 0, 0 },
	{ "long names",
	  "update add a-rather-long-label-for-compression.deep.sub.example.net "
	  "300 A 198.51.100.2\n"
	  "update add second.a-rather-long-label-for-compression.deep.sub."
	  "example.net 300 A 198.51.100.2\n",
	  true, DNSU_OK, 2, 0 },
	{ "not a host name", "update add *.example.net 300 A 198.51.100.2\n",
	  true, DNSU_OK, 0, 0 },
	{ "nine names",
	  "update add a1.example.net 1 A 1.1.1.1\nupdate add a2.example.net 1 A 1.1.1.1\n"
	  "update add a3.example.net 1 A 1.1.1.1\nupdate add a4.example.net 1 A 1.1.1.1\n"
	  "update add a5.example.net 1 A 1.1.1.1\nupdate add a6.example.net 1 A 1.1.1.1\n"
	  "update add a7.example.net 1 A 1.1.1.1\nupdate add a8.example.net 1 A 1.1.1.1\n"
	  "update add a9.example.net 1 A 1.1.1.1\n",
	  true, DNSU_REFUSED, 0, 0 },
	{ "aaaa", "update add alice.example.net 300 AAAA 2001:db8:1::10\n",
	  true, DNSU_OK, 0, 1 },
	{ "delete aaaa", "update delete alice.example.net AAAA\n", true,
	  DNSU_OK, 0, 1 },
	{ "dual stack",
	  "update add alice.example.net 300 A 198.51.100.2\n"
	  "update add alice.example.net 300 AAAA 2001:db8:1::10\n"
	  "update add alice.example.net 300 AAAA 2001:db8:1::11\n",
	  true, DNSU_OK, 1, 2 },
};

#define NCASES (sizeof(nsupdate_cases) / sizeof(nsupdate_cases[0]))

static struct msg corpus[CORPUS_MAX];
static int ncorpus;

/* nsupdate and tsig-keygen, from bind9-dnsutils (tools/deps.sh). */
static bool have_nsupdate(void)
{
	return !system("command -v nsupdate >/dev/null && "
		       "command -v tsig-keygen >/dev/null");
}

static bool corpus_real(void)
{
	size_t i;

	if (ncorpus)
		return true;
	if (!ASSERT_TRUE(nsupdate_key(), "tsig-keygen"))
		return false;
	for (i = 0; i < NCASES; i++) {
		struct msg *m = &corpus[ncorpus];

		m->what = nsupdate_cases[i].what;
		if (!ASSERT_TRUE(nsupdate_capture(nsupdate_cases[i].script,
						  nsupdate_cases[i].sign, m),
				 m->what))
			return false;
		ncorpus++;
	}
	unlink(keyfile);
	return true;
}

TEST(nsupdate_messages)
{
	struct dnsu_result r;
	size_t i;

	if (!have_nsupdate())
		TEST_SKIP("nsupdate or tsig-keygen not installed (bind9-dnsutils)");
	if (!corpus_real())
		return;
	for (i = 0; i < NCASES; i++) {
		if (!test__start_subtest(nsupdate_cases[i].what))
			continue;
		if (agree(&corpus[i], &r)) {
			ASSERT_EQ(r.verdict, nsupdate_cases[i].verdict,
				  nsupdate_cases[i].what);
			ASSERT_EQ(r.n, nsupdate_cases[i].ops,
				  nsupdate_cases[i].what);
			ASSERT_EQ(r.n6, nsupdate_cases[i].ops6,
				  nsupdate_cases[i].what);
		}
		test__end_subtest();
	}
	/* What the first one says, exactly. */
	dnsu_ref_parse(corpus[0].b, corpus[0].n, &r);
	ASSERT_EQ(r.ops[0].kind, PHL_OP_ADD, "add");
	ASSERT_EQ(r.ops[0].ttl, 300, "ttl");
	ASSERT_STREQ(r.ops[0].name, "alice.example.net", "name");
	dnsu_ref_parse(corpus[8].b, corpus[8].n, &r);
	ASSERT_STREQ(r.ops[0].name, "alice.example.net",
		     "upper case is lowered");
	dnsu_ref_parse(corpus[NCASES - 3].b, corpus[NCASES - 3].n, &r);
	ASSERT_EQ(r.ops6[0].kind, PHL_OP_ADD, "aaaa add");
	ASSERT_EQ(ntohs(r.ops6[0].addr.a[0] & 0xffff), 0x2001,
		  "the record's address");
	ASSERT_EQ(ntohl(r.ops6[0].addr.a[3]), 0x10, "all of it");
}

/* ---- hand-made edge cases ---- */

static void put8(struct msg *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void put16(struct msg *m, uint16_t v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_name(struct msg *m, const char *name)
{
	const char *dot;

	while (*name) {
		dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		put8(m, l);
		memcpy(m->b + m->n, name, l);
		m->n += l;
		name += l + (dot ? 1 : 0);
	}
	put8(m, 0);
}

/* Header and zone; the caller adds the records. */
static void upd_start(struct msg *m, const char *what, uint16_t pr,
		      uint16_t up)
{
	memset(m, 0, sizeof(*m));
	m->what = what;
	put16(m, 0x1234);
	put16(m, 5 << 11);
	put16(m, 1);
	put16(m, pr);
	put16(m, up);
	put16(m, 0);
	put_name(m, "example.net");
	put16(m, 6);
	put16(m, 1);
}

static void rr_tail(struct msg *m, uint16_t type, uint16_t class,
		    uint32_t ttl, uint16_t rdlen)
{
	put16(m, type);
	put16(m, class);
	put32(m, ttl);
	put16(m, rdlen);
	for (int i = 0; i < rdlen; i++)
		put8(m, 0xc6);
}

static void add_a(struct msg *m, const char *name)
{
	put_name(m, name);
	rr_tail(m, 1, 1, 300, 4);
}

#define ZONE_OFF 12

static int edge_cases(struct msg *e)
{
	int n = 0, i;
	struct msg *m;

	m = &e[n++];
	upd_start(m, "plain add", 0, 1);
	add_a(m, "alice.example.net");

	m = &e[n++];
	upd_start(m, "pointer to the zone", 0, 1);
	put8(m, 5);
	memcpy(m->b + m->n, "alice", 5);
	m->n += 5;
	put16(m, 0xc000 | ZONE_OFF);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "pointer loop", 0, 1);
	put16(m, 0xc000 | m->n);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "two-pointer loop", 0, 1);
	i = m->n;
	put16(m, 0xc000 | (i + 2));
	put16(m, 0xc000 | i);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "pointer forward", 0, 1);
	put16(m, 0xc000 | (m->n + 2 + 14));
	rr_tail(m, 1, 1, 60, 4);
	put_name(m, "fwd.example.net");

	m = &e[n++];
	upd_start(m, "pointer to byte 0", 0, 1);
	put16(m, 0xc000);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "pointer past the end", 0, 1);
	put16(m, 0xc000 | 0x3ff);
	rr_tail(m, 1, 1, 60, 4);

	/* A chain of pointers, each to the one before. */
	for (int hops = DNSU_PTRS_MAX - 1; hops <= DNSU_PTRS_MAX + 1;
	     hops++) {
		int prev;

		m = &e[n++];
		upd_start(m, hops > DNSU_PTRS_MAX ? "too many pointers" :
						    "many pointers",
			  hops - 1, 1);
		prev = ZONE_OFF;
		for (i = 1; i < hops; i++) {
			int here = m->n;

			put16(m, 0xc000 | prev);
			rr_tail(m, 1, 254, 0, 0);
			prev = here;
		}
		put8(m, 1);
		put8(m, 'x');
		put16(m, 0xc000 | prev);
		rr_tail(m, 1, 1, 60, 4);
	}

	m = &e[n++];
	upd_start(m, "name of 255 bytes", 0, 1);
	for (i = 0; i < 3; i++) {
		put8(m, 63);
		memset(m->b + m->n, 'a' + i, 63);
		m->n += 63;
	}
	/* ... in the zone: 3 * 64 + 50 + 13 for example.net and the root */
	put8(m, 49);
	memset(m->b + m->n, 'z', 49);
	m->n += 49;
	put_name(m, "example.net");
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "name of 256 bytes", 0, 1);
	for (i = 0; i < 3; i++) {
		put8(m, 63);
		memset(m->b + m->n, 'a' + i, 63);
		m->n += 63;
	}
	put8(m, 62);
	memset(m->b + m->n, 'z', 62);
	m->n += 62;
	put8(m, 0);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "label of 64", 0, 1);
	put8(m, 64);
	memset(m->b + m->n, 'q', 64);
	m->n += 64;
	put8(m, 0);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "label type 0x80", 0, 1);
	put8(m, 0x81);
	put8(m, 'q');
	put8(m, 0);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "truncated rdata", 0, 1);
	add_a(m, "alice.example.net");
	m->n -= 2;

	m = &e[n++];
	upd_start(m, "truncated name", 0, 1);
	put_name(m, "alice.example.net");
	m->n -= 5;

	m = &e[n++];
	upd_start(m, "counts beyond the message", 3, 5);
	add_a(m, "alice.example.net");

	m = &e[n++];
	upd_start(m, "no zone", 0, 1);
	m->b[5] = 0;
	add_a(m, "alice.example.net");

	m = &e[n++];
	upd_start(m, "two zones", 0, 1);
	m->b[5] = 2;
	add_a(m, "alice.example.net");

	m = &e[n++];
	upd_start(m, "too many records", 0, DNSU_RRS_MAX + 1);
	for (i = 0; i <= DNSU_RRS_MAX; i++) {
		put_name(m, "t.example.net");
		rr_tail(m, 16, 1, 1, 1);
	}

	m = &e[n++];
	upd_start(m, "A with 5 bytes", 0, 1);
	put_name(m, "alice.example.net");
	rr_tail(m, 1, 1, 60, 5);

	m = &e[n++];
	upd_start(m, "mixed case labels", 0, 1);
	add_a(m, "AlIcE.ExAmPlE.NeT");

	m = &e[n++];
	upd_start(m, "non-host characters", 0, 2);
	add_a(m, "al ice.example.net");
	add_a(m, "bob.example.net");

	m = &e[n++];
	upd_start(m, "root owner", 0, 1);
	put8(m, 0);
	rr_tail(m, 1, 1, 60, 4);

	m = &e[n++];
	upd_start(m, "a response", 0, 1);
	m->b[2] |= 0x80;
	add_a(m, "alice.example.net");

	m = &e[n++];
	upd_start(m, "a query", 0, 1);
	m->b[2] = 0;
	add_a(m, "alice.example.net");

	m = &e[n++];
	upd_start(m, "header only", 0, 0);
	m->n = 12;

	m = &e[n++];
	upd_start(m, "short header", 0, 0);
	m->n = 7;

	m = &e[n++];
	upd_start(m, "larger than the snooper reads", 0, 1);
	add_a(m, "alice.example.net");
	m->n = DNSU_MSG_MAX + 1;

	m = &e[n++];
	upd_start(m, "exactly as large as it reads", 0, 1);
	add_a(m, "alice.example.net");
	m->n = DNSU_MSG_MAX;

	return n;
}

TEST(edge_cases)
{
	static struct msg e[64];
	struct dnsu_result r;
	int n = edge_cases(e), i;

	for (i = 0; i < n; i++) {
		if (!test__start_subtest(e[i].what))
			continue;
		agree(&e[i], NULL);
		test__end_subtest();
	}

	/* And the reference means what the rules say. */
#define EXPECT(idx, v, nops)                                                  \
	do {                                                                  \
		dnsu_ref_parse(e[idx].b, e[idx].n, &r);                       \
		ASSERT_EQ(r.verdict, v, e[idx].what);                         \
		ASSERT_EQ(r.n, nops, e[idx].what);                            \
	} while (0)
	EXPECT(0, DNSU_OK, 1);		/* plain add */
	EXPECT(1, DNSU_OK, 1);		/* pointer to the zone */
	ASSERT_TRUE(!strcmp(r.ops[0].name, "alice.example.net"), "name");
	EXPECT(2, DNSU_REFUSED, 0);	/* pointer loop */
	EXPECT(3, DNSU_REFUSED, 0);	/* two-pointer loop */
	EXPECT(4, DNSU_OK, 1);		/* pointer forward */
	EXPECT(5, DNSU_REFUSED, 0);	/* pointer to 0 */
	EXPECT(6, DNSU_REFUSED, 0);	/* past the end */
	EXPECT(7, DNSU_OK, 1);		/* 15 pointers */
	EXPECT(8, DNSU_OK, 1);		/* 16 */
	EXPECT(9, DNSU_REFUSED, 0);	/* 17 */
	EXPECT(10, DNSU_OK, 1);		/* 255 bytes */
	EXPECT(11, DNSU_REFUSED, 0);	/* 256 bytes */
	EXPECT(12, DNSU_REFUSED, 0);	/* label of 64 */
	EXPECT(13, DNSU_REFUSED, 0);
	EXPECT(14, DNSU_REFUSED, 0);
	EXPECT(15, DNSU_REFUSED, 0);
	EXPECT(16, DNSU_REFUSED, 0);
	EXPECT(17, DNSU_REFUSED, 0);
	EXPECT(18, DNSU_REFUSED, 0);
	EXPECT(19, DNSU_REFUSED, 0);
	EXPECT(20, DNSU_REFUSED, 0);	/* A with 5 bytes */
	EXPECT(21, DNSU_OK, 1);
	ASSERT_TRUE(!strcmp(r.ops[0].name, "alice.example.net"), "lowered");
	EXPECT(22, DNSU_OK, 1);		/* only bob */
	ASSERT_TRUE(!strcmp(r.ops[0].name, "bob.example.net"), "bob");
	EXPECT(23, DNSU_OK, 0);		/* root owner */
	EXPECT(24, DNSU_IGNORED, 0);
	EXPECT(25, DNSU_IGNORED, 0);
	EXPECT(26, DNSU_REFUSED, 0);	/* header only: no zone */
	EXPECT(27, DNSU_IGNORED, 0);	/* short header */
	EXPECT(28, DNSU_REFUSED, 0);
	EXPECT(29, DNSU_OK, 1);
#undef EXPECT
}

/* ---- mutations ---- */

static void mutate(struct msg *m, unsigned int seed)
{
	unsigned int k, flips;
	size_t at;

	srand(seed);
	switch (rand() % 4) {
	case 0: /* a few bytes anywhere */
		flips = 1 + rand() % 4;
		for (k = 0; k < flips && m->n; k++)
			m->b[rand() % m->n] = rand();
		break;
	case 1: /* a byte made a pointer or a label length */
		if (m->n > 12) {
			at = 12 + rand() % (m->n - 12);
			m->b[at] = rand() % 2 ? 0xc0 | rand() % 4 : rand() % 80;
			if (at + 1 < m->n)
				m->b[at + 1] = rand();
		}
		break;
	case 2: /* cut short */
		m->n = rand() % (m->n + 1);
		break;
	default: /* counts */
		if (m->n >= 12)
			m->b[4 + 2 * (rand() % 4) + 1] = rand() % 24;
		break;
	}
}

TEST(differential_mutations)
{
	static struct msg e[64];
	unsigned int counts[3] = {}, ops = 0, bad = 0, i;
	int n = edge_cases(e);
	struct dnsu_result r;
	struct msg m;
	const char *env = getenv("NTS_MUTATIONS");
	unsigned int total = env ? strtoul(env, NULL, 0) : MUTATIONS;

	if (!have_nsupdate())
		TEST_SKIP("nsupdate or tsig-keygen not installed (bind9-dnsutils)");
	if (!corpus_real())
		return;
	for (i = 0; i < total; i++) {
		const struct msg *base = i % 2 ? &corpus[i / 2 % ncorpus] :
						 &e[i / 2 % n];

		m = *base;
		m.what = "mutation";
		mutate(&m, i);
		if (m.n > 12 && (i % 3 == 0)) /* and now and then a second */
			mutate(&m, i + 1000000);
		if (!agree(&m, &r)) {
			fprintf(stderr, "  mutation %u of '%s'\n", i, base->what);
			if (++bad >= 5)
				break;
			continue;
		}
		counts[r.verdict]++;
		ops += r.n;
	}
	ASSERT_EQ(bad, 0, "disagreements");
	printf("# %u messages: %u ok (%u operations), %u refused, %u ignored\n",
	       i, counts[DNSU_OK], ops, counts[DNSU_REFUSED],
	       counts[DNSU_IGNORED]);
	/* The mix is what makes the comparison worth something. */
	ASSERT_TRUE(counts[DNSU_OK] > total / 10, "many accepted");
	ASSERT_TRUE(counts[DNSU_REFUSED] > total / 10, "many refused");
	ASSERT_TRUE(ops > total / 10, "many operations");
}

/* ---- the answer commits or discards ---- */

/* alice's UPDATE goes out; returns its DNS ID. */
static uint16_t register_alice(const char *name, uint16_t class, uint32_t ttl)
{
	struct msg m;

	upd_start(&m, "register", 0, 1);
	put_name(&m, name);
	rr_tail(&m, 1, class, ttl, class == 1 ? 4 : 0);
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = UPD_PORT,
		.daddr = T_DDNS,
		.dport = 53,
		.payload = m.n,
		.data = m.b,
	};
	send_out(&s, NULL);
	return 0x1234;
}

/* The server's answer, from T_DDNS:53 to the NAT's outside port. */
static void answer(uint16_t id, uint8_t rcode, uint32_t from)
{
	uint8_t h[12] = { id >> 8, id & 0xff, 0x80 | 5 << 3, rcode };
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = from,
		.sport = 53,
		.daddr = T_WAN,
		.dport = UPD_PORT,
		.payload = sizeof(h),
		.data = h,
	};
	struct pkt_info o;

	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "answer verdict");
}

static bool phl_get(const char *name, struct phl_entry *e)
{
	struct phl_key k = {};

	strncpy(k.name, name, sizeof(k.name) - 1);
	return !bpf_map_lookup_elem(fx.maps.phl, &k, e);
}

static int pending_count(void)
{
	struct phl_pending_key k;

	return !bpf_map_get_next_key(fx.maps.phl_pending, NULL, &k);
}

/* BPF stamps with the coarse clock, which may lag a tick behind. */
#define COARSE_SLACK 20000000ULL

TEST(noerror_commits)
{
	struct phl_entry e;
	__u64 before = mono_ns() - COARSE_SLACK;

	register_alice("Alice.Example.Net", 1, 7200);
	ASSERT_EQ(pending_count(), 1, "waiting for the answer");
	ASSERT_TRUE(!phl_get("alice.example.net", &e), "not yet in the PHL");
	answer(0x1234, 0, T_DDNS);
	if (!ASSERT_TRUE(phl_get("alice.example.net", &e), "in the PHL"))
		return;
	ASSERT_EQ(e.addr, htonl(T_ALICE), "alice's inside address");
	ASSERT_TRUE(e.expires_ns >= before + 7200ULL * 1000000000 &&
			    e.expires_ns <= mono_ns() + 7200ULL * 1000000000,
		    "expires with the record's TTL");
	ASSERT_EQ(pending_count(), 0, "pending entry gone");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_ADD), 1, "counted");
}

TEST(short_ttl_lasts_the_minimum)
{
	struct phl_entry e;
	__u64 before = mono_ns() - COARSE_SLACK;

	register_alice("alice.example.net", 1, 5);
	answer(0x1234, 0, T_DDNS);
	ASSERT_TRUE(phl_get("alice.example.net", &e), "in the PHL");
	ASSERT_TRUE(e.expires_ns >= before + T_PHL_MIN_TTL * 1000000000ULL,
		    "at least phl_min_ttl");
}

TEST(error_discards)
{
	struct phl_entry e;

	register_alice("alice.example.net", 1, 300);
	answer(0x1234, 5 /* REFUSED */, T_DDNS);
	ASSERT_TRUE(!phl_get("alice.example.net", &e), "not in the PHL");
	ASSERT_EQ(pending_count(), 0, "pending entry gone");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_DISCARD), 1, "counted");
}

TEST(answer_must_match)
{
	struct phl_entry e;

	register_alice("alice.example.net", 1, 300);
	answer(0x4321, 0, T_DDNS);
	ASSERT_TRUE(!phl_get("alice.example.net", &e), "other ID: nothing");
	ASSERT_EQ(pending_count(), 1, "still waiting");
}

TEST(delete_removes)
{
	struct phl_entry e;

	register_alice("alice.example.net", 1, 300);
	answer(0x1234, 0, T_DDNS);
	register_alice("alice.example.net", 255, 0);
	answer(0x1234, 0, T_DDNS);
	ASSERT_TRUE(!phl_get("alice.example.net", &e), "deleted");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_DEL), 1, "counted");
}

TEST(static_entries_kept)
{
	struct phl_key k = { .name = "alice.example.net" };
	struct phl_entry s = { .addr = htonl(T_BOB), .flags = PHL_F_STATIC };
	struct phl_entry e;

	bpf_map_update_elem(fx.maps.phl, &k, &s, BPF_ANY);
	register_alice("alice.example.net", 1, 300);
	answer(0x1234, 0, T_DDNS);
	ASSERT_TRUE(phl_get("alice.example.net", &e), "still there");
	ASSERT_EQ(e.addr, htonl(T_BOB), "the operator's address");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_STATIC), 1, "counted");
}

TEST(snooped_update_passes_unchanged)
{
	struct msg m;
	FRAME(frame);
	FRAME(copy);
	size_t len;

	upd_start(&m, "register", 0, 1);
	add_a(&m, "alice.example.net");
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = UPD_PORT,
		.daddr = T_DDNS,
		.dport = 53,
		.payload = m.n,
		.data = m.b,
	};
	len = pkt_build(frame, &s);
	memcpy(copy, frame, len);
	ASSERT_EQ(run_out(frame, &len), TC_ACT_OK, "verdict");
	ASSERT_MEM_EQ(frame + 14 + 28, copy + 14 + 28, m.n,
		      "the DNS message, byte for byte");
}

/* ---- whom the snooper trusts: issue 22's takeover ---- */

/* An UPDATE adding @name, from @host:@sport to @server:@dport. */
static void upd_send(uint32_t host, uint16_t sport, uint32_t server,
		     uint16_t dport, const char *name)
{
	struct msg m;

	upd_start(&m, name, 0, 1);
	add_a(&m, name);
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = host,
		.sport = sport,
		.daddr = server,
		.dport = dport,
		.payload = m.n,
		.data = m.b,
	};
	ASSERT_EQ(send_out(&s, NULL), TC_ACT_OK, "snooping never drops");
}

/* NOERROR for ID 0x1234 from @server:@sport to the mapped port @dport. */
static void noerror(uint32_t server, uint16_t sport, uint16_t dport)
{
	uint8_t h[12] = { 0x12, 0x34, 0x80 | 5 << 3, 0 };
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = server,
		.sport = sport,
		.daddr = T_WAN,
		.dport = dport,
		.payload = sizeof(h),
		.data = h,
	};

	send_in(&s, NULL);
}

static uint32_t phl_addr(const char *name)
{
	struct phl_entry e;

	return phl_get(name, &e) ? e.addr : 0;
}

TEST(untrusted_server_teaches_nothing)
{
	/* alice registers through the trusted server. */
	upd_send(T_ALICE, UPD_PORT, T_DDNS, 53, "alice.example.net");
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_EQ(phl_addr("alice.example.net"), htonl(T_ALICE), "alice");

	/* bob's "server" says NOERROR to his claim on alice's name. */
	upd_send(T_BOB, 6000, T_REMOTE, 53, "alice.example.net");
	ASSERT_EQ(pending_count(), 0, "nothing waits for that answer");
	noerror(T_REMOTE, 53, 6000);
	ASSERT_EQ(phl_addr("alice.example.net"), htonl(T_ALICE),
		  "alice keeps her name");
	ASSERT_EQ(fixture_stat(NTS_STAT_DNSU_UNTRUSTED), 1, "counted");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_COMMIT), 1, "one commit, alice's");
}

TEST(trusted_address_other_port)
{
	/* The trusted server is 198.51.100.54:53, not any port of it. */
	upd_send(T_BOB, 6000, T_DDNS, 5353, "bob.example.net");
	noerror(T_DDNS, 5353, 6000);
	ASSERT_EQ(phl_addr("bob.example.net"), 0, "not learnt");
	ASSERT_EQ(fixture_stat(NTS_STAT_DNSU_SEEN), 0, "not even read");
}

TEST(answer_from_elsewhere_commits_nothing)
{
	/* To the trusted server, but NOERROR from its address, another port. */
	upd_send(T_BOB, 6000, T_DDNS, 53, "bob.example.net");
	noerror(T_DDNS, 5353, 6000);
	ASSERT_EQ(phl_addr("bob.example.net"), 0, "not learnt");
	ASSERT_EQ(pending_count(), 1, "still waiting for the server");
}

static void zone_allow(const char *zone)
{
	struct nts_config cfg;
	struct phl_key k = {};
	__u32 one = 1, key = 0;

	strncpy(k.name, zone, sizeof(k.name) - 1);
	bpf_map_update_elem(fx.maps.phl_zones, &k, &one, BPF_ANY);
	bpf_map_lookup_elem(fx.maps.config, &key, &cfg);
	cfg.flags |= NTS_CFG_ZONES;
	bpf_map_update_elem(fx.maps.config, &key, &cfg, BPF_ANY);
}

TEST(zones_given)
{
	zone_allow("other.net");
	upd_send(T_ALICE, UPD_PORT, T_DDNS, 53, "alice.example.net");
	ASSERT_EQ(pending_count(), 0, "example.net is not a zone given");
	ASSERT_EQ(fixture_stat(NTS_STAT_DNSU_ZONE), 1, "counted");
	zone_allow("example.net");
	upd_send(T_ALICE, UPD_PORT, T_DDNS, 53, "alice.example.net");
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_EQ(phl_addr("alice.example.net"), htonl(T_ALICE), "learnt");
}

TEST(name_outside_its_zone)
{
	/* The zone section says example.net; the record is elsewhere. */
	upd_send(T_ALICE, UPD_PORT, T_DDNS, 53, "alice.example.org");
	ASSERT_EQ(pending_count(), 0, "refused");
	upd_send(T_ALICE, UPD_PORT, T_DDNS, 53, "alice.badexample.net");
	ASSERT_EQ(pending_count(), 0, "a suffix is not a subdomain");
	ASSERT_EQ(fixture_stat(NTS_STAT_DNSU_REFUSED), 2, "counted");
}

static uint32_t host_names(uint32_t host)
{
	struct phl_host h = {};
	__be32 k = htonl(host);

	bpf_map_lookup_elem(fx.maps.phl_hosts, &k, &h);
	return h.names;
}

TEST(quota_per_host)
{
	char name[64];
	int i;

	for (i = 0; i <= T_PHL_QUOTA; i++) {
		snprintf(name, sizeof(name), "n%d.example.net", i);
		upd_send(T_BOB, 6000, T_DDNS, 53, name);
		noerror(T_DDNS, 53, 6000);
	}
	ASSERT_EQ(host_names(T_BOB), T_PHL_QUOTA, "bob's names counted");
	ASSERT_EQ(phl_addr("n3.example.net"), htonl(T_BOB), "the last in");
	snprintf(name, sizeof(name), "n%d.example.net", T_PHL_QUOTA);
	ASSERT_EQ(phl_addr(name), 0, "one past the quota: refused");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_QUOTA), 1, "counted");

	/* A refresh is no new name. */
	upd_send(T_BOB, 6000, T_DDNS, 53, "n0.example.net");
	noerror(T_DDNS, 53, 6000);
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_QUOTA), 1, "a refresh passes");

	/* alice has a quota of her own, and a name moves with a commit. */
	upd_send(T_ALICE, UPD_PORT, T_DDNS, 53, "n0.example.net");
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_EQ(phl_addr("n0.example.net"), htonl(T_ALICE), "moved");
	ASSERT_EQ(host_names(T_BOB), T_PHL_QUOTA - 1, "bob has one less");
	ASSERT_EQ(host_names(T_ALICE), 1, "alice one");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_MOVED), 1, "counted");
}

static int event_last(void *ctx, void *data, size_t len)
{
	if (len == sizeof(struct phl_event))
		memcpy(ctx, data, len);
	return 0;
}

TEST(events_tell_ntsload)
{
	struct ring_buffer *rb;
	struct phl_event ev = {};

	rb = ring_buffer__new(fx.maps.phl_events, event_last, &ev, NULL);
	if (!ASSERT_TRUE(rb, "ring buffer"))
		return;
	ring_buffer__consume(rb);	/* what earlier tests left */

	upd_send(T_BOB, 6000, T_REMOTE, 53, "alice.example.net");
	ring_buffer__consume(rb);
	ASSERT_EQ(ev.kind, PHL_EV_UNTRUSTED, "untrusted server said");
	ASSERT_EQ(ev.inside, htonl(T_BOB), "who");
	ASSERT_EQ(ev.server, htonl(T_REMOTE), "to whom");

	upd_send(T_BOB, 6000, T_DDNS, 53, "bob.example.net");
	noerror(T_DDNS, 53, 6000);
	ring_buffer__consume(rb);
	ASSERT_EQ(ev.kind, PHL_EV_ADD, "registration said");
	ASSERT_TRUE(!strcmp(ev.name, "bob.example.net"), "its name");
	ASSERT_EQ(ev.prev, 0, "new");
	ring_buffer__free(rb);
}

/* ---- AAAA records (include/nts/ip6.h) ---- */

#define PREFIX6 "2001:db8:1::"

static void in6(const char *s, void *dst)
{
	ASSERT_EQ(inet_pton(AF_INET6, s, dst), 1, s);
}

/* The IPv6 firewall on for 2001:db8:1::/64: AAAA may be learnt there. */
static void prefix6_on(void)
{
	struct nts_config6 c = { .nprefix = 1 };
	__u32 k = 0;

	in6(PREFIX6, &c.prefix[0].net);
	c.prefix[0].len = 64;
	ASSERT_OK(bpf_map_update_elem(fx.maps.config6, &k, &c, BPF_ANY),
		  "config6");
}

/* @host's UPDATE over IPv4 adding AAAA @addr (and A if @a) to @name. */
static void upd_send6(uint32_t host, uint16_t sport, const char *name,
		      const char *addr, bool a)
{
	struct msg m;

	upd_start(&m, name, 0, a ? 2 : 1);
	if (a)
		add_a(&m, name);
	put_name(&m, name);
	put16(&m, 28);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 16);
	in6(addr, m.b + m.n);
	m.n += 16;
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = host,
		.sport = sport,
		.daddr = T_DDNS,
		.dport = 53,
		.payload = m.n,
		.data = m.b,
	};
	ASSERT_EQ(send_out(&s, NULL), TC_ACT_OK, "snooping never drops");
}

/* The name's IPv6 address in phl6, as text; "" if none. */
static const char *phl6_addr(const char *name)
{
	static char buf[INET6_ADDRSTRLEN];
	struct phl_key k = {};
	struct phl6_entry e;

	strncpy(k.name, name, sizeof(k.name) - 1);
	if (bpf_map_lookup_elem(fx.maps.phl6, &k, &e))
		return "";
	return inet_ntop(AF_INET6, &e.addr, buf, sizeof(buf));
}

static void answer_rcode(uint8_t rcode, uint16_t dport)
{
	uint8_t h[12] = { 0x12, 0x34, 0x80 | 5 << 3, rcode };
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_DDNS,
		.sport = 53,
		.daddr = T_WAN,
		.dport = dport,
		.payload = sizeof(h),
		.data = h,
	};

	send_in(&s, NULL);
}

TEST(aaaa_commits_both_families)
{
	prefix6_on();
	upd_send6(T_ALICE, UPD_PORT, "alice.example.net", "2001:db8:1::10",
		  true);
	ASSERT_STREQ(phl6_addr("alice.example.net"), "", "not before NOERROR");
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_STREQ(phl6_addr("alice.example.net"), "2001:db8:1::10",
		     "the record's address");
	ASSERT_EQ(phl_addr("alice.example.net"), htonl(T_ALICE),
		  "and her IPv4 address, by the same name");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL6_ADD), 1, "counted");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_COMMIT), 1, "one commit");
}

TEST(aaaa_refused_teaches_nothing)
{
	prefix6_on();
	upd_send6(T_ALICE, UPD_PORT, "alice.example.net", "2001:db8:1::10",
		  false);
	answer_rcode(5, UPD_PORT);
	ASSERT_STREQ(phl6_addr("alice.example.net"), "", "REFUSED: nothing");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_DISCARD), 1, "counted");
}

TEST(aaaa_outside_the_prefix_ignored)
{
	prefix6_on();
	upd_send6(T_ALICE, UPD_PORT, "alice.example.net", "2001:db8:100::10",
		  false);
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_STREQ(phl6_addr("alice.example.net"), "", "not an inside address");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL6_OUTSIDE), 1, "counted");
}

TEST(aaaa_firewall_off_learns_nothing)
{
	upd_send6(T_ALICE, UPD_PORT, "alice.example.net", "2001:db8:1::10",
		  false);
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_STREQ(phl6_addr("alice.example.net"), "",
		     "no inside prefix: nothing is inside");
}

TEST(delete_name_removes_both)
{
	struct msg m;

	prefix6_on();
	upd_send6(T_ALICE, UPD_PORT, "alice.example.net", "2001:db8:1::10",
		  true);
	noerror(T_DDNS, 53, UPD_PORT);
	upd_start(&m, "delete", 0, 1);
	put_name(&m, "alice.example.net");
	rr_tail(&m, 255, 255, 0, 0);
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = UPD_PORT,
		.daddr = T_DDNS,
		.dport = 53,
		.payload = m.n,
		.data = m.b,
	};
	send_out(&s, NULL);
	noerror(T_DDNS, 53, UPD_PORT);
	ASSERT_STREQ(phl6_addr("alice.example.net"), "", "AAAA gone");
	ASSERT_EQ(phl_addr("alice.example.net"), 0, "A gone");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL6_DEL), 1, "counted");
}

TEST(aaaa_quota_per_64)
{
	char name[64], addr[64];
	int i;

	prefix6_on();
	for (i = 0; i <= T_PHL_QUOTA; i++) {
		snprintf(name, sizeof(name), "v%d.example.net", i);
		/* Other addresses, one /64: one host's privacy addresses. */
		snprintf(addr, sizeof(addr), "2001:db8:1::%x", 0x100 + i);
		upd_send6(T_BOB, 6000, name, addr, false);
		noerror(T_DDNS, 53, 6000);
	}
	snprintf(name, sizeof(name), "v%d.example.net", T_PHL_QUOTA);
	ASSERT_STREQ(phl6_addr(name), "", "one past the quota: refused");
	ASSERT_STREQ(phl6_addr("v0.example.net"), "2001:db8:1::100",
		     "the first kept");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_QUOTA), 1, "counted");
	/* A new address in the same /64 is no new name. */
	upd_send6(T_BOB, 6000, "v0.example.net", "2001:db8:1::1ff", false);
	noerror(T_DDNS, 53, 6000);
	ASSERT_STREQ(phl6_addr("v0.example.net"), "2001:db8:1::1ff",
		     "the new address");
	ASSERT_EQ(fixture_stat(NTS_STAT_PHL_QUOTA), 1, "a move within passes");
}
