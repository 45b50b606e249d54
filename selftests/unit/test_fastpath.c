// SPDX-License-Identifier: GPL-2.0
/*
 * tc LAN ingress, the fast path: packets of known flows translated and
 * redirected to the WAN; everything the stack or nts_wan_out must see
 * passed untouched.
 */
#include <stdlib.h>
#include <netinet/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include <nts/config.h>
#include <nts/nat.h>

#include "fixture.h"
#include "test.h"

#define TH_ACK 0x10

static struct pkt_spec from_alice(__u8 proto, __u16 dport)
{
	return (struct pkt_spec){
		.proto = proto,
		.saddr = T_ALICE,
		.sport = 20000,
		.daddr = T_REMOTE,
		.dport = dport,
		.tcp_flags = proto == IPPROTO_TCP ? 0x02 : 0,
		.icmp_type = 8,
		.payload = 32,
	};
}

/* The flow of @s opened the usual way (tc egress); its external port. */
static __u16 open_flow(const struct pkt_spec *s)
{
	struct pkt_info o;

	ASSERT_EQ(send_out(s, &o), TC_ACT_OK, "opening the flow");
	return o.sport;
}

/* @s passes untouched, not counted as fast. */
static void passes(const struct pkt_spec *s, const char *what)
{
	struct pkt_info o;

	ASSERT_EQ(send_lan(s, &o), TC_ACT_OK, what);
	ASSERT_EQ(o.saddr, T_ALICE, "source untouched");
	ASSERT_EQ(o.ttl, s->ttl ? s->ttl : 64, "TTL untouched");
	ASSERT_EQ(fixture_stat(NTS_STAT_FASTPATH), 0, "not fast");
}

TEST(known_flow_redirected)
{
	static const __u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	unsigned int i;

	for (i = 0; i < sizeof(protos); i++) {
		struct pkt_spec s = from_alice(protos[i], 80);
		struct pkt_info o;
		__u16 ext;

		if (!test__start_subtest(protos[i] == IPPROTO_TCP   ? "tcp"
					 : protos[i] == IPPROTO_UDP ? "udp"
								    : "icmp"))
			continue;
		fixture_reset();
		fixture_flags(NTS_CFG_FASTPATH);
		ext = open_flow(&s);
		s.tcp_flags = TH_ACK;
		ASSERT_EQ(send_lan(&s, &o), TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(o.saddr, T_WAN, "source address");
		ASSERT_EQ(o.sport, ext, "source port");
		ASSERT_EQ(o.daddr, T_REMOTE, "destination address");
		ASSERT_EQ(o.ttl, 63, "TTL decremented (checksum checked)");
		ASSERT_MEM_EQ(o.dmac, T_REMOTE_MAC, 6, "remote's MAC, FIB");
		ASSERT_EQ(fixture_stat(NTS_STAT_FASTPATH), 1, "counted fast");
		ASSERT_EQ(fixture_stat(NTS_STAT_OUT_XLATE), 2,
			  "one translation a packet");
		ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 1, "no new flow");
		test__end_subtest();
	}
}

/* nts_wan_out lets a redirected packet by: translated once, counted once. */
TEST(wan_out_lets_it_by)
{
	struct pkt_spec s = from_alice(IPPROTO_TCP, 80);
	FRAME(frame);
	struct pkt_info o;
	size_t len;

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	s.tcp_flags = TH_ACK;
	len = pkt_build(frame, &s);
	ASSERT_EQ(run_lan(frame, &len), TC_ACT_REDIRECT, "fast");
	ASSERT_EQ(run_out_from(frame, &len, fx.lan_ifindex), TC_ACT_OK,
		  "tc egress");
	pkt_read(frame, len, &o);
	ASSERT_EQ(o.saddr, T_WAN, "source address");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_XLATE), 2, "one translation each");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_LOCAL), 0, "not the router's own");
}

/* The flow's state moves as on tc egress: a FIN is seen. */
TEST(flow_state_updated)
{
	struct pkt_spec s = from_alice(IPPROTO_TCP, 80);
	struct nat_key k = {
		.saddr = htonl(T_ALICE),
		.daddr = htonl(T_REMOTE),
		.sport = htons(20000),
		.dport = htons(80),
		.proto = IPPROTO_TCP,
		.dir = NAT_DIR_OUT,
	};
	struct nat_entry e;

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	s.tcp_flags = TH_ACK | 0x01;
	ASSERT_EQ(send_lan(&s, NULL), TC_ACT_REDIRECT, "verdict");
	ASSERT_OK(bpf_map_lookup_elem(fx.maps.nat, &k, &e), "OUT entry");
	ASSERT_TRUE(e.seen & NAT_SEEN_FIN, "FIN seen");
}

TEST(no_flow_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_TCP, 80);

	fixture_flags(NTS_CFG_FASTPATH);
	passes(&s, "no flow: to the stack");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 0, "none made here");
}

TEST(ttl_1_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_UDP, 80);

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	s.ttl = 1;
	passes(&s, "the stack says time exceeded");
}

TEST(dns_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_UDP, 53);

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	passes(&s, "port 53: registration() reads it");
	s.daddr = T_DDNS;
	open_flow(&s);
	passes(&s, "to the trusted DDNS server");
}

TEST(fragment_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_UDP, 80);

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	s.frag = 0x2000; /* MF: the first of several */
	passes(&s, "first fragment");
}

TEST(options_pass)
{
	struct pkt_spec s = from_alice(IPPROTO_UDP, 80);

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	s.opt_words = 1;
	passes(&s, "IP options are the stack's");
}

TEST(oversize_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_UDP, 80);

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	if (!ASSERT_OK(system("ip link set wan0 mtu 1000"), "wan0 mtu 1000"))
		return;
	s.payload = 1200;
	passes(&s, "bigger than the WAN's MTU");
	ASSERT_EQ(fixture_stat(NTS_STAT_FASTPATH_STACK), 1, "counted");
	s.payload = 900;
	/*
	 * The flow touched again just before: ip(8) may have taken more
	 * than the second after which a packet takes the stack (TCG).
	 */
	send_out(&s, NULL);
	ASSERT_EQ(send_lan(&s, NULL), TC_ACT_REDIRECT, "one that fits");
	ASSERT_OK(system("ip link set wan0 mtu 1500"), "wan0 mtu back");
}

TEST(off_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_TCP, 80);

	open_flow(&s);
	s.tcp_flags = TH_ACK;
	passes(&s, "NTS_CFG_FASTPATH not set");
}

/* To the router's own address: hairpin's (off here), never fast. */
TEST(to_router_passes)
{
	struct pkt_spec s = from_alice(IPPROTO_TCP, 80);

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	s.daddr = T_WAN;
	open_flow(&s);
	s.tcp_flags = TH_ACK;
	passes(&s, "for the router");
}

/* Once a second a flow's packet takes the stack (the neighbour's sake). */
TEST(once_a_second_to_the_stack)
{
	struct pkt_spec s = from_alice(IPPROTO_UDP, 80);
	struct nat_key k = {
		.saddr = htonl(T_ALICE),
		.daddr = htonl(T_REMOTE),
		.sport = htons(20000),
		.dport = htons(80),
		.proto = IPPROTO_UDP,
		.dir = NAT_DIR_OUT,
	};
	struct nat_entry e;
	__u64 then;

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	if (!ASSERT_OK(bpf_map_lookup_elem(fx.maps.nat, &k, &e), "OUT entry"))
		return;
	then = e.last_ns -= 2000000000ULL;
	bpf_map_update_elem(fx.maps.nat, &k, &e, BPF_EXIST);
	passes(&s, "a second on: to the stack");
	ASSERT_EQ(fixture_stat(NTS_STAT_FASTPATH_STACK), 1, "counted");
	bpf_map_lookup_elem(fx.maps.nat, &k, &e);
	ASSERT_TRUE(e.last_ns > then, "the flow's timestamp moved on");
	ASSERT_EQ(send_lan(&s, NULL), TC_ACT_REDIRECT, "the next: fast");
}

/* A GSO skb (GRO at LAN ingress): its segments must fit the WAN's MTU. */
TEST(gso_segments_checked)
{
	struct pkt_spec s = from_alice(IPPROTO_TCP, 80);
	FRAME(frame);
	size_t len;

	fixture_flags(NTS_CFG_FASTPATH);
	open_flow(&s);
	if (!ASSERT_OK(system("ip link set wan0 mtu 1000"), "wan0 mtu 1000"))
		return;
	s.tcp_flags = TH_ACK;
	s.payload = 600;
	len = pkt_build(frame, &s);
	ASSERT_EQ(run_lan_gso(frame, &len, 1200), TC_ACT_OK,
		  "segments of 1200: too big, to the stack");
	len = pkt_build(frame, &s);
	ASSERT_EQ(run_lan_gso(frame, &len, 300), TC_ACT_REDIRECT,
		  "segments of 300: fast");
	ASSERT_EQ(fixture_stat(NTS_STAT_FASTPATH_STACK), 1, "one left");
	ASSERT_OK(system("ip link set wan0 mtu 1500"), "wan0 mtu back");
}
