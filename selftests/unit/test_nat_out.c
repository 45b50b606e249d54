// SPDX-License-Identifier: GPL-2.0
/* tc egress: source translation of what inside hosts send. */
#include <netinet/in.h>
#include <linux/pkt_cls.h>

#include "fixture.h"
#include "test.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

static struct pkt_spec tcp_syn(__u32 from, __u16 sport, __u32 to, __u16 dport)
{
	return (struct pkt_spec){
		.proto = IPPROTO_TCP,
		.saddr = from,
		.sport = sport,
		.daddr = to,
		.dport = dport,
		.tcp_flags = TH_SYN,
		.payload = 13,
	};
}

TEST(tcp_rewrite)
{
	struct pkt_spec s = tcp_syn(T_ALICE, 20000, T_REMOTE, 80);
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_EQ(o.saddr, T_WAN, "source address");
	ASSERT_EQ(o.sport, 20000, "source port (kept: free, in range)");
	ASSERT_EQ(o.daddr, T_REMOTE, "destination address");
	ASSERT_EQ(o.dport, 80, "destination port");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 1, "new flows");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_PORT_KEPT), 1, "ports kept");
}

TEST(udp_rewrite)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 5353,
		.daddr = T_REMOTE,
		.dport = 53,
		.payload = 31,
	};
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_EQ(o.saddr, T_WAN, "source address");
	ASSERT_EQ(o.sport, 5353, "source port");
}

TEST(icmp_echo_rewrite)
{
	struct pkt_spec s = {
		.proto = IPPROTO_ICMP,
		.icmp_type = 8,
		.saddr = T_ALICE,
		.sport = 4242,
		.daddr = T_REMOTE,
		.payload = 56,
	};
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_EQ(o.saddr, T_WAN, "source address");
	ASSERT_EQ(o.sport, 4242, "echo id");
}

/* RFC 4787 REQ-1: one inside endpoint, one outside endpoint, any remote. */
TEST(endpoint_independent_mapping)
{
	struct pkt_spec a = tcp_syn(T_ALICE, 40000, T_REMOTE, 80);
	struct pkt_spec b = tcp_syn(T_ALICE, 40000, T_REMOTE2, 443);
	struct pkt_info oa, ob;

	ASSERT_EQ(send_out(&a, &oa), TC_ACT_OK, "first flow");
	ASSERT_EQ(send_out(&b, &ob), TC_ACT_OK, "second flow");
	ASSERT_EQ(ob.sport, oa.sport, "same external port for both remotes");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 2, "two flows");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW_BIND), 1, "one mapping");
}

TEST(port_collision_gets_another_port)
{
	struct pkt_spec a = tcp_syn(T_ALICE, 20000, T_REMOTE, 80);
	struct pkt_spec b = tcp_syn(T_BOB, 20000, T_REMOTE, 80);
	struct pkt_info oa, ob;

	ASSERT_EQ(send_out(&a, &oa), TC_ACT_OK, "alice");
	ASSERT_EQ(send_out(&b, &ob), TC_ACT_OK, "bob");
	ASSERT_EQ(oa.sport, 20000, "alice keeps her port");
	ASSERT_NEQ(ob.sport, 20000, "bob's port");
	ASSERT_TRUE(ob.sport >= T_PORT_LO && ob.sport <= T_PORT_HI,
		    "bob's port is in the NAT range");
	ASSERT_EQ(ob.saddr, T_WAN, "bob's address");
}

TEST(same_flow_same_translation)
{
	struct pkt_spec s = tcp_syn(T_BOB, 20000, T_REMOTE, 80);
	struct pkt_spec a = tcp_syn(T_ALICE, 20000, T_REMOTE, 80);
	struct pkt_info o1, o2;

	send_out(&a, NULL);
	send_out(&s, &o1);
	s.tcp_flags = TH_ACK;
	send_out(&s, &o2);
	ASSERT_EQ(o2.sport, o1.sport, "second packet, same port");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 2, "no third flow");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_XLATE), 3, "translated packets");
}

TEST(reserved_port_not_used)
{
	struct pkt_spec s = tcp_syn(T_ALICE, 2222, T_REMOTE, 80);
	struct pkt_info o;

	fixture_reserve(IPPROTO_TCP, 2222);
	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_NEQ(o.sport, 2222, "the router's own port is not handed out");
	/* The reservation is per protocol. */
	s.proto = IPPROTO_UDP;
	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "udp verdict");
	ASSERT_EQ(o.sport, 2222, "udp port 2222 is free");
}

TEST(port_outside_range_is_moved)
{
	struct pkt_spec s = tcp_syn(T_ALICE, 45000, T_REMOTE, 80);
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_TRUE(o.sport >= T_PORT_LO && o.sport <= T_PORT_HI,
		    "port in the NAT range");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_PORT_KEPT), 0, "not kept");
}

TEST(ports_exhausted)
{
	struct pkt_spec s = tcp_syn(T_ALICE, 2000, T_REMOTE, 80);
	struct pkt_info o;
	int i, ok = 0, v;

	fixture_config(3000, 3001);
	for (i = 0; i < 3; i++) {
		s.sport = 2000 + 2 * i;
		v = send_out(&s, &o);
		if (v == TC_ACT_OK) {
			ok++;
			ASSERT_TRUE(o.sport == 3000 || o.sport == 3001,
				    "port in the range");
		}
	}
	ASSERT_EQ(ok, 2, "two ports, two mappings (parity given up last)");
	ASSERT_EQ(v, TC_ACT_REDIRECT,
		  "the third is not sent, not mistranslated, but answered");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NO_PORT), 1, "counted");
}

/* RFC 4787 REQ-8: out of ports, the sender hears so at once. */
TEST(ports_exhausted_icmp)
{
	struct pkt_spec s = tcp_syn(T_BOB, 3000, T_REMOTE, 80);
	struct pkt_spec a = tcp_syn(T_ALICE, 2000, T_REMOTE, 80);
	struct pkt_info o;
	FRAME(frame);
	FRAME(orig);
	size_t len;
	const char *bad;

	fixture_config(3000, 3000);
	send_out(&s, NULL); /* bob takes the only port */
	len = pkt_build(frame, &a);
	memcpy(orig, frame, len);
	ASSERT_EQ(run_out(frame, &len), TC_ACT_REDIRECT, "answered");
	pkt_read(frame, len, &o);
	ASSERT_EQ(o.proto, IPPROTO_ICMP, "with ICMP");
	ASSERT_EQ((__u8)frame[14 + 20], 3, "destination unreachable");
	ASSERT_EQ((__u8)frame[14 + 21], 13, "administratively prohibited");
	ASSERT_EQ(o.daddr, T_ALICE, "to alice");
	ASSERT_EQ(o.saddr, T_WAN, "from the router");
	ASSERT_MEM_EQ(o.dmac, T_ALICE_MAC, 6, "straight to alice's MAC");
	bad = pkt_csum_check(frame, len);
	ASSERT_TRUE(!bad, bad ? bad : "checksums");
	ASSERT_MEM_EQ(frame + 14 + 28, orig + 14, 28,
		      "quoting her packet's header and 8 bytes");
	ASSERT_EQ(len, 14 + 20 + 8 + 28, "nothing more");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NO_PORT_ICMP), 1, "counted");
}

TEST(router_own_traffic_untouched)
{
	struct pkt_spec s = tcp_syn(T_WAN, 45000, T_REMOTE, 80);
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_EQ(o.sport, 45000, "port untouched");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_LOCAL), 1, "counted as local");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 0, "no flow");
}

TEST(unsupported_protocol_dropped)
{
	struct pkt_spec s = {
		.proto = 47, /* GRE */
		.saddr = T_ALICE,
		.daddr = T_REMOTE,
		.payload = 8,
	};

	ASSERT_EQ(send_out(&s, NULL), TC_ACT_SHOT,
		  "not leaked with an inside address");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_UNSUPP), 1, "counted");
}

TEST(icmp_reply_does_not_open_a_flow)
{
	struct pkt_spec s = {
		.proto = IPPROTO_ICMP,
		.icmp_type = 0,
		.saddr = T_ALICE,
		.sport = 7,
		.daddr = T_REMOTE,
	};

	ASSERT_EQ(send_out(&s, NULL), TC_ACT_SHOT, "verdict");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 0, "no flow");
}

/* RFC 4787 REQ-3: privileged ports map to privileged ports. */
TEST(low_ports_stay_low)
{
	struct pkt_spec a = tcp_syn(T_ALICE, 123, T_REMOTE, 123);
	struct pkt_spec b = tcp_syn(T_BOB, 123, T_REMOTE, 123);
	struct pkt_info oa, ob;

	fixture_config(3000, 3001);
	ASSERT_EQ(send_out(&a, &oa), TC_ACT_OK, "alice");
	ASSERT_EQ(send_out(&b, &ob), TC_ACT_OK, "bob");
	ASSERT_EQ(oa.sport, 123, "kept");
	ASSERT_TRUE(ob.sport >= 1 && ob.sport <= 1023, "bob's: below 1024");
}

/* RFC 4787 REQ-4: a moved port keeps its parity (RTP/RTCP pairs). */
TEST(parity_preserved)
{
	struct pkt_spec s = tcp_syn(T_ALICE, 20000, T_REMOTE, 80);
	struct pkt_info o;
	int i, same = 0;

	for (i = 0; i < 40; i++) {
		s.saddr = T_ALICE;
		s.sport = 20000 + i;
		send_out(&s, NULL); /* alice holds the port */
		s.saddr = T_BOB;
		if (send_out(&s, &o) == TC_ACT_OK && o.sport != s.sport)
			same += (o.sport & 1) == (s.sport & 1);
	}
	ASSERT_EQ(same, 40, "every moved port kept its parity");
}
