// SPDX-License-Identifier: GPL-2.0
/* Flows opened from the request cache (DESIGN section 1, step 3). */
#include <errno.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include <nts/rc.h>

#include "fixture.h"
#include "flow.h"
#include "policy.h"
#include "test.h"

#define T_GN	IP4(198, 51, 100, 10)
#define T_OTHER IP4(198, 51, 100, 66)
#define SEC	1000000000ULL

/* What ntsload does on an accepted NOTICE: GN may reach alice. */
static void rc_allow_policy(__u64 ttl_ns, const char *spec)
{
	struct rc_key k = { .gn = htonl(T_GN), .ext = htonl(T_WAN) };
	struct rc_entry e = {
		.inside = htonl(T_ALICE),
		.created_ns = mono_ns(),
		.expires_ns = mono_ns() + ttl_ns,
		.fqdn = "alice.example.net",
	};
	char why[256];

	ASSERT_OK(policy_parse(spec, &e.policy, why, sizeof(why)), why);
	ASSERT_OK(bpf_map_update_elem(fx.maps.rc, &k, &e, BPF_ANY), "rc");
}

static void rc_allow(__u64 ttl_ns)
{
	rc_allow_policy(ttl_ns, "all");
}

static bool rc_get(struct rc_entry *e)
{
	struct rc_key k = { .gn = htonl(T_GN), .ext = htonl(T_WAN) };

	return !bpf_map_lookup_elem(fx.maps.rc, &k, e);
}

static struct pkt_spec from_gn(__u8 proto, __u32 src, __u16 dport)
{
	return (struct pkt_spec){
		.proto = proto,
		.saddr = src,
		.sport = 40000,
		.daddr = T_WAN,
		.dport = dport,
		.tcp_flags = 0x02,
		.icmp_type = 8,
		.payload = 10,
	};
}

TEST(syn_opens_flow)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;
	struct rc_entry e;

	rc_allow(5 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_ALICE, "to alice");
	ASSERT_EQ(o.dport, 8080, "same port");
	ASSERT_EQ(o.saddr, T_GN, "from GN");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_OPEN), 1, "counted");
	if (!ASSERT_TRUE(rc_get(&e), "RC entry still there"))
		return;
	ASSERT_NEQ(e.first_use_ns, 0, "marked used");
	ASSERT_TRUE(e.expires_ns <= mono_ns() + RC_USE_GRACE_NS,
		    "one second left");

	/* alice's answer leaves through the same flow. */
	s = (struct pkt_spec){
		.proto = IPPROTO_TCP,
		.saddr = T_ALICE,
		.sport = 8080,
		.daddr = T_GN,
		.dport = 40000,
		.tcp_flags = 0x12,
	};
	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "reply verdict");
	ASSERT_EQ(o.saddr, T_WAN, "from the router's address");
	ASSERT_EQ(o.sport, 8080, "and port d");
}

TEST(parallel_connections_in_grace)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;

	rc_allow(5 * SEC);
	send_in(&s, NULL);
	s.sport = 40001;
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "second connection");
	ASSERT_EQ(o.daddr, T_ALICE, "also to alice");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_OPEN), 2, "two flows");
}

TEST(udp_and_ping_open)
{
	struct pkt_spec s = from_gn(IPPROTO_UDP, T_GN, 5060);
	struct pkt_info o;

	rc_allow(5 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "udp");
	ASSERT_EQ(o.daddr, T_ALICE, "udp to alice");
	s = from_gn(IPPROTO_ICMP, T_GN, 0);
	s.sport = 77;
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "echo request");
	ASSERT_EQ(o.daddr, T_ALICE, "ping to alice");
	s = (struct pkt_spec){
		.proto = IPPROTO_ICMP,
		.icmp_type = 0,
		.saddr = T_ALICE,
		.sport = 77,
		.daddr = T_GN,
	};
	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "echo reply out");
	ASSERT_EQ(o.saddr, T_WAN, "from the router");
	ASSERT_EQ(o.sport, 77, "same id");
}

TEST(no_entry_no_flow)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;

	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "dropped silently");
	ASSERT_EQ(o.daddr, T_WAN, "untranslated");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_OPEN), 0, "nothing opened");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_SYN_DROP), 1, "counted");
	s = from_gn(IPPROTO_UDP, T_GN, 8080);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "a datagram: to the router");
}

TEST(another_host_not_let_in)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_OTHER, 8080);
	struct pkt_info o;

	rc_allow(5 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "verdict");
	ASSERT_EQ(o.daddr, T_WAN, "a third host stays outside");
}

TEST(expired_entry)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct rc_key k = { .gn = htonl(T_GN), .ext = htonl(T_WAN) };
	struct rc_entry e = { .inside = htonl(T_ALICE), .expires_ns = 1 };
	struct pkt_info o;

	bpf_map_update_elem(fx.maps.rc, &k, &e, BPF_ANY);
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "verdict");
	ASSERT_EQ(o.daddr, T_WAN, "not translated");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_EXPIRED), 1, "counted");
}

TEST(only_openers)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;

	rc_allow(5 * SEC);
	s.tcp_flags = 0x10; /* ACK */
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_WAN, "an ACK opens nothing");
	s.tcp_flags = 0x12; /* SYN+ACK */
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "nor a SYN+ACK");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_NOT_OPENER), 2, "counted");
	s = from_gn(IPPROTO_ICMP, T_GN, 0);
	s.icmp_type = 0;
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "nor an echo reply");
}

TEST(router_ports_stay_the_routers)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 22);
	struct pkt_info o;

	rc_allow(5 * SEC);
	fixture_reserve(IPPROTO_TCP, 22);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "ssh to the router");
	ASSERT_EQ(o.daddr, T_WAN, "stays the router's");
	s = from_gn(IPPROTO_UDP, T_GN, 20053);
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "the nego port is never translated");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_ROUTER_PORT), 2, "counted");
	s = from_gn(IPPROTO_TCP, T_GN, 8080);
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_ALICE, "other ports still open to alice");
}

/* A port outside the host's exposure policy is never forwarded. */
TEST(policy_limits_ports)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;

	rc_allow_policy(5 * SEC, "tcp/22,tcp/80,udp/5060-5061");
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "tcp/8080: not in the list");
	ASSERT_EQ(o.daddr, T_WAN, "not translated");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_POLICY), 1, "counted");
	s = from_gn(IPPROTO_UDP, T_GN, 5061);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "udp/5061");
	ASSERT_EQ(o.daddr, T_ALICE, "in the range: to alice");
	s = from_gn(IPPROTO_TCP, T_GN, 80);
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_ALICE, "tcp/80: to alice");
	s = from_gn(IPPROTO_ICMP, T_GN, 0);
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "no icmp in the list: no ping");
}

TEST(policy_none_exposes_nothing)
{
	struct pkt_spec s = from_gn(IPPROTO_UDP, T_GN, 5060);
	struct pkt_info o;

	rc_allow_policy(5 * SEC, "none");
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "nothing");
	rc_allow_policy(5 * SEC, "icmp");
	s = from_gn(IPPROTO_ICMP, T_GN, 0);
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_ALICE, "icmp only: a ping gets through");
}

TEST(policy_notation)
{
	struct nts_policy p;
	char why[256], out[256];

	ASSERT_OK(policy_parse("tcp/22,udp/5060-5070,icmp", &p, why,
			       sizeof(why)), why);
	ASSERT_TRUE(!strcmp(policy_format(&p, out, sizeof(out)),
			    "tcp/22,udp/5060-5070,icmp"), out);
	ASSERT_EQ(policy_parse("tcp/0", &p, why, sizeof(why)), -EINVAL,
		  "port 0");
	ASSERT_EQ(policy_parse("sctp/1", &p, why, sizeof(why)), -EINVAL,
		  "sctp");
	ASSERT_EQ(policy_parse("udp/9-2", &p, why, sizeof(why)), -EINVAL,
		  "empty range");
	ASSERT_EQ(policy_parse("", &p, why, sizeof(why)), -EINVAL, "empty");
	ASSERT_OK(policy_parse("all", &p, why, sizeof(why)), "all");
	ASSERT_TRUE(!strcmp(policy_format(&p, out, sizeof(out)), "all"), out);
}

/* A NOTICE for GN's /24 (issue 20), as ntsload makes its entry. */
static void rc_allow_prefix(__u32 net, unsigned int plen, __u64 ttl_ns)
{
	struct rc_prefix_key k = {
		.prefixlen = 32 + plen,
		.ext = htonl(T_WAN),
		.gn = htonl(net),
	};
	struct rc_entry e = {
		.inside = htonl(T_ALICE),
		.flags = RC_F_PREFIX | plen,
		.created_ns = mono_ns(),
		.expires_ns = mono_ns() + ttl_ns,
		.policy.flags = POLICY_ALL,
		.fqdn = "alice.example.net",
	};

	ASSERT_OK(bpf_map_update_elem(fx.maps.rc_prefix, &k, &e, BPF_ANY),
		  "rc_prefix");
}

static bool rc_prefix_left(__u32 net, unsigned int plen)
{
	struct rc_prefix_key k = {
		.prefixlen = 32 + plen,
		.ext = htonl(T_WAN),
		.gn = htonl(net),
	};
	struct rc_entry e;

	return !bpf_map_lookup_elem(fx.maps.rc_prefix, &k, &e);
}

TEST(prefix_first_host_gets_it)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;
	struct rc_entry e;

	rc_allow_prefix(IP4(198, 51, 100, 0), 24, 2 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_ALICE, "a host of the /24 reaches alice");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_PREFIX_OPEN), 1, "counted");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_OPEN), 1, "a flow from the RC");
	ASSERT_TRUE(!rc_prefix_left(IP4(198, 51, 100, 0), 24),
		    "the network's entry is gone");
	if (!ASSERT_TRUE(rc_get(&e), "it is the host's now"))
		return;
	ASSERT_TRUE(e.flags & RC_F_PREFIX && RC_F_PLEN(e.flags) == 24,
		    "made from a /24");
	ASSERT_NEQ(e.first_use_ns, 0, "used");
	ASSERT_TRUE(e.expires_ns <= mono_ns() + RC_USE_GRACE_NS,
		    "the grace left, no more");

	/* The same host again, within the grace: its parallel connection. */
	s.sport = 40001;
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "second connection");
	ASSERT_EQ(o.daddr, T_ALICE, "also to alice");
	/* Another host of the same /24: bound to the first. */
	s = from_gn(IPPROTO_TCP, T_OTHER, 8080);
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "a neighbour after it");
	ASSERT_EQ(o.daddr, T_WAN, "stays outside");
}

TEST(prefix_other_network_not_let_in)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, IP4(203, 0, 113, 10), 8080);
	struct pkt_info o;

	rc_allow_prefix(IP4(198, 51, 100, 0), 24, 2 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "another /24");
	ASSERT_EQ(o.daddr, T_WAN, "untranslated");
	ASSERT_TRUE(rc_prefix_left(IP4(198, 51, 100, 0), 24),
		    "the entry still waits for its network");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_PREFIX_OPEN), 0, "nothing opened");
}

TEST(prefix_expired)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct rc_prefix_key k = {
		.prefixlen = 32 + 24,
		.ext = htonl(T_WAN),
		.gn = htonl(IP4(198, 51, 100, 0)),
	};
	struct rc_entry e = {
		.inside = htonl(T_ALICE),
		.flags = RC_F_PREFIX | 24,
		.expires_ns = 1,
		.policy.flags = POLICY_ALL,
	};
	struct pkt_info o;

	bpf_map_update_elem(fx.maps.rc_prefix, &k, &e, BPF_ANY);
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "after the window");
	ASSERT_EQ(o.daddr, T_WAN, "nobody gets in");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_EXPIRED), 1, "counted");
}

/* A host's spent entry does not hide the live one of its network. */
TEST(prefix_behind_spent_host_entry)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct rc_key hk = { .gn = htonl(T_GN), .ext = htonl(T_WAN) };
	struct rc_entry spent = { .inside = htonl(T_ALICE), .expires_ns = 1 };
	struct pkt_info o;

	bpf_map_update_elem(fx.maps.rc, &hk, &spent, BPF_ANY);
	rc_allow_prefix(IP4(198, 51, 100, 0), 24, 2 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_ALICE, "let in by the network's entry");
}

/* Anyone (/0, --unbound-window): the first comer, and only it. */
TEST(prefix_anyone_first_comer)
{
	struct pkt_spec s = from_gn(IPPROTO_UDP, IP4(203, 0, 113, 10), 5060);
	struct pkt_info o;

	rc_allow_prefix(0, 0, 2 * SEC);
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "the first comer");
	ASSERT_EQ(o.daddr, T_ALICE, "reaches alice");
	s = from_gn(IPPROTO_UDP, T_GN, 5060);
	s.sport = 40002;
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "the second does not");
	ASSERT_TRUE(!rc_prefix_left(0, 0), "gone");
}

/* Its policy holds as a host's does, and a refused packet claims nothing. */
TEST(prefix_policy_before_claim)
{
	struct pkt_spec s = from_gn(IPPROTO_TCP, T_GN, 8080);
	struct pkt_info o;

	rc_allow_prefix(IP4(198, 51, 100, 0), 24, 2 * SEC);
	s.tcp_flags = 0x10; /* an ACK opens nothing */
	send_in(&s, &o);
	ASSERT_EQ(o.daddr, T_WAN, "not an opener");
	ASSERT_TRUE(rc_prefix_left(IP4(198, 51, 100, 0), 24),
		    "still the network's");
}
