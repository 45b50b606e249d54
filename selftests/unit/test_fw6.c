// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 stateful firewall (bpf/lib/fw6.h, issue 19): tc egress opens
 * flows, XDP lets in what belongs to one or what rc6 admits, and drops
 * the rest that is sent to an inside address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include <nts/ip6.h>
#include <nts/rc.h>

#include "fixture.h"
#include "flow.h"
#include "policy.h"
#include "rc.h"
#include "test.h"

#define SEC_NS	 1000000000ULL
#define PREFIX	 "2001:db8:1::"
#define ALICE	 "2001:db8:1::10"
#define GN	 "2001:db8:100::10"
#define OTHER	 "2001:db8:100::66"
#define ROUTER	 "2001:db8:100::2"	/* rtr's own, on the WAN */
#define RTR_LAN	 "2001:db8:1::1"	/* rtr's own, in the prefix */

/* An IPv6 test frame; checksums are not looked at by the firewall. */
struct f6 {
	const char *src, *dst;
	__u8 proto;		/* IPPROTO_TCP, _UDP, _ICMPV6, other */
	__u16 sport, dport;	/* ICMPv6 echo: the identifier in sport */
	__u8 tcp_flags;		/* 0x02 SYN, 0x12 SYN-ACK, 0x10 ACK */
	__u8 icmp_type;		/* 128 echo request, 129 reply, ... */
	__u8 icmp_code;
	int nopts;		/* hop-by-hop and destination options */
	bool frag;		/* with a fragment header... */
	__u16 frag_off;		/* ...at this offset (8-byte units) */
	bool frag_more;
	__u32 frag_id;
	const void *quoted;	/* ICMPv6 error: the packet it quotes */
	size_t qlen;
};

static void addr6(const char *s, void *dst)
{
	ASSERT_EQ(inet_pton(AF_INET6, s, dst), 1, s);
}

static size_t f6_build(void *frame, const struct f6 *s)
{
	struct ethhdr *eth = frame;
	__u8 *ip = (void *)(eth + 1), *h = ip + 40, *nh = ip + 6;
	size_t l4len;
	int i;

	memset(frame, 0, 256);
	eth->h_proto = htons(ETH_P_IPV6);
	memcpy(eth->h_dest, "\x02\0\0\0\0\x01", 6);
	memcpy(eth->h_source, "\x02\0\0\0\0\x02", 6);
	ip[0] = 0x60;
	ip[7] = 64;
	addr6(s->src, ip + 8);
	addr6(s->dst, ip + 24);
	for (i = 0; i < s->nopts; i++) {
		*nh = i == 0 ? 0 : 60;	/* hop-by-hop first, then dest opts */
		nh = h;
		h[1] = 0;		/* 8 bytes: PadN */
		h[2] = 1;
		h[3] = 4;
		h += 8;
	}
	if (s->frag) {
		__u16 fo = (s->frag_off << 3) | (s->frag_more ? 1 : 0);
		__u32 id = htonl(s->frag_id);

		*nh = 44;
		nh = h;
		h[2] = fo >> 8;
		h[3] = fo & 0xff;
		memcpy(h + 4, &id, 4);
		h += 8;
	}
	*nh = s->proto;
	if (s->frag && s->frag_off) {
		memset(h, 0xab, 64);	/* the middle of a datagram */
		l4len = 64;
	} else if (s->proto == IPPROTO_TCP) {
		__be16 p[2] = { htons(s->sport), htons(s->dport) };

		memcpy(h, p, 4);
		h[12] = 5 << 4;
		h[13] = s->tcp_flags;
		l4len = 20 + 10;
	} else if (s->proto == IPPROTO_UDP) {
		__be16 p[3] = { htons(s->sport), htons(s->dport), htons(18) };

		memcpy(h, p, 6);
		l4len = 18;
	} else if (s->proto == IPPROTO_ICMPV6) {
		__be16 id = htons(s->sport);

		h[0] = s->icmp_type;
		h[1] = s->icmp_code;
		if (s->quoted) {
			memcpy(h + 8, s->quoted, s->qlen);
			l4len = 8 + s->qlen;
		} else {
			memcpy(h + 4, &id, 2);
			l4len = 8 + 16;
		}
	} else {
		memset(h, 0x11, 16);
		l4len = 16;
	}
	i = h + l4len - (ip + 40);
	ip[4] = i >> 8;
	ip[5] = i & 0xff;
	return h + l4len - (__u8 *)frame;
}

static int f6_out(const struct f6 *s)
{
	FRAME(frame);
	size_t len = f6_build(frame, s);

	return run_out(frame, &len);
}

static int f6_in(const struct f6 *s)
{
	FRAME(frame);
	size_t len = f6_build(frame, s);

	return run_in(frame, &len);
}

/* The firewall on for 2001:db8:1::/64 (@on), the router's own given. */
static void fw6_config(bool on)
{
	struct nts_config6 c = {};
	__u32 k = 0;

	if (on) {
		c.nprefix = 1;
		addr6(PREFIX, &c.prefix[0].net);
		c.prefix[0].len = 64;
		c.naddrs = 2;
		addr6(ROUTER, &c.addrs[0]);
		addr6(RTR_LAN, &c.addrs[1]);
	}
	ASSERT_OK(bpf_map_update_elem(fx.maps.config6, &k, &c, BPF_ANY),
		  "config6");
}

static struct f6 tcp(const char *src, const char *dst, __u16 sp, __u16 dp,
		     __u8 flags)
{
	return (struct f6){ .src = src, .dst = dst, .proto = IPPROTO_TCP,
			    .sport = sp, .dport = dp, .tcp_flags = flags };
}

static bool fw6_get(const char *inside, const char *remote, __u16 ip,
		    __u16 rp, __u8 proto, struct fw6_entry *e)
{
	struct fw6_key k = { .iport = htons(ip), .rport = htons(rp),
			     .proto = proto };

	addr6(inside, &k.inside);
	addr6(remote, &k.remote);
	return !bpf_map_lookup_elem(fx.maps.fw6, &k, e);
}

/* What ntsload writes on an accepted NOTICE v6: GN may reach alice. */
static void rc6_allow(const char *gn, __s64 ttl_ns, const char *spec)
{
	struct rc6_key k = {};
	struct rc6_entry e = {
		.created_ns = mono_ns(),
		.expires_ns = mono_ns() + ttl_ns,
		.fqdn = "alice.example.net",
	};
	char why[256];

	addr6(gn, &k.gn);
	addr6(ALICE, &k.inside);
	ASSERT_OK(policy_parse(spec, &e.policy, why, sizeof(why)), why);
	ASSERT_OK(bpf_map_update_elem(fx.maps.rc6, &k, &e, BPF_ANY), "rc6");
}

static bool rc6_get(struct rc6_entry *e)
{
	struct rc6_key k = {};

	addr6(GN, &k.gn);
	addr6(ALICE, &k.inside);
	return !bpf_map_lookup_elem(fx.maps.rc6, &k, e);
}

TEST(fw6_outbound_creates_inbound_passes)
{
	struct f6 syn = tcp(ALICE, GN, 40000, 80, 0x02);
	struct f6 synack = tcp(GN, ALICE, 80, 40000, 0x12);
	struct fw6_entry e;

	fw6_config(true);
	ASSERT_EQ(f6_out(&syn), TC_ACT_OK, "out passes");
	if (!ASSERT_TRUE(fw6_get(ALICE, GN, 40000, 80, IPPROTO_TCP, &e),
			 "flow made"))
		return;
	ASSERT_EQ(e.origin, NAT_ORIGIN_OUT, "from inside");
	ASSERT_TRUE(e.seen_out & NAT_SEEN_SYN, "SYN seen out");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_OUT_NEW), 1, "counted");
	ASSERT_EQ(f6_in(&synack), XDP_PASS, "answer passes");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_IN_PASS), 1, "counted in");
	ASSERT_TRUE(fw6_get(ALICE, GN, 40000, 80, IPPROTO_TCP, &e), "flow");
	ASSERT_TRUE(e.seen_in & NAT_SEEN_SYN, "seen in");
	/* The same remote, another port: not the flow. */
	synack.sport = 81;
	ASSERT_EQ(f6_in(&synack), XDP_DROP, "other port dropped");
	fw6_config(false);
}

TEST(fw6_unsolicited_dropped)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 22, 0x02);
	struct f6 udp = { .src = GN, .dst = ALICE, .proto = IPPROTO_UDP,
			  .sport = 5000, .dport = 53 };
	struct f6 ping = { .src = GN, .dst = ALICE, .proto = IPPROTO_ICMPV6,
			   .icmp_type = 128, .sport = 9 };

	fw6_config(true);
	ASSERT_EQ(f6_in(&syn), XDP_DROP, "SYN dropped");
	ASSERT_EQ(f6_in(&udp), XDP_DROP, "UDP dropped");
	ASSERT_EQ(f6_in(&ping), XDP_DROP, "echo request dropped");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_IN_DROP), 3, "counted");
	fw6_config(false);
}

TEST(fw6_echo)
{
	struct f6 req = { .src = ALICE, .dst = GN, .proto = IPPROTO_ICMPV6,
			  .icmp_type = 128, .sport = 77 };
	struct f6 rep = { .src = GN, .dst = ALICE, .proto = IPPROTO_ICMPV6,
			  .icmp_type = 129, .sport = 77 };

	fw6_config(true);
	ASSERT_EQ(f6_in(&rep), XDP_DROP, "reply before request dropped");
	ASSERT_EQ(f6_out(&req), TC_ACT_OK, "request out");
	ASSERT_EQ(f6_in(&rep), XDP_PASS, "reply passes");
	rep.sport = 78;
	ASSERT_EQ(f6_in(&rep), XDP_DROP, "another id dropped");
	fw6_config(false);
}

TEST(fw6_off_passes_all)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 22, 0x02);

	fw6_config(false);
	ASSERT_EQ(f6_in(&syn), XDP_PASS, "off: passes");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_IN_DROP), 0, "nothing dropped");
	ASSERT_EQ(f6_out(&syn), TC_ACT_OK, "out");
}

TEST(fw6_router_and_outside_untouched)
{
	struct f6 to_rtr = tcp(GN, ROUTER, 50000, 22, 0x02);
	struct f6 to_lan = tcp(GN, RTR_LAN, 50000, 22, 0x02);
	struct f6 to_out = tcp(GN, "2001:db8:2::5", 50000, 22, 0x02);

	fw6_config(true);
	ASSERT_EQ(f6_in(&to_rtr), XDP_PASS, "router's WAN address");
	ASSERT_EQ(f6_in(&to_lan), XDP_PASS, "router's own in the prefix");
	ASSERT_EQ(f6_in(&to_out), XDP_PASS, "outside the prefixes");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_IN_DROP), 0, "nothing dropped");
	fw6_config(false);
}

TEST(fw6_nd_passes)
{
	struct f6 ns = { .src = "fe80::1", .dst = ALICE,
			 .proto = IPPROTO_ICMPV6, .icmp_type = 135 };
	struct f6 ra = { .src = "fe80::1", .dst = ALICE,
			 .proto = IPPROTO_ICMPV6, .icmp_type = 134 };
	struct f6 other = { .src = GN, .dst = ALICE, .proto = IPPROTO_ICMPV6,
			    .icmp_type = 139 };

	fw6_config(true);
	ASSERT_EQ(f6_in(&ns), XDP_PASS, "neighbour solicitation");
	ASSERT_EQ(f6_in(&ra), XDP_PASS, "router advertisement");
	ASSERT_EQ(f6_in(&other), XDP_DROP, "node information query");
	fw6_config(false);
}

/* A Packet Too Big from a router on the way, quoting alice's packet. */
TEST(fw6_icmp_error_of_flow)
{
	struct f6 syn = tcp(ALICE, GN, 40000, 80, 0x02);
	struct f6 ptb = { .src = "2001:db8:100::99", .dst = ALICE,
			  .proto = IPPROTO_ICMPV6, .icmp_type = 2 };
	FRAME(q);
	size_t qlen;

	fw6_config(true);
	ASSERT_EQ(f6_out(&syn), TC_ACT_OK, "flow out");
	qlen = f6_build(q, &syn) - ETH_HLEN;
	ptb.quoted = q + ETH_HLEN;
	ptb.qlen = qlen;
	ASSERT_EQ(f6_in(&ptb), XDP_PASS, "error of the flow passes");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_ICMP_ERR), 1, "counted");

	/* About a flow that does not exist. */
	syn.dport = 443;
	qlen = f6_build(q, &syn) - ETH_HLEN;
	ptb.qlen = qlen;
	ptb.icmp_type = 1;
	ASSERT_EQ(f6_in(&ptb), XDP_DROP, "unrelated error dropped");
	/* Quoting a packet alice did not send. */
	syn = tcp(OTHER, GN, 40000, 80, 0x02);
	qlen = f6_build(q, &syn) - ETH_HLEN;
	ptb.qlen = qlen;
	ASSERT_EQ(f6_in(&ptb), XDP_DROP, "not alice's packet");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_ICMP_ERR_DROP), 2, "counted");
	fw6_config(false);
}

TEST(fw6_extension_headers)
{
	struct f6 out = tcp(ALICE, GN, 40001, 80, 0x02);
	struct f6 in = tcp(GN, ALICE, 80, 40001, 0x10);

	fw6_config(true);
	out.nopts = 1;
	ASSERT_EQ(f6_out(&out), TC_ACT_OK, "out with hop-by-hop");
	in.nopts = 2;
	ASSERT_EQ(f6_in(&in), XDP_PASS, "in with two option headers");
	in.dport = 40002;
	ASSERT_EQ(f6_in(&in), XDP_DROP, "other port still dropped");
	fw6_config(false);
}

/* First fragment by its ports; later ones only of a datagram let in. */
TEST(fw6_fragments)
{
	struct f6 out = { .src = ALICE, .dst = GN, .proto = IPPROTO_UDP,
			  .sport = 5000, .dport = 6000 };
	struct f6 first = { .src = GN, .dst = ALICE, .proto = IPPROTO_UDP,
			    .sport = 6000, .dport = 5000, .frag = true,
			    .frag_more = true, .frag_id = 0x1234 };
	struct f6 later = first;

	fw6_config(true);
	later.frag_off = 100;
	later.frag_more = false;
	ASSERT_EQ(f6_in(&first), XDP_DROP, "no flow: first dropped");
	ASSERT_EQ(f6_in(&later), XDP_DROP, "and the rest");
	ASSERT_EQ(f6_out(&out), TC_ACT_OK, "flow out");
	ASSERT_EQ(f6_in(&first), XDP_PASS, "first fragment of the flow");
	ASSERT_EQ(f6_in(&later), XDP_PASS, "later fragment of it");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_FRAG), 1, "counted");
	later.frag_id = 0x9999;
	ASSERT_EQ(f6_in(&later), XDP_DROP, "fragment of another datagram");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_FRAG_DROP), 2, "counted");
	fw6_config(false);
}

TEST(fw6_rc6_admits_gn)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 8080, 0x02);
	struct f6 other = tcp(OTHER, ALICE, 50000, 8080, 0x02);
	struct f6 reply = tcp(ALICE, GN, 8080, 50000, 0x12);
	struct fw6_entry e;
	struct rc6_entry r;

	fw6_config(true);
	rc6_allow(GN, 5 * SEC_NS, "all");
	ASSERT_EQ(f6_in(&other), XDP_DROP, "another source dropped");
	ASSERT_EQ(f6_in(&syn), XDP_PASS, "GN's first packet admitted");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_OPEN), 1, "counted");
	if (ASSERT_TRUE(fw6_get(ALICE, GN, 8080, 50000, IPPROTO_TCP, &e),
			"flow made"))
		ASSERT_EQ(e.origin, NAT_ORIGIN_RC, "origin rc");
	if (ASSERT_TRUE(rc6_get(&r), "rc6 entry"))
		ASSERT_TRUE(r.first_use_ns && r.expires_ns <=
						      mono_ns() + RC_USE_GRACE_NS,
			    "used: the grace second left");
	ASSERT_EQ(f6_out(&reply), TC_ACT_OK, "alice answers");
	syn.tcp_flags = 0x10;
	ASSERT_EQ(f6_in(&syn), XDP_PASS, "the flow goes on");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_OPEN), 1, "opened once");
	fw6_config(false);
}

TEST(fw6_rc6_window)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 8080, 0x02);
	struct f6 ack = tcp(GN, ALICE, 50001, 8080, 0x10);

	fw6_config(true);
	rc6_allow(GN, -(__s64)SEC_NS, "all");
	ASSERT_EQ(f6_in(&syn), XDP_DROP, "after the window: dropped");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_EXPIRED), 1, "counted");

	rc6_allow(GN, 5 * SEC_NS, "all");
	ASSERT_EQ(f6_in(&ack), XDP_DROP, "no SYN: opens nothing");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_NOT_OPENER), 1, "counted");
	fw6_config(false);
}

/* ntsload's rc6_offer(): the entry it writes admits GN, and GN only. */
TEST(fw6_rc6_offer)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 8080, 0x02);
	struct f6 other = tcp(OTHER, ALICE, 50000, 8080, 0x02);
	struct nts_policy pol = { .flags = POLICY_ALL };
	struct nts_in6 gn, alice;
	struct rc6_entry r;

	fw6_config(true);
	addr6(GN, &gn);
	addr6(ALICE, &alice);
	ASSERT_EQ(rc6_offer(fx.maps.rc6, &gn, &alice, "alice.example.net",
			    &pol, 5, mono_ns()),
		  RC_OFFER_OK, "offered");
	if (ASSERT_TRUE(rc6_get(&r), "rc6 entry"))
		ASSERT_TRUE(!strcmp(r.fqdn, "alice.example.net") &&
				    !r.first_use_ns &&
				    r.expires_ns > mono_ns() + 4 * SEC_NS,
			    "name, unused, five seconds");
	/* Another host for the same GN: no address is shared, no BUSY. */
	addr6(OTHER, &alice);
	ASSERT_EQ(rc6_offer(fx.maps.rc6, &gn, &alice, "bob.example.net", &pol,
			    5, mono_ns()),
		  RC_OFFER_OK, "a second host at once");
	ASSERT_EQ(f6_in(&other), XDP_DROP, "another source dropped");
	ASSERT_EQ(f6_in(&syn), XDP_PASS, "GN admitted");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_OPEN), 1, "counted");
	fw6_config(false);
}

/* Issue 20: an IPv6 network's entry (ECS /56) goes to its first host. */
TEST(fw6_rc6_prefix_first_host)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 8080, 0x02);
	struct f6 other = tcp(OTHER, ALICE, 50001, 8080, 0x02);
	struct f6 far = tcp("2001:db8:200::10", ALICE, 50002, 8080, 0x02);
	struct nts_policy pol = { .flags = POLICY_ALL };
	struct nts_in6 net, alice;
	struct rc6_entry r;

	fw6_config(true);
	addr6("2001:db8:100::", &net);
	addr6(ALICE, &alice);
	ASSERT_EQ(rc6_prefix_offer(fx.maps.rc6_prefix, &net, 56, &alice,
				   "alice.example.net", &pol, 2, mono_ns()),
		  RC_OFFER_OK, "offered");
	ASSERT_EQ(f6_in(&far), XDP_DROP, "another /56 dropped");
	ASSERT_EQ(f6_in(&syn), XDP_PASS, "a host of the /56 admitted");
	ASSERT_EQ(fixture_stat(NTS_STAT_RC_PREFIX_OPEN), 1, "counted");
	if (ASSERT_TRUE(rc6_get(&r), "the entry is that host's"))
		ASSERT_TRUE(r.flags & RC_F_PREFIX && RC_F_PLEN(r.flags) == 56 &&
				    r.first_use_ns,
			    "made from a /56, used");
	ASSERT_EQ(f6_in(&other), XDP_DROP, "its neighbour after it dropped");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_OPEN), 1, "one flow");
	fw6_config(false);
}

TEST(fw6_rc6_prefix_window)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 8080, 0x02);
	struct nts_policy pol = { .flags = POLICY_ALL };
	struct nts_in6 net, alice;

	fw6_config(true);
	addr6("2001:db8:100::", &net);
	addr6(ALICE, &alice);
	/* Offered three seconds ago, for two. */
	rc6_prefix_offer(fx.maps.rc6_prefix, &net, 56, &alice,
			 "alice.example.net", &pol, 2, mono_ns() - 3 * SEC_NS);
	ASSERT_EQ(f6_in(&syn), XDP_DROP, "after its window");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_EXPIRED), 1, "counted");
	fw6_config(false);
}

TEST(fw6_rc6_policy)
{
	struct f6 syn = tcp(GN, ALICE, 50000, 8080, 0x02);
	struct f6 ping = { .src = GN, .dst = ALICE, .proto = IPPROTO_ICMPV6,
			   .icmp_type = 128, .sport = 5 };

	fw6_config(true);
	rc6_allow(GN, 5 * SEC_NS, "tcp/22,icmp");
	ASSERT_EQ(f6_in(&syn), XDP_DROP, "port not exposed");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_RC_POLICY), 1, "counted");
	ASSERT_EQ(f6_in(&ping), XDP_PASS, "icmp rule: echo admitted");
	syn.dport = 22;
	syn.sport = 50001;
	ASSERT_EQ(f6_in(&syn), XDP_PASS, "tcp/22 admitted");
	fw6_config(false);
}

/* The IPv4 path is not touched by the IPv6 firewall being on. */
TEST(fw6_ipv4_unaffected)
{
	struct pkt_spec s = {
		.proto = IPPROTO_TCP,
		.saddr = IP4(198, 51, 100, 10),
		.daddr = T_WAN,
		.sport = 40000,
		.dport = 2222,
		.tcp_flags = 0x02,
	};
	struct pkt_info o;

	fw6_config(true);
	ASSERT_EQ(send_in(&s, &o), XDP_DROP, "unsolicited SYN as before");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_SYN_DROP), 1, "the IPv4 counter");
	ASSERT_EQ(fixture_stat(NTS_STAT_FW6_IN_DROP), 0, "not fw6's");
	fw6_config(false);
}
