// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors of translated flows (RFC 5508). Translated back, the quoted
 * packet must be byte for byte what the host sent (or got), checksums
 * included, so that its stack recognises it.
 */
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <nts/nat.h>

#include "fixture.h"
#include "test.h"

#define T_HOP	  IP4(198, 51, 100, 1)	/* a router on the way */
#define ETH	  14
#define QUOTE_MAX 64

/* alice sends @s; both versions are kept. */
static void alice_sends(const struct pkt_spec *s, char *orig, char *xl,
			size_t *len)
{
	*len = pkt_build(orig, s);
	memcpy(xl, orig, *len);
	ASSERT_EQ(run_out(xl, len), TC_ACT_OK, "out");
}

/* An error from @from about the translated packet, run through XDP. */
static void error_in(const char *orig, const char *xl, size_t len,
		     __u8 type, __u8 code, size_t quote)
{
	FRAME(err);
	size_t elen, q = quote < len - ETH ? quote : len - ETH;
	struct pkt_info o;
	const char *bad;

	elen = pkt_build_icmp_err(err, T_HOP, T_WAN, type, code, xl + ETH, q);
	ASSERT_EQ(run_in(err, &elen), XDP_PASS, "verdict");
	pkt_read(err, elen, &o);
	ASSERT_EQ(o.daddr, T_ALICE, "outer destination: alice");
	ASSERT_EQ(o.saddr, T_HOP, "outer source kept");
	bad = pkt_csum_check(err, elen);
	ASSERT_TRUE(!bad, bad ? bad : "checksums");
	ASSERT_MEM_EQ(err + ETH + 28, orig + ETH, q,
		      "the quoted packet is what alice sent");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_ICMP_ERR), 1, "counted");
}

TEST(port_unreachable_udp)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 45000, /* moved into the NAT range */
		.daddr = T_REMOTE,
		.dport = 33434,
		.payload = 40,
	};
	FRAME(orig);
	FRAME(xl);
	size_t len;

	alice_sends(&s, orig, xl, &len);
	error_in(orig, xl, len, 3, 3, 28);
}

TEST(frag_needed_tcp_full_header)
{
	struct pkt_spec s = {
		.proto = IPPROTO_TCP,
		.saddr = T_ALICE,
		.sport = 45001,
		.daddr = T_REMOTE,
		.dport = 80,
		.payload = 1400,
	};
	FRAME(orig);
	FRAME(xl);
	size_t len;

	alice_sends(&s, orig, xl, &len);
	/* Linux quotes far more than 8 bytes: the TCP checksum too. */
	error_in(orig, xl, len, 3, 4, QUOTE_MAX);
}

TEST(time_exceeded_with_ip_options)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 45002,
		.daddr = T_REMOTE,
		.dport = 33435,
		.opt_words = 2,
		.payload = 12,
	};
	FRAME(orig);
	FRAME(xl);
	size_t len;

	alice_sends(&s, orig, xl, &len);
	error_in(orig, xl, len, 11, 0, 28 + 8);
}

TEST(echo_request_unreachable)
{
	struct pkt_spec s = {
		.proto = IPPROTO_ICMP,
		.icmp_type = 8,
		.saddr = T_ALICE,
		.sport = 45003, /* the echo id */
		.daddr = T_REMOTE,
		.payload = 16,
	};
	FRAME(orig);
	FRAME(xl);
	size_t len;

	alice_sends(&s, orig, xl, &len);
	error_in(orig, xl, len, 3, 1, 28);
}

TEST(error_of_no_flow_is_the_routers)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_WAN,
		.sport = 40000,
		.daddr = T_REMOTE,
		.dport = 53,
	};
	FRAME(q);
	FRAME(err);
	struct pkt_info o;
	size_t len, elen;

	len = pkt_build(q, &s);
	elen = pkt_build_icmp_err(err, T_REMOTE, T_WAN, 3, 3, q + ETH, 28);
	ASSERT_EQ(run_in(err, &elen), XDP_PASS, "verdict");
	pkt_read(err, elen, &o);
	ASSERT_EQ(o.daddr, T_WAN, "left for the router's stack");
	(void)len;
}

/* alice's error about a reply she got goes out as from the mapping. */
TEST(outbound_error_from_inside)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 45004,
		.daddr = T_REMOTE,
		.dport = 5000,
		.payload = 8,
	};
	FRAME(orig);
	FRAME(xl);
	FRAME(reply);
	FRAME(got);
	FRAME(err);
	struct pkt_info o, r;
	size_t len, rlen, elen;
	const char *bad;

	alice_sends(&s, orig, xl, &len);
	pkt_read(xl, len, &o);
	/* The remote answers; XDP translates it for alice. */
	s = (struct pkt_spec){
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.sport = 5000,
		.daddr = T_WAN,
		.dport = o.sport,
		.payload = 20,
	};
	rlen = pkt_build(reply, &s);
	memcpy(got, reply, rlen);
	ASSERT_EQ(run_in(got, &rlen), XDP_PASS, "reply in");
	/* alice answers that with port unreachable. */
	elen = pkt_build_icmp_err(err, T_ALICE, T_REMOTE, 3, 3, got + ETH, 28);
	ASSERT_EQ(run_out(err, &elen), TC_ACT_OK, "error out");
	pkt_read(err, elen, &r);
	ASSERT_EQ(r.saddr, T_WAN, "outer source: the router");
	bad = pkt_csum_check(err, elen);
	ASSERT_TRUE(!bad, bad ? bad : "checksums");
	ASSERT_MEM_EQ(err + ETH + 28, reply + ETH, 28,
		      "the quoted packet is what the remote sent");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_ICMP_ERR), 1, "counted");
}

TEST(outbound_error_of_no_flow_dropped)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.sport = 5000,
		.daddr = T_ALICE,
		.dport = 9,
	};
	FRAME(q);
	FRAME(err);
	size_t elen;

	pkt_build(q, &s);
	elen = pkt_build_icmp_err(err, T_ALICE, T_REMOTE, 3, 3, q + ETH, 28);
	ASSERT_EQ(run_out(err, &elen), TC_ACT_SHOT,
		  "not sent with alice's address");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_ICMP_ERR_DROP), 1, "counted");
}

/* RFC 5508: an error must not keep a flow alive. */
TEST(errors_do_not_refresh)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 45005,
		.daddr = T_REMOTE,
		.dport = 7,
	};
	struct nat_key k;
	struct nat_entry before, after;
	FRAME(orig);
	FRAME(xl);
	FRAME(err);
	struct pkt_info o;
	size_t len, elen;

	alice_sends(&s, orig, xl, &len);
	pkt_read(xl, len, &o);
	k = (struct nat_key){ .saddr = htonl(T_REMOTE), .daddr = htonl(T_WAN),
			      .sport = htons(7), .dport = htons(o.sport),
			      .proto = IPPROTO_UDP, .dir = NAT_DIR_IN };
	if (!ASSERT_OK(bpf_map_lookup_elem(fx.maps.nat, &k, &before), "flow"))
		return;
	before.last_ns -= 5000000000ULL;
	bpf_map_update_elem(fx.maps.nat, &k, &before, BPF_EXIST);
	elen = pkt_build_icmp_err(err, T_HOP, T_WAN, 3, 3, xl + ETH, 28);
	run_in(err, &elen);
	bpf_map_lookup_elem(fx.maps.nat, &k, &after);
	ASSERT_EQ(after.last_ns, before.last_ns, "last_ns untouched");
}
