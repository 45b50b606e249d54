// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns's --v6-router table (dns-proxy/v6route.c): what it takes, what
 * it refuses and says why, and the longest prefix winning.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "test.h"
#include "v6route.h"

static void addr6(const char *s, uint8_t a[16])
{
	inet_pton(AF_INET6, s, a);
}

TEST(v6route_parse_good)
{
	struct nts_v6route r;
	uint8_t want[16];
	char err[256] = "";

	ASSERT_EQ(v6route_parse("2001:db8:1::/48=198.51.100.2", &r, err,
				sizeof(err)),
		  0, err);
	addr6("2001:db8:1::", want);
	ASSERT_TRUE(!memcmp(r.prefix, want, 16), "its prefix");
	ASSERT_EQ(r.len, 48, "its length");
	ASSERT_EQ(ntohl(r.router), 0xc6336402, "198.51.100.2");

	ASSERT_EQ(v6route_parse("2001:db8::7=203.0.113.7", &r, err,
				sizeof(err)),
		  0, err);
	ASSERT_EQ(r.len, 128, "no /LEN: one host");
	ASSERT_EQ(v6route_parse("::/0=203.0.113.7", &r, err, sizeof(err)), 0,
		  err);
	ASSERT_EQ(r.len, 0, "the default route");
	ASSERT_EQ(v6route_parse("2001:db8:1:8000::/49=198.51.100.2", &r, err,
				sizeof(err)),
		  0, err);
}

TEST(v6route_parse_bad)
{
	static const struct {
		const char *arg, *says;
	} c[] = {
		{ "2001:db8::/48", "PREFIX=ROUTER_IPv4" },
		{ "=198.51.100.2", "PREFIX=ROUTER_IPv4" },
		{ "2001:db8::/129=198.51.100.2", "/0 to /128" },
		{ "2001:db8::/=198.51.100.2", "/0 to /128" },
		{ "2001:db8::/-1=198.51.100.2", "/0 to /128" },
		{ "2001:db8::/48x=198.51.100.2", "/0 to /128" },
		{ "198.51.100.0/24=198.51.100.2", "not an IPv6 address" },
		{ "2001:db8:::/48=198.51.100.2", "not an IPv6 address" },
		{ "2001:db8::1/48=198.51.100.2", "e.g. 2001:db8::/48" },
		{ "2001:db8:1:8000::/48=198.51.100.2", "2001:db8:1::/48" },
		{ "2001:db8::/48=2001:db8::1", "router's IPv4 address" },
		{ "2001:db8::/48=", "router's IPv4 address" },
		{ "2001:db8::/48=0.0.0.0", "router's IPv4 address" },
		{ "2001:db8::/48=198.51.100.2:20053", "router's IPv4 address" },
	};
	struct nts_v6route r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (!test__start_subtest(c[i].arg))
			continue;
		err[0] = '\0';
		ASSERT_EQ(v6route_parse(c[i].arg, &r, err, sizeof(err)),
			  -EINVAL, c[i].arg);
		if (!ASSERT_TRUE(strstr(err, c[i].says), c[i].arg))
			test_report("said: %s", err);
		test__end_subtest();
	}
}

TEST(v6route_longest_match)
{
	static const char *const arg[] = {
		"2001:db8::/32=192.0.2.1",
		"2001:db8:1::/48=192.0.2.2",
		"2001:db8:1:2::/64=192.0.2.3",
		"2001:db8:1:2::9=192.0.2.4",
		"2001:db8:1:8000::/49=192.0.2.5",
	};
	static const struct {
		const char *addr;
		uint32_t router; /* host order; 0: none */
	} c[] = {
		{ "2001:db8:1:2::9", 0xc0000204 },
		{ "2001:db8:1:2::8", 0xc0000203 },
		{ "2001:db8:1:3::1", 0xc0000202 },
		{ "2001:db8:1:8000::1", 0xc0000205 },
		{ "2001:db8:1:7fff::1", 0xc0000202 },
		{ "2001:db8:2::1", 0xc0000201 },
		{ "2001:db9::1", 0 },
		{ "::ffff:198.51.100.2", 0 },
	};
	struct nts_v6route r[5];
	const struct nts_v6route *m;
	uint8_t a[16];
	char err[256];
	size_t i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(v6route_parse(arg[i], &r[i], err, sizeof(err)), 0,
			  arg[i]);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		addr6(c[i].addr, a);
		m = v6route_match(r, 5, a);
		ASSERT_EQ(m ? ntohl(m->router) : 0, c[i].router, c[i].addr);
		/* The order given changes nothing. */
		m = v6route_match(r + 1, 4, a);
		if (i < 5)
			ASSERT_EQ(m ? ntohl(m->router) : 0, c[i].router,
				  c[i].addr);
	}
	ASSERT_TRUE(!v6route_match(r, 0, a), "an empty table");
	ASSERT_EQ(v6route_parse("::/0=192.0.2.9", &r[0], err, sizeof(err)), 0,
		  err);
	addr6("2001:db9::1", a);
	m = v6route_match(r, 5, a);
	ASSERT_TRUE(m && ntohl(m->router) == 0xc0000209, "/0 takes the rest");
}
