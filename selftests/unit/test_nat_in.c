// SPDX-License-Identifier: GPL-2.0
/* XDP ingress: replies translated back and forwarded; the rest untouched. */
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "fixture.h"
#include "test.h"

/* Open alice:20000 -> remote:80 from inside; returns the external port. */
static __u16 open_flow(__u8 proto)
{
	struct pkt_spec s = {
		.proto = proto,
		.saddr = T_ALICE,
		.sport = 20000,
		.daddr = T_REMOTE,
		.dport = 80,
		.tcp_flags = 0x02,
		.icmp_type = 8,
	};
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "opening the flow");
	return o.sport;
}

static struct pkt_spec reply(__u8 proto, __u16 ext)
{
	return (struct pkt_spec){
		.proto = proto,
		.saddr = T_REMOTE,
		.sport = proto == IPPROTO_ICMP ? ext : 80,
		.daddr = T_WAN,
		.dport = ext,
		.tcp_flags = 0x12,
		.icmp_type = 0,
		.payload = 21,
	};
}

TEST(tcp_reply_rewrite)
{
	__u16 ext = open_flow(IPPROTO_TCP);
	struct pkt_spec r = reply(IPPROTO_TCP, ext);
	struct pkt_info o;

	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict (lan0 not in tx_ports)");
	ASSERT_EQ(o.daddr, T_ALICE, "destination address");
	ASSERT_EQ(o.dport, 20000, "destination port");
	ASSERT_EQ(o.saddr, T_REMOTE, "source address");
	ASSERT_EQ(o.sport, 80, "source port");
	ASSERT_EQ(o.ttl, 64, "TTL is left to the stack");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_XLATE), 1, "translated");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_PASS_STACK), 1, "to the stack");
}

TEST(udp_reply_rewrite)
{
	__u16 ext = open_flow(IPPROTO_UDP);
	struct pkt_spec r = reply(IPPROTO_UDP, ext);
	struct pkt_info o;

	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_ALICE, "destination address");
	ASSERT_EQ(o.dport, 20000, "destination port");
}

TEST(icmp_echo_reply_rewrite)
{
	__u16 ext = open_flow(IPPROTO_ICMP);
	struct pkt_spec r = reply(IPPROTO_ICMP, ext);
	struct pkt_info o;

	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_ALICE, "destination address");
	ASSERT_EQ(o.sport, 20000, "echo id back to alice's");
}

TEST(redirect_when_device_can_take_it)
{
	__u16 ext = open_flow(IPPROTO_TCP);
	struct pkt_spec r = reply(IPPROTO_TCP, ext);
	__u32 idx = fx.lan_ifindex;
	struct pkt_info o;

	ASSERT_OK(bpf_map_update_elem(fx.tx_ports, &idx, &idx, BPF_ANY),
		  "adding lan0 to tx_ports");
	ASSERT_EQ(send_in(&r, &o), XDP_REDIRECT, "verdict");
	ASSERT_EQ(o.daddr, T_ALICE, "destination address");
	ASSERT_EQ(o.ttl, 63, "TTL decremented (and checksum fixed)");
	ASSERT_MEM_EQ(o.dmac, T_ALICE_MAC, 6, "alice's MAC from the FIB");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_REDIRECT), 1, "counted");
}

TEST(unsolicited_untouched)
{
	struct pkt_spec r = reply(IPPROTO_TCP, 20000);
	struct pkt_info o;

	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_WAN, "still for the router");
	ASSERT_EQ(o.dport, 20000, "port untouched");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_MISS), 1, "counted as a miss");
}

/* Address-and-port-dependent filtering: only the remote that was sent to. */
TEST(filtering_other_remote_port)
{
	__u16 ext = open_flow(IPPROTO_UDP);
	struct pkt_spec r = reply(IPPROTO_UDP, ext);
	struct pkt_info o;

	r.sport = 81;
	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_WAN, "not translated");
	r.sport = 80;
	r.saddr = T_REMOTE2;
	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_WAN, "other remote address: not translated");
}

TEST(ttl_expiring_dropped)
{
	__u16 ext = open_flow(IPPROTO_TCP);
	struct pkt_spec r = reply(IPPROTO_TCP, ext);

	r.ttl = 1;
	ASSERT_EQ(send_in(&r, NULL), XDP_DROP, "verdict");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_TTL), 1, "counted");
}

TEST(not_for_the_router_untouched)
{
	struct pkt_spec r = reply(IPPROTO_TCP, 20000);
	struct pkt_info o;

	open_flow(IPPROTO_TCP);
	r.daddr = T_REMOTE2;
	ASSERT_EQ(send_in(&r, &o), XDP_PASS, "verdict");
	ASSERT_EQ(o.daddr, T_REMOTE2, "untouched");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_XLATE), 0, "nothing translated");
}
