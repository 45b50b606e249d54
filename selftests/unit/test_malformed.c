// SPDX-License-Identifier: GPL-2.0
/*
 * What the datapath can't translate is passed untouched (inbound, to the
 * router's own stack) or dropped (outbound, where it would leak an inside
 * address); it is never mistranslated. Fragments: see README "Fragments".
 */
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <nts/config.h>

#include "fixture.h"
#include "test.h"

static struct pkt_spec out_tcp(void)
{
	return (struct pkt_spec){
		.proto = IPPROTO_TCP,
		.saddr = T_ALICE,
		.sport = 20000,
		.daddr = T_REMOTE,
		.dport = 80,
		.tcp_flags = 0x02,
	};
}

static struct pkt_spec in_tcp(void)
{
	return (struct pkt_spec){
		.proto = IPPROTO_TCP,
		.saddr = T_REMOTE,
		.sport = 80,
		.daddr = T_WAN,
		.dport = 20000,
	};
}

/* Run @frame through @fn and check that it came back byte for byte. */
static int run_unchanged(int (*fn)(void *, size_t *), void *frame, size_t len)
{
	FRAME(copy);
	size_t n = len;
	int v;

	memcpy(copy, frame, len);
	v = fn(frame, &n);
	ASSERT_EQ(n, len, "length");
	ASSERT_MEM_EQ(frame, copy, len, "frame left untouched");
	return v;
}

TEST(truncated_tcp_out_dropped)
{
	struct pkt_spec s = out_tcp();
	FRAME(frame);
	size_t len;

	s.l4_len = 10;
	len = pkt_build(frame, &s);
	ASSERT_EQ(run_out(frame, &len), TC_ACT_SHOT, "verdict");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_MALFORMED), 1, "counted");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_NEW), 0, "no flow");
}

TEST(truncated_tcp_in_untouched)
{
	struct pkt_spec o = out_tcp(), s = in_tcp();
	FRAME(frame);

	send_out(&o, NULL);
	s.l4_len = 10;
	ASSERT_EQ(run_unchanged(run_in, frame, pkt_build(frame, &s)), XDP_PASS,
		  "verdict");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_MALFORMED), 1, "counted");
}

TEST(bad_ihl)
{
	struct pkt_spec s = out_tcp();
	FRAME(frame);
	struct iphdr *ip = (void *)(frame + ETH_HLEN);
	size_t len;

	len = pkt_build(frame, &s);
	ip->ihl = 4;
	ASSERT_EQ(run_out(frame, &len), TC_ACT_SHOT, "out verdict");
	s = in_tcp();
	len = pkt_build(frame, &s);
	ip->ihl = 4;
	ASSERT_EQ(run_unchanged(run_in, frame, len), XDP_PASS, "in verdict");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_MALFORMED), 1, "counted");
}

TEST(ihl_beyond_frame)
{
	struct pkt_spec s = in_tcp();
	FRAME(frame);
	struct iphdr *ip = (void *)(frame + ETH_HLEN);
	size_t len;

	s.proto = 250;
	s.payload = 0;
	len = pkt_build(frame, &s);
	ip->ihl = 15;
	ASSERT_EQ(run_unchanged(run_in, frame, len), XDP_PASS, "in verdict");
	ASSERT_EQ(run_unchanged(run_out, frame, len), TC_ACT_SHOT,
		  "out verdict");
}

TEST(runt_frame)
{
	FRAME(frame);
	struct ethhdr *eth = (void *)frame;

	eth->h_proto = htons(ETH_P_IP);
	ASSERT_EQ(run_unchanged(run_in, frame, ETH_HLEN + 12), XDP_PASS,
		  "in verdict");
}

TEST(not_ipv4_untouched)
{
	struct pkt_spec s = out_tcp();
	FRAME(frame);
	struct ethhdr *eth = (void *)frame;
	size_t len;

	len = pkt_build(frame, &s);
	eth->h_proto = htons(ETH_P_ARP);
	ASSERT_EQ(run_unchanged(run_out, frame, len), TC_ACT_OK, "out");
	ASSERT_EQ(run_unchanged(run_in, frame, len), XDP_PASS, "in");
}

TEST(first_fragment_translated)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 20000,
		.daddr = T_REMOTE,
		.dport = 7,
		.frag = 0x2000, /* MF */
		.payload = 1000,
	};
	struct pkt_info o;

	ASSERT_EQ(send_out(&s, &o), TC_ACT_OK, "verdict");
	ASSERT_EQ(o.saddr, T_WAN, "address");
	ASSERT_EQ(o.sport, 20000, "port");
}

TEST(later_fragment_out_address_only)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.daddr = T_REMOTE,
		.frag = 125, /* offset 1000 bytes, last fragment */
		.payload = 500,
	};
	FRAME(frame);
	FRAME(copy);
	struct pkt_info o;
	size_t len;

	len = pkt_build(frame, &s);
	memcpy(copy, frame, len);
	ASSERT_EQ(run_out(frame, &len), TC_ACT_OK, "verdict");
	pkt_read(frame, len, &o);
	ASSERT_EQ(o.saddr, T_WAN, "address rewritten");
	ASSERT_TRUE(!pkt_csum_check(frame, len), "IP checksum");
	ASSERT_MEM_EQ(frame + ETH_HLEN + 20, copy + ETH_HLEN + 20, len - 34,
		      "payload untouched");
	ASSERT_EQ(fixture_stat(NTS_STAT_OUT_FRAG), 1, "counted");
}

/* The first fragment's flow carries the later ones (RFC 4787 REQ-14). */
TEST(later_fragment_in_follows_first)
{
	struct pkt_spec o = out_tcp(), s = {
		.proto = IPPROTO_TCP,
		.saddr = T_REMOTE,
		.sport = 80,
		.daddr = T_WAN,
		.dport = 20000,
		.frag = 0x2000, /* MF, offset 0 */
		.payload = 1000,
	};
	struct pkt_info i;

	send_out(&o, NULL);
	ASSERT_EQ(send_in(&s, &i), XDP_PASS, "first fragment");
	ASSERT_EQ(i.daddr, T_ALICE, "translated");
	s.frag = 125; /* offset 1000, the last */
	ASSERT_EQ(send_in(&s, &i), XDP_PASS, "later fragment");
	ASSERT_EQ(i.daddr, T_ALICE, "translated too");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_FRAG_XLATE), 1, "counted");
}

/* Without ntsload to park it, an early fragment goes to the stack. */
TEST(later_fragment_in_untouched)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.daddr = T_WAN,
		.frag = 125,
		.payload = 500,
	};
	FRAME(frame);

	ASSERT_EQ(run_unchanged(run_in, frame, pkt_build(frame, &s)), XDP_PASS,
		  "verdict");
	ASSERT_EQ(fixture_stat(NTS_STAT_IN_FRAG), 1, "counted");
}

TEST(disabled_datapath_passes_all)
{
	struct pkt_spec s = out_tcp();
	FRAME(frame);
	struct nts_config cfg = {};
	__u32 k = 0;

	bpf_map_update_elem(fx.maps.config, &k, &cfg, BPF_ANY);
	ASSERT_EQ(run_unchanged(run_out, frame, pkt_build(frame, &s)),
		  TC_ACT_OK, "before ntsload configured it");
}
