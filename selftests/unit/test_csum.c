// SPDX-License-Identifier: GPL-2.0
/* Checksums after translation, recomputed from scratch (send_*() does). */
#include <stdlib.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "fixture.h"
#include "test.h"

TEST(udp_zero_checksum_stays_zero)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 3000,
		.daddr = T_REMOTE,
		.dport = 9,
		.udp_no_csum = true,
		.payload = 10,
	};
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "out");
	ASSERT_EQ(o.l4_csum, 0, "outbound checksum still 0 (none)");
	s = (struct pkt_spec){
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.sport = 9,
		.daddr = T_WAN,
		.dport = o.sport,
		.udp_no_csum = true,
		.payload = 10,
	};
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "in");
	ASSERT_EQ(o.daddr, T_ALICE, "translated");
	ASSERT_EQ(o.l4_csum, 0, "inbound checksum still 0 (none)");
}

/* A source port for which @s, seen from @addr, sums to exactly zero. */
static bool find_zero_sum_port(struct pkt_spec *s, __u32 *field, __u32 addr,
			       __u16 *port)
{
	struct pkt_spec t = *s;
	FRAME(frame);
	struct pkt_info i;
	__u32 p;

	*field = addr;
	for (p = 1; p <= 65535; p++) {
		*port = p;
		t = *s;
		pkt_read(frame, pkt_build(frame, &t), &i);
		/* pkt_build sends a computed 0 as 0xffff (RFC 768) */
		if (i.l4_csum == 0xffff)
			return true;
	}
	return false;
}

TEST(udp_checksum_never_becomes_zero)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.daddr = T_REMOTE,
		.dport = 53,
		.payload = 6,
	};
	struct pkt_info o;

	fixture_config(1, 65535);
	/* The port at which the translated datagram sums to zero... */
	if (!ASSERT_TRUE(find_zero_sum_port(&s, &s.saddr, T_WAN, &s.sport),
			 "a port with a zero sum exists"))
		return;
	/* ...sent from alice, whose port is kept. */
	s.saddr = T_ALICE;
	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "out");
	ASSERT_EQ(o.sport, s.sport, "port kept");
	ASSERT_EQ(o.l4_csum, 0xffff, "0 is sent as 0xffff");
}

TEST(udp_checksum_never_becomes_zero_inbound)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.sport = 53,
		.payload = 6,
	};
	struct pkt_spec open;
	struct pkt_info o;

	fixture_config(1, 65535);
	if (!ASSERT_TRUE(find_zero_sum_port(&s, &s.daddr, T_ALICE, &s.dport),
			 "a port with a zero sum exists"))
		return;
	open = (struct pkt_spec){
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = s.dport,
		.daddr = T_REMOTE,
		.dport = 53,
	};
	send_out(&open, NULL);
	s.daddr = T_WAN;
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "in");
	ASSERT_EQ(o.daddr, T_ALICE, "translated");
	ASSERT_EQ(o.l4_csum, 0xffff, "0 is sent as 0xffff");
}

TEST(ip_options)
{
	struct pkt_spec s = {
		.proto = IPPROTO_TCP,
		.saddr = T_BOB,
		.sport = 20000,
		.daddr = T_REMOTE,
		.dport = 80,
		.tcp_flags = 0x02,
		.opt_words = 3,
		.payload = 40,
	};
	struct pkt_spec a = s;
	struct pkt_info o;

	a.saddr = T_ALICE;
	a.opt_words = 0;
	send_out(&a, NULL);	/* takes port 20000 */
	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "out");
	ASSERT_EQ(o.saddr, T_WAN, "address");
	ASSERT_NEQ(o.sport, 20000, "port moved past the options");
	s = (struct pkt_spec){
		.proto = IPPROTO_TCP,
		.saddr = T_REMOTE,
		.sport = 80,
		.daddr = T_WAN,
		.dport = o.sport,
		.opt_words = 2,
		.payload = 7,
	};
	ASSERT_EQ(send_in(&s, &o), XDP_PASS, "in");
	ASSERT_EQ(o.daddr, T_BOB, "address");
	ASSERT_EQ(o.dport, 20000, "port behind the options");
}

/* Many shapes both ways; send_*() check every checksum. */
TEST(random_round_trips)
{
	static const __u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct pkt_spec s, r;
	struct pkt_info o, b;
	int i;

	srand(1);
	for (i = 0; i < 300; i++) {
		s = (struct pkt_spec){
			.proto = protos[rand() % 3],
			.saddr = IP4(10, 0, 0, 2 + rand() % 200),
			.sport = rand() % 65535 + 1,
			.daddr = IP4(198, 51, 100, 10 + rand() % 100),
			.dport = rand() % 65535 + 1,
			.tcp_flags = 0x02,
			.icmp_type = 8,
			.opt_words = rand() % 2 ? rand() % 10 : 0,
			.payload = rand() % 600,
		};
		if (!ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "out"))
			return;
		r = (struct pkt_spec){
			.proto = s.proto,
			.saddr = s.daddr,
			.sport = s.proto == IPPROTO_ICMP ? o.sport : s.dport,
			.daddr = T_WAN,
			.dport = o.sport,
			.tcp_flags = 0x12,
			.icmp_type = 0,
			.payload = rand() % 600,
		};
		if (!ASSERT_EQ(send_in(&r, &b), XDP_PASS, "in"))
			return;
		if (!ASSERT_EQ(b.daddr, s.saddr, "back to the sender") ||
		    !ASSERT_EQ(s.proto == IPPROTO_ICMP ? b.sport : b.dport,
			       s.sport, "sender's port"))
			return;
	}
}
